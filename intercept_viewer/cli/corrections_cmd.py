"""Commands that correct a transcript's turns and show its history: edit-turn, history.

Thin over ``Library``: the correction keeps the imported text (``show --json`` gives it as
``original_text``) and records a history entry, which ``history`` lists.
"""

from __future__ import annotations

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail, print_json
from intercept_viewer.core.corrections import value_text
from intercept_viewer.core.errors import InterceptViewerError

pass_state = click.make_pass_decorator(AppState)


@cli.command("edit-turn")
@click.argument("transcript_id", metavar="ID", type=int)
@click.argument("seq", metavar="SEQ", type=int)
@click.option("--text", default=None, help="The corrected text of the turn.")
@click.option(
    "--speaker", default=None, help="Give the turn to this speaker (a new name creates one)."
)
@click.option("--reason", default=None, help="Why: recorded in the history.")
@pass_state
def edit_turn_cmd(
    state: AppState,
    transcript_id: int,
    seq: int,
    text: str | None,
    speaker: str | None,
    reason: str | None,
) -> None:
    """Correct turn SEQ of transcript ID; the imported text is kept and the change recorded.

    \b
    Example:
      intercept-viewer edit-turn 3 12 --text "We are near Izium." --reason "audio"
      intercept-viewer edit-turn 3 13 --speaker "Commander"
    """
    if text is None and speaker is None:
        fail("Nothing to change: give --text and/or --speaker (see --help).")
    lib = state.library()
    try:
        if text is not None:
            lib.edit_turn_text(transcript_id, seq, text, reason=reason)
        if speaker is not None:
            lib.reassign_turns(transcript_id, [seq], speaker, reason=reason)
        u = lib.utterance(transcript_id, seq)
        name = lib.speaker(u.speaker_id).name if u.speaker_id is not None else "?"
    except (InterceptViewerError, ValueError) as exc:
        fail(str(exc))
        return
    echo(f"{seq:>4} {name}: {u.text}")


@cli.command("history")
@click.argument("transcript_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the history as a JSON list.")
@pass_state
def history_cmd(state: AppState, transcript_id: int, as_json: bool) -> None:
    """List every correction of transcript ID and every change of its verification status.

    JSON: [{"at", "kind", "seq", "before", "after", "reason"}], oldest first; kinds text,
    speaker, split, merge, insert, delete, time, verification.

    \b
    Example:
      intercept-viewer history 3 --json
    """
    try:
        entries = state.library().history(transcript_id)
    except InterceptViewerError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json([e.as_json() for e in entries])
        return
    if not entries:
        echo("No corrections and no change of status.")
    for e in entries:
        where = f"#{e.seq} " if e.seq is not None else ""
        why = f"  ({e.reason})" if e.reason else ""
        before, after = value_text(e.before), value_text(e.after)
        echo(f"{e.at[:19].replace('T', ' ')} {e.kind:<12} {where}{before} → {after}{why}")


__all__ = ["edit_turn_cmd", "history_cmd"]
