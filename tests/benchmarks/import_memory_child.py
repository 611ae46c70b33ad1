"""Peak memory of importing one file, in a fresh process: ``python -m ... FILE LIBRARY``.

Prints one JSON line: the peak RSS of this process (the writer) and of the largest import
worker, in MB, and the seconds the import took. Workers are read from /proc before the pool
closes (they are the fork server's children, so this process's rusage doesn't count them).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> None:
    from intercept_viewer.core.library import Library

    src, db = Path(sys.argv[1]), Path(sys.argv[2])
    t0 = time.perf_counter()
    lib = Library(db)
    utterances = 0
    for _path, outcome in lib.import_files([src]):
        utterances += getattr(outcome, "utterances", 0)
    seconds = time.perf_counter() - t0
    workers: list[float] = []
    pool = lib._import_pool
    executor = getattr(pool, "_executor", None) if pool is not None else None
    for proc in (getattr(executor, "_processes", None) or {}).values():
        mb = _hwm_mb(proc.pid)
        if mb is not None:
            workers.append(mb)
    lib.close()
    print(
        json.dumps(
            {
                "utterances": utterances,
                "seconds": seconds,
                "writer_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_peak_mb": max(workers) if workers else None,
                "workers": len(workers),
            }
        )
    )


if __name__ == "__main__":
    main()
