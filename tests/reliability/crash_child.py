"""The worker that test_crash_safety kills: imports and tags as fast as it can, printing each
committed id (flushed) so the parent knows what must survive the kill.

Run: ``python -m tests.reliability.crash_child LIBRARY SEED WORKDIR``. Lines printed:
``T id utterances`` (a transcript), ``P id transcript tags note`` (a passage, tab-separated),
``N id note`` (a passage's note changed).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from intercept_viewer.core.library import Library
from tests.conftest import make_parsed

WORDS = [
    "мам",
    "привет",
    "под",
    "Купянском",
    "обстрел",
    "сухпай",
    "рота",
    "связь",
    "mum",
    "shelling",
    "forest",
    "belt",
]


def say(*parts: object) -> None:
    print("\t".join(str(p) for p in parts), flush=True)


def main() -> None:
    path, seed, workdir = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    rng = random.Random(seed)
    with Library(path) as lib:
        say("ready")
        n = 0
        while True:
            n += 1
            action = rng.random()
            if action < 0.3 or lib.transcript_count() == 0:
                size = rng.choice([3, 40, 400, 2500])  # 2500 takes the bulk FTS path
                lines = [
                    (rng.choice(["Солдат", "Мать", "Soldier"]), " ".join(rng.choices(WORDS, k=8)))
                    for _ in range(size)
                ]
                if size <= 40:  # through a file, as the app does
                    f = workdir / f"call_{seed}_{n}.txt"
                    f.write_text(
                        "\n".join(f"{who}: {text}" for who, text in lines) + f"\n# {seed} {n}\n",
                        encoding="utf-8",
                    )
                    result = lib.import_file(f, format="labelled")
                else:
                    parsed = make_parsed(lines, title=f"call {seed}-{n}")
                    result = lib.add(parsed, sha256=f"{seed:032x}{n:032x}")
                say("T", result.id, result.utterances)
            elif action < 0.8:
                ids = [t.id for t in lib.transcripts()]
                tid = rng.choice(ids)
                count = lib.utterance_count(tid)
                first = rng.randint(1, count)
                tags = sorted(set(rng.choices(["Потери", "логистика", "morale", "Купянськ"], k=2)))
                note = f"note {seed}-{n} «{rng.choice(WORDS)}»"
                p = lib.add_passage(tid, first, min(count, first + 2), tags=tags, note=note)
                say("P", p.id, tid, "|".join(tags), note)
            else:
                passages = lib.passages()
                if passages:
                    p = rng.choice(passages)
                    note = f"edited {seed}-{n}"
                    lib.update_passage(p.id, note=note)
                    say("N", p.id, note)


if __name__ == "__main__":
    main()
