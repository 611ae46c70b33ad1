"""The Telegram side of ``import``: an export folder or ``result.json`` yields many transcripts.

``import`` hands every argument that is a Telegram Desktop export to ``import_exports`` and the
rest to the file importers; this keeps the Telegram logic out of the shared command module.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from intercept_viewer.cli.app import echo
from intercept_viewer.core.errors import InterceptViewerError

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library


def split_exports(files: tuple[str, ...]) -> tuple[list[str], tuple[str, ...]]:
    """(Telegram exports, everything else) among the arguments."""
    from intercept_viewer.core.telegram import is_telegram_export

    exports = [f for f in files if is_telegram_export(f)]
    return exports, tuple(f for f in files if f not in exports)


def import_exports(
    lib: Library, exports: list[str], username: str | None, quiet: bool
) -> tuple[list[dict[str, object]], bool]:
    """Import each export with a progress bar; returns the rows for new transcripts and whether
    one failed. The summary (N transcripts, M skipped and why) goes to stderr."""
    from intercept_viewer.core.telegram.importer import TelegramImport

    rows: list[dict[str, object]] = []
    failed = False
    for path in exports:
        job = TelegramImport(lib, path, username=username)
        try:
            progress = job.run()
            first = next(progress, None)
            total = first.total if first else 0
            with click.progressbar(
                length=total, label=f"Telegram {path}", file=sys.stderr, hidden=quiet
            ) as bar:
                for step in progress:
                    bar.update(step.done - bar.pos)
        except InterceptViewerError as exc:  # unreadable export, read-only library
            echo(str(exc), err=True)
            failed = True
            continue
        report = job.report
        for warning in report.warnings:
            echo(f"{path}: {warning}", err=True)
        for item in report.imported:
            rows.append(
                {
                    "id": item.transcript_id,
                    "title": item.title,
                    "utterances": item.utterances,
                    "speakers": item.speakers,
                    "duplicate": False,
                    "warnings": [{"line": w.line, "message": w.message} for w in item.warnings],
                    "telegram": {"channel_id": item.channel_id, "post_id": item.post_id},
                }
            )
        echo(f"{path}: {report.summary()}", err=True)
    return rows, failed
