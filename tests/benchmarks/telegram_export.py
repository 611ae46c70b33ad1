"""``python -m tests.benchmarks.telegram_export [--messages N]``: a generated Telegram channel
export (5,000 messages by default) imported the way ``import`` does, with progress on stderr
and the time printed. A script, not a test: pytest never collects it.

The export is seeded and written to a temporary folder: calls as labelled and dash dialogue in
Russian and Ukrainian (a third with a voice message), announcements, photo albums and service
messages in the proportions of a busy channel.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.generate import Talk, _turns, write_dash, write_labelled
from tests.benchmarks.vocab import SPEAKERS


def write_export(folder: Path, n_messages: int, seed: int = 19) -> Path:
    rng = random.Random(seed)
    (folder / "voice_messages").mkdir(parents=True, exist_ok=True)
    messages: list[dict[str, object]] = []
    when = 1_700_000_000
    mid = 0
    while len(messages) < n_messages:
        mid += 1
        when += rng.randrange(600, 7200)
        base = {"id": mid, "type": "message", "date_unixtime": str(when), "from": "ГУР МО"}
        kind = rng.random()
        if kind < 0.55:
            lang = rng.choice(("ru", "uk"))
            talk = Talk(rng, lang)
            turns = _turns(rng, talk, rng.randrange(6, 30), rng.choice(SPEAKERS[lang])[:2])
            title = talk.topic().capitalize()
            text = write_labelled(turns, title) if rng.random() < 0.6 else write_dash(turns, title)
            msg = {**base, "text": text + "\n#перехоплення"}
            if rng.random() < 0.33:
                name = f"voice_messages/audio_{mid}.ogg"
                (folder / name).write_bytes(b"OggS")
                msg.update(
                    file=name,
                    media_type="voice_message",
                    mime_type="audio/ogg",
                    duration_seconds=rng.randrange(20, 300),
                )
            messages.append(msg)
        elif kind < 0.75:
            messages.append({**base, "text": "Підписуйтесь на канал розвідки. Слава Україні!"})
        elif kind < 0.9:
            for j in range(3):
                messages.append(
                    {
                        **base,
                        "id": mid + j,
                        "date_unixtime": str(when + j),
                        "photo": f"photos/p{mid + j}.jpg",
                        "text": "",
                    }
                )
            mid += 2
        else:
            messages.append({**base, "type": "service", "action": "pin_message", "text": ""})
    path = folder / "result.json"
    data = {
        "name": "ГУР МО (generated)",
        "type": "public_channel",
        "id": 42,
        "messages": messages[:n_messages],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from intercept_viewer.core.library import Library
    from intercept_viewer.core.telegram.importer import TelegramImport

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        export = write_export(Path(tmp) / "export", args.messages)
        lib = Library(Path(tmp) / "library.sqlite")
        start = time.perf_counter()
        job = TelegramImport(lib, export, username="generated")
        steps = 0
        for step in job.run():
            steps += 1
            if step.done % 500 == 0:
                print(f"\r{step.done}/{step.total} posts", end="", file=sys.stderr)
        seconds = time.perf_counter() - start
        print(file=sys.stderr)
        report = job.report
        utterances = sum(i.utterances for i in report.imported)
        print(report.summary())
        print(
            json.dumps(
                {
                    "messages": report.messages,
                    "posts": report.posts,
                    "transcripts": len(report.imported),
                    "utterances": utterances,
                    "progress_steps": steps,
                    "seconds": round(seconds, 2),
                }
            )
        )
        start = time.perf_counter()
        again = TelegramImport(lib, export)
        for _ in again.run():
            pass
        print(
            json.dumps(
                {
                    "reimport_new": len(again.report.imported),
                    "reimport_seconds": round(time.perf_counter() - start, 2),
                }
            )
        )
        lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
