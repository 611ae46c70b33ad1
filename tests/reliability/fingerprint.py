"""``python -m tests.reliability.fingerprint LIBRARY``: one hash of every row (read-only).

For tests that compare a library's content from a subprocess (a private mount namespace)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from tests.reliability.helpers import library_fingerprint

if __name__ == "__main__":
    rows = library_fingerprint(Path(sys.argv[1]))
    print(hashlib.sha256(repr(rows).encode("utf-8")).hexdigest())
