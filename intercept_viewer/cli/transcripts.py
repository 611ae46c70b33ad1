"""Commands over transcripts: open (the window), import, list, show, set, delete."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail, print_json
from intercept_viewer.cli.import_progress import import_progress
from intercept_viewer.core.errors import ImportFailed, InterceptViewerError, NotFound
from intercept_viewer.core.importers import format_names
from intercept_viewer.core.model import VERIFICATION_STATES

pass_state = click.make_pass_decorator(AppState)


@cli.command("open")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True))
@click.pass_obj
def open_window(state: AppState, files: tuple[str, ...]) -> None:
    """Open the window; FILES are imported first and the first one is shown.

    This is what `intercept-viewer [FILE...]` runs.

    \b
    Example:
      intercept-viewer open call.srt article.html
    """
    from intercept_viewer.core.paths import resolve_library_path
    from intercept_viewer.ui.app import run_app

    # the window opens the library itself: once, with one integrity check
    path, is_default = resolve_library_path(state.library_arg)
    raise SystemExit(run_app(path, list(files), seed=is_default))


def _without_sidecars_of(files: tuple[str, ...]) -> tuple[str, ...]:
    """Drop ``NAME.meta.json`` sidecars whose transcript is imported in the same call.

    ``import calls/*`` names the sidecars too; they are applied with their transcript, so
    reporting each one as a failed import would only be noise. A sidecar given alone still
    gets the importer's explanation.
    """
    given = {str(Path(f).with_suffix("")) for f in files}
    kept = []
    for f in files:
        if f.lower().endswith(".meta.json"):
            stem = f[: -len(".meta.json")]
            if any(g == stem or g.startswith(stem + ".") for g in given if g != f[:-5]):
                continue
        kept.append(f)
    return tuple(kept)


@cli.command("import")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(format_names()),
    help="Read every FILE as this format instead of detecting it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one entry per file.")
@click.option(
    "--telegram-username",
    metavar="NAME",
    help="The channel's @username, for https://t.me/NAME/ID links (a Telegram export doesn't "
    "hold it; remembered per channel).",
)
@click.argument("files", nargs=-1, required=True, type=click.Path())
@pass_state
def import_cmd(
    state: AppState,
    fmt: str | None,
    as_json: bool,
    telegram_username: str | None,
    files: tuple[str, ...],
) -> None:
    """Import transcript FILES into the library.

    Formats are detected from the file ending and content. Importing the same bytes twice
    finds the existing transcript. A file that fails is reported as FILE:LINE: message on
    stderr; the others still import, and the command exits 2 at the end.

    A Telegram Desktop export (its folder, result.json or messages.html) imports every post
    that carries a call as a transcript; the rest are counted, with reasons, on stderr.
    Re-importing it adds only new posts. With --json each row has "telegram":
    {"channel_id", "post_id"}.

    \b
    Examples:
      intercept-viewer import --json call.txt subtitles.srt interview.eaf
      intercept-viewer import --telegram-username sbu_intercepts ChatExport_2024-05-01/
    """
    from intercept_viewer.cli.telegram_import import import_exports, split_exports

    lib = state.library()
    exports, files = split_exports(_without_sidecars_of(files))
    results, failed = import_exports(lib, exports, telegram_username, quiet=as_json)
    with (
        import_progress(files, sys.stderr, as_json) as progress,
        contextlib.closing(lib.import_files(files, format=fmt, progress=progress)) as outcomes,  # type: ignore[type-var]
    ):  # closed (its transaction ended) before the library, even on a failure
        for _path, outcome in outcomes:
            if isinstance(outcome, ImportFailed):
                failed = True
                if progress is not None:
                    echo("", err=True)  # below the bar, not over it
                echo(str(outcome), err=True)
                continue
            results.append(
                {
                    "id": outcome.id,
                    "title": outcome.title,
                    "utterances": outcome.utterances,
                    "speakers": outcome.speakers,
                    "duplicate": outcome.duplicate,
                    "warnings": [{"line": w.line, "message": w.message} for w in outcome.warnings],
                }
            )
    if as_json:
        print_json(results)
    else:
        for r in results:
            dup = " (already in the library)" if r["duplicate"] else ""
            echo(
                f"{r['id']:>5}  {r['title']}  — {r['utterances']} utterances, "
                f"{r['speakers']} speakers{dup}"
            )
            warnings = r.get("warnings", [])  # Telegram rows carry theirs in the report
            assert isinstance(warnings, list)
            for w in warnings if len(results) == 1 else []:
                where = f"line {w['line']}: " if w["line"] is not None else ""
                echo(f"       to review: {where}{w['message']}")
            if warnings and len(results) > 1:
                echo(f"       {len(warnings)} things to review (import --json lists them)")
    if failed:
        raise SystemExit(2)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--needs-review",
    is_flag=True,
    help="Only transcripts whose import report still has things to review.",
)
@pass_state
def list_cmd(state: AppState, as_json: bool, needs_review: bool) -> None:
    """List the transcripts in the library, newest release first.

    \b
    Example:
      intercept-viewer list --json
      intercept-viewer list --needs-review
    """
    rows = state.reader().transcripts()
    review = state.reader().review_counts()
    if needs_review:
        rows = [t for t in rows if review.get(t.id)]
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "title": t.title,
                    "publisher": t.publisher,
                    "released_on": t.released_on,
                    "utterances": t.utterance_count,
                    "verification": t.verification,
                    "format": t.format,
                    "origin": t.origin,
                    "to_review": review.get(t.id, 0),
                }
                for t in rows
            ]
        )
        return
    if not rows:
        echo("The library is empty. Import files with: intercept-viewer import FILE...")
        return
    for t in rows:
        flag = "" if t.verification == "verified" else f" [{t.verification.upper()}]"
        date = t.released_on or "----------"
        echo(
            f"{t.id:>5}  {date}  {t.title}  ({t.publisher or 'unknown publisher'}, "
            f"{t.utterance_count} utterances){flag}"
            + (f"  ({review[t.id]} to review)" if review.get(t.id) else "")
        )


def _get_transcript(state: AppState, transcript_id: int):  # type: ignore[no-untyped-def]
    try:
        return state.reader().transcript(transcript_id)
    except NotFound as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers calm


@cli.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the transcript as JSON.")
@click.argument("transcript_id", metavar="ID", type=int)
@pass_state
def show_cmd(state: AppState, as_json: bool, transcript_id: int) -> None:
    """Show one transcript: its source, its flag and every utterance.

    \b
    Example:
      intercept-viewer show 3
    """
    lib = state.reader()
    t = _get_transcript(state, transcript_id)
    speakers = lib.speakers(t.id)
    names = {s.id: s.name for s in speakers}
    utterances = lib.utterances(t.id)
    media = lib.media(t.id)
    if as_json:
        print_json(
            {
                "id": t.id,
                "title": t.title,
                "publisher": t.publisher,
                "channel": t.channel,
                "source_url": t.source_url,
                "archive_url": t.archive_url,
                "released_on": t.released_on,
                "recorded_on": t.recorded_on,
                "language": t.language,
                "original_language": t.original_language,
                "translator": t.translator,
                "verification": t.verification,
                "verification_note": t.verification_note,
                "description": t.description,
                "format": t.format,
                "file_name": t.file_name,
                "file_sha256": t.file_sha256,
                "origin": t.origin,
                "media": media.as_json() if media is not None else None,
                "speakers": [
                    {"id": s.id, "label": s.label, "name": s.name, "color": s.color}
                    for s in speakers
                ],
                "utterances": [
                    {
                        "seq": u.seq,
                        "speaker": names.get(u.speaker_id) if u.speaker_id else None,
                        "start_ms": u.start_ms,
                        "end_ms": u.end_ms,
                        "text": u.text,
                        "original_text": u.original_text,
                        "corrected": u.corrected,
                        "translation": u.translation,
                    }
                    for u in utterances
                ],
            }
        )
        return
    echo(t.title)
    if t.verification != "verified":
        note = f" — {t.verification_note}" if t.verification_note else ""
        echo(f"[{t.verification.upper()}]{note}")
    if t.origin == "article":
        echo("[QUOTED FROM AN ARTICLE — not a full transcript]")
    for label, value in (
        ("Publisher", t.publisher),
        ("Channel", t.channel),
        ("Released", t.released_on),
        ("URL", t.source_url),
        ("Language", t.language),
        ("Translator", t.translator),
    ):
        if value:
            echo(f"{label}: {value}")
    if media is not None:
        missing = "" if media.exists else " (not found)"
        echo(f"Media: {media.path}{missing}, SHA-256 {media.sha256}")
    echo("")
    from intercept_viewer.core.timefmt import format_ms

    for u in utterances:
        who = names.get(u.speaker_id, "?") if u.speaker_id else "?"
        when = f"[{format_ms(u.start_ms)}] " if u.start_ms is not None else ""
        mark = " [corrected]" if u.corrected else ""
        echo(f"{u.seq:>4} {when}{who}: {u.text}{mark}")
        if u.translation:
            echo(f"     ({u.translation})")


_SET_FIELDS = (
    "title",
    "publisher",
    "channel",
    "source_url",
    "archive_url",
    "released_on",
    "recorded_on",
    "language",
    "original_language",
    "translator",
    "description",
    "media_path",
)


def _set_options(f):  # type: ignore[no-untyped-def]
    for name in reversed(_SET_FIELDS):
        f = click.option(
            f"--{name.replace('_', '-')}", name, default=None, help=f"New {name.replace('_', ' ')}."
        )(f)
    return f


@cli.command("set")
@click.argument("transcript_id", metavar="ID", type=int)
@click.option(
    "--verification",
    type=click.Choice(VERIFICATION_STATES),
    help="Verification status (a transcript is unverified until you say otherwise).",
)
@click.option("--note", default=None, help="Verification note: why this status.")
@click.option("--reason", default=None, help="Why the status changed (kept in the history).")
@_set_options
@pass_state
def set_cmd(
    state: AppState,
    /,
    transcript_id: int,
    verification: str | None,
    note: str | None,
    reason: str | None,
    **fields: str | None,
) -> None:
    """Edit a transcript's source metadata and verification status.

    \b
    Example:
      intercept-viewer set 3 --verification corroborated --note "Voice matched by two outlets"
    """
    changes = {k: v for k, v in fields.items() if v is not None}
    if verification is not None:
        changes["verification"] = verification
    if note is not None:
        changes["verification_note"] = note
    if not changes:
        fail("Nothing to change: give at least one option (see --help).")
    try:
        t = state.library().update_transcript(transcript_id, reason=reason, **changes)
    except (InterceptViewerError, ValueError) as exc:
        fail(str(exc))
        return
    echo(f"{t.id}: {t.title} [{t.verification}]")


@cli.command("delete")
@click.argument("ids", metavar="ID...", nargs=-1, required=True, type=int)
@click.option("--with-passages", is_flag=True, help="Also delete their tagged passages.")
@click.option("--yes", is_flag=True, help="Don't ask for confirmation.")
@pass_state
def delete_cmd(state: AppState, ids: tuple[int, ...], with_passages: bool, yes: bool) -> None:
    """Delete transcripts. Their tagged passages go only with --with-passages.

    \b
    Example:
      intercept-viewer delete 4 5 --yes
    """
    lib = state.library()
    for i in ids:
        _get_transcript(state, i)
    if not yes:
        click.confirm(f"Delete {len(ids)} transcript(s)?", abort=True)
    try:
        lib.delete_transcripts(ids, delete_passages=with_passages)
    except InterceptViewerError as exc:
        fail(str(exc))
    echo(f"Deleted {len(ids)} transcript(s).")


@cli.command("formats")
def formats_cmd() -> None:
    """List the import formats, their file endings and what they read.

    \b
    Example:
      intercept-viewer formats
    """
    from intercept_viewer.core.importers import IMPORTERS

    for imp in IMPORTERS:
        echo(f"{imp.name:<10} {' '.join(imp.suffixes):<22} {imp.description}")
