"""``python -m tests.benchmarks.publish [--quick]``: time publishing a 1M-utterance library to
both targets (issue 20). A script, not a test: pytest never collects it.

It reuses the benchmark's generated files (``./bench-data``, see ``tests.benchmarks.run``),
imports them once into ``bench-data/<name>/publish/library.sqlite`` (kept for later runs), then
times ``export-ftm`` of every release to a file, ``publish-datasette`` to a folder, and
``publish-aleph`` (entities only) to the local stand-in of Aleph's API that the tests use
(``tests/core/publish/fake_aleph.py``, in this process): a real Aleph can't run here, and its
indexing time is its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tests.benchmarks.generate import generate
from tests.benchmarks.run import FULL, QUICK, REPO, progress


def main(argv: list[str] | None = None) -> int:
    from intercept_viewer.core.atomic_write import atomic_write
    from intercept_viewer.core.library import Library
    from intercept_viewer.core.publish.datasette import publish_datasette
    from intercept_viewer.core.publish.ftm import write_ftm

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data")
    args = parser.parse_args(argv)
    spec = QUICK if args.quick else FULL
    name = f"{spec.seed}-{spec.transcripts}x{spec.utterances}-{spec.big}"
    ds = generate(args.data / name / "files", spec, progress)
    work = args.data / name / "publish"
    work.mkdir(parents=True, exist_ok=True)
    lib_path = work / "library.sqlite"
    done_marker = work / "imported"
    if not done_marker.exists():
        lib_path.unlink(missing_ok=True)
        progress(f"importing {len(ds.files)} files once into {lib_path}")
        with Library(lib_path) as lib:
            for _ in lib.import_files(ds.paths()):
                pass
        done_marker.write_text("ok")
    figures: dict[str, object] = {}
    with Library(lib_path) as lib:
        utterances = lib.db.execute("SELECT count(*) FROM utterances").fetchone()[0]
        figures["transcripts"] = lib.transcript_count()
        figures["utterances"] = utterances
        progress("export-ftm")
        start = time.perf_counter()
        with atomic_write(work / "all.ftm.json") as fh:
            figures["ftm_entities"] = write_ftm(lib, fh)
        figures["ftm_seconds"] = round(time.perf_counter() - start, 1)
        figures["ftm_mb"] = round((work / "all.ftm.json").stat().st_size / 1e6, 1)
        progress("publish-datasette")
        start = time.perf_counter()
        publish_datasette(lib, work / "site", progress=lambda step: progress(f"  {step}"))
        figures["datasette_seconds"] = round(time.perf_counter() - start, 1)
        figures["datasette_mb"] = round((work / "site" / "library.db").stat().st_size / 1e6, 1)
        progress("publish-aleph to the local stand-in of Aleph's API (entities, no media)")
        from intercept_viewer.core.publish.aleph import publish_aleph
        from tests.core.publish.fake_aleph import FakeAleph

        with FakeAleph() as aleph:
            start = time.perf_counter()
            report = publish_aleph(lib, aleph.url, "bench", upload_media=False)
            figures["aleph_stand_in_seconds"] = round(time.perf_counter() - start, 1)
            figures["aleph_entities"] = report.entities
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
