"""Commands that export: a whole transcript (``export``) or the tagged passages
(``export-passages``). Output goes to stdout, or with ``-o FILE`` to a file written
atomically (an interrupted export never leaves a truncated file under that name).
"""

from __future__ import annotations

import io

import click

from intercept_viewer.cli.app import AppState, cli, describe_os_error, echo, emit, fail
from intercept_viewer.cli.passages_cmd import check_tag_exists, queue_filters, user_errors
from intercept_viewer.core.exporters import (
    PASSAGE_FORMATS,
    TRANSCRIPT_FORMATS,
    ExportResult,
    export_passages,
    export_transcript,
    format_for_path,
)
from intercept_viewer.core.terminal_text import for_terminal, for_terminal_json

pass_state = click.make_pass_decorator(AppState)


def _choose_format(fmt: str | None, output: str | None, formats: dict[str, str]) -> str:
    """``--format``, else the ending of ``-o FILE``; neither is an error worth a clear word."""
    if fmt:
        return fmt
    guessed = format_for_path(output, formats) if output else None
    if guessed is None:
        fail(f"Give --format ({'|'.join(formats)}); it can't be told from the output name.")
    assert guessed is not None
    return guessed


def _report(result: ExportResult, output: str | None, what: str) -> None:
    for warning in result.warnings:
        echo(f"warning: {warning}", err=True)
    if output:
        echo(f"Wrote {result.items} {what} to {output} ({result.format}).", err=True)


def _run(write, output: str | None, fmt: str) -> ExportResult:  # type: ignore[no-untyped-def]
    """Run an export into ``output`` or, without one, into a buffer printed on stdout (so a
    failure half-way prints nothing rather than half a file).

    On stdout, terminal controls from the transcript's text are shown escaped (JSON: as
    ``\\uXXXX``, so it still decodes to the same text); ``-o FILE`` writes the exact text.
    """
    with user_errors():
        try:
            if output:
                return write(output)
            buffer = io.StringIO()
            result = write(buffer)
        except OSError as exc:
            what = describe_os_error(exc) if exc.filename else exc.strerror or str(exc)
            fail(f"Can't write {output or 'the output'}: {what}")
    text = buffer.getvalue()
    emit(for_terminal_json(text) if fmt == "json" else for_terminal(text), nl=False)
    return result


@cli.command("export")
@click.argument("transcript_id", metavar="ID", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(TRANSCRIPT_FORMATS)),
    help="Output format (default: from the -o file's ending).",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@click.option(
    "--original",
    is_flag=True,
    help="Write the transcript as imported, without the corrections made since.",
)
@pass_state
def export_cmd(
    state: AppState, transcript_id: int, fmt: str | None, output: str | None, original: bool
) -> None:
    """Export transcript ID with its citation and verification status.

    \b
    txt   [m:ss] Speaker: text, under a front-matter header with the citation and status
    srt   subtitles (Speaker: text); a status cue opens an unverified transcript
    vtt   WebVTT with <v Speaker> voice tags and a NOTE with the citation
    md    Markdown: status, citation, the conversation, tagged passages
    json  the project's JSON (speakers, utterances, passages, tags, notes); imports back
    Missing times are estimated for srt/vtt, and the export says so. Lines corrected after
    import end [corrected]; --original writes the text as imported (not json, which keeps both).

    \b
    Examples:
      intercept-viewer export 3 --format srt -o call.srt
      intercept-viewer export 3 --format json > call.json
      intercept-viewer export 3 --format txt --original -o as-published.txt
    """
    fmt = _choose_format(fmt, output, TRANSCRIPT_FORMATS)
    lib = state.reader()
    result = _run(
        lambda dest: export_transcript(lib, transcript_id, fmt, dest, original=original),
        output,
        fmt,
    )
    _report(result, output, "utterances")


@cli.command("export-passages")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(PASSAGE_FORMATS)),
    help="Output format (default: from the -o file's ending).",
)
@queue_filters
@click.option("--newest-first", is_flag=True, help="Newest passages first.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of stdout.")
@pass_state
def export_passages_cmd(
    state: AppState,
    fmt: str | None,
    tag_name: str | None,
    state_filter: str | None,
    transcript_id: int | None,
    verification: str | None,
    newest_first: bool,
    output: str | None,
) -> None:
    """Export tagged passages, each quoted with speakers, times, tags, note and citation.

    Quotes from transcripts that are not verified carry the status on the quote's own line
    (CSV: a [UNVERIFIED] prefix in the quote cell and a verification column).

    \b
    Examples:
      intercept-viewer export-passages --format csv --state open -o queue.csv
      intercept-viewer export-passages --format md --tag Kupyansk
    """
    fmt = _choose_format(fmt, output, PASSAGE_FORMATS)
    check_tag_exists(state, tag_name)
    lib = state.reader()
    with user_errors():
        rows = lib.passages(
            tag=tag_name,
            state=state_filter,
            transcript_id=transcript_id,
            verification=verification,
            newest_first=newest_first,
        )
    result = _run(lambda dest: export_passages(lib, rows, fmt, dest), output, fmt)
    _report(result, output, "passages")
