"""`intercept-viewer search`: the library's search, headless (a thin layer over core.search)."""

from __future__ import annotations

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail, print_json
from intercept_viewer.core.errors import QueryError
from intercept_viewer.core.timefmt import format_ms

pass_state = click.make_pass_decorator(AppState)


@cli.command("search", context_settings={"ignore_unknown_options": True})
@click.option("--speaker", metavar="NAME", help="Only what this speaker said (name or label).")
@click.option(
    "--transcript", "transcript_id", metavar="ID", type=int, help="Search one transcript."
)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of hits.")
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@pass_state
def search_cmd(
    state: AppState,
    speaker: str | None,
    transcript_id: int | None,
    limit: int,
    as_json: bool,
    query: tuple[str, ...],
) -> None:
    """Search the library by keyword and by speaker; every form of a word matches.

    QUERY: words (all must match), "exact phrase", prefix*, a OR b, -word to leave out,
    speaker:NAME, tag:NAME, publisher:NAME, status:unverified|corroborated|verified|disputed,
    after:YYYY-MM-DD, before:YYYY-MM-DD. Hits from transcripts nobody verified are flagged
    on every line.

    \b
    Examples:
      intercept-viewer search Бахмут              # also finds "під Бахмутом"
      intercept-viewer search 'speaker:Mother "are you safe"'
      intercept-viewer search --json --limit 20 купянск status:unverified
    """
    text = " ".join(query)
    try:
        result = state.reader().search(
            text, transcript_id=transcript_id, limit=limit, speaker=speaker
        )
    except QueryError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json(
            [
                {
                    "transcript_id": h.transcript_id,
                    "title": h.title,
                    "seq": h.seq,
                    "speaker": h.speaker,
                    "start_ms": h.start_ms,
                    "text": h.text,
                    "snippet": h.snippet_as("**", "**"),
                    "verification": h.verification,
                }
                for h in result.hits
            ]
        )
        return
    for h in result.hits:
        flag = "" if h.verification == "verified" else f"[{h.verification.upper()}] "
        when = f" [{format_ms(h.start_ms)}]" if h.start_ms is not None else ""
        who = h.speaker or "?"
        echo(f"{flag}{h.transcript_id}:{h.seq}{when} {h.title} — {who}: {h.snippet_as()}")
    shown = len(result.hits)
    more = " (ranked among the newest matches only)" if result.approximate else ""
    echo(f"{shown} of {result.total_label} hits{more}", err=True)
