"""Fuzz the plain-text parsers: labelled dialogue, dash dialogue and articles (plus decoding,
front matter and sidecar-free metadata), and format detection over all of them.

    .venv/bin/python fuzz/fuzz_text.py -max_total_time=60

libFuzzer flags work as usual (-runs=N, -jobs=N, a corpus folder); crashes are saved as
``crash-<sha1>`` in the current folder.
"""

from __future__ import annotations

from _harness import run

FORMATS = [
    ("labelled", "call.txt"),
    ("dash", "call.txt"),
    ("article", "article.txt"),
    ("article", "article.html"),
    ("", "call.txt"),  # detection picks the importer
    ("", "call.md"),
]

if __name__ == "__main__":
    run("text", (".txt", ".md", ".html"), FORMATS)
