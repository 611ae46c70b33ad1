"""Commands over tagged passages and tags: tag, passages, done, reopen, note, untag, tags,
rename-tag, merge-tags, delete-tag.

Thin over ``Library``: parse, call, print. Errors the user can cause (an unknown id, a bad
range, a tag name taken) print one line on stderr and exit 2, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail, print_json
from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.exporters import quote_passages
from intercept_viewer.core.exporters.common import QuotedPassage, status_tag
from intercept_viewer.core.model import FOLLOW_UP_STATES, VERIFICATION_STATES

pass_state = click.make_pass_decorator(AppState)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors core raises on purpose into a message and exit code 2."""
    try:
        yield
    except (InterceptViewerError, ValueError) as exc:
        fail(str(exc))


def check_tag_exists(state: AppState, name: str | None) -> None:
    """A filter on a tag nobody has is almost always a typo: say so instead of listing
    nothing."""
    if name:
        with user_errors():
            state.reader().tag(name)


def queue_filters(f):  # type: ignore[no-untyped-def]
    """The follow-up queue's filters, shared by ``passages`` and ``export-passages``."""
    f = click.option(
        "--verification",
        type=click.Choice(VERIFICATION_STATES),
        help="Only passages from transcripts with this status.",
    )(f)
    f = click.option(
        "--transcript", "transcript_id", type=int, metavar="ID", help="Only this transcript."
    )(f)
    f = click.option(
        "--state", "state_filter", type=click.Choice(FOLLOW_UP_STATES), help="open or done."
    )(f)
    f = click.option("--tag", "tag_name", metavar="NAME", help="Only passages with this tag.")(f)
    return f


def passage_json(qp: QuotedPassage) -> dict[str, object]:
    p = qp.passage
    return {
        "id": p.id,
        "transcript_id": p.transcript_id,
        "title": qp.transcript.title,
        "first_seq": p.first_seq,
        "last_seq": p.last_seq,
        "tags": list(p.tags),
        "note": p.note,
        "state": p.state,
        "text": "\n".join(qp.plain_lines()),
        "verification": qp.verification,
    }


@cli.command("tag")
@click.argument("transcript_id", metavar="ID", type=int)
@click.option(
    "--from", "first_seq", type=int, required=True, metavar="SEQ", help="First utterance."
)
@click.option("--to", "last_seq", type=int, metavar="SEQ", help="Last utterance (default: --from).")
@click.option(
    "--tag", "tags", multiple=True, required=True, metavar="NAME", help="Tag (repeatable)."
)
@click.option("--note", default=None, help="A note for the follow-up.")
@click.option(
    "--state",
    "follow_up",
    type=click.Choice(FOLLOW_UP_STATES),
    default="open",
    show_default=True,
    help="Follow-up state.",
)
@click.option("--start-char", type=int, help="Quote starts at this character of --from.")
@click.option("--end-char", type=int, help="Quote ends before this character of --to.")
@pass_state
def tag_cmd(
    state: AppState,
    transcript_id: int,
    first_seq: int,
    last_seq: int | None,
    tags: tuple[str, ...],
    note: str | None,
    follow_up: str,
    start_char: int | None,
    end_char: int | None,
) -> None:
    """Tag utterances SEQ..SEQ of transcript ID as a passage; prints the new passage's id.

    Tag names are matched case-insensitively; new names are created.

    \b
    Example:
      intercept-viewer tag 3 --from 12 --to 14 --tag Kupyansk --tag "unit?" --note "Which brigade?"
    """
    if not any(t.strip() for t in tags):
        fail("A tag needs a name: give --tag NAME.")
    with user_errors():
        p = state.library().add_passage(
            transcript_id,
            first_seq,
            last_seq,
            list(tags),
            note=note,
            state=follow_up,
            start_char=start_char,
            end_char=end_char,
        )
    echo(p.id)


@cli.command("passages")
@queue_filters
@click.option("--newest-first", is_flag=True, help="Newest passages first.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_state
def passages_cmd(
    state: AppState,
    tag_name: str | None,
    state_filter: str | None,
    transcript_id: int | None,
    verification: str | None,
    newest_first: bool,
    as_json: bool,
) -> None:
    """List tagged passages (the follow-up queue), oldest first.

    Quotes from transcripts that are not verified show their status on every line.

    \b
    Examples:
      intercept-viewer passages --state open
      intercept-viewer passages --tag Kupyansk --json
    """
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
        quoted = quote_passages(lib, rows)
    if as_json:
        print_json([passage_json(qp) for qp in quoted])
        return
    if not quoted:
        echo("No passages.")
        return
    for qp in quoted:
        p = qp.passage
        span = f"{p.first_seq}" if p.first_seq == p.last_seq else f"{p.first_seq}-{p.last_seq}"
        flag = status_tag(qp.verification)
        tags = " ".join(f"#{t}" for t in p.tags) or "(no tags)"
        echo(
            f"{p.id:>5}  {p.state:<4}  {qp.transcript.title} [{span}]"
            f"{' ' + flag if flag else ''}  {tags}"
        )
        for line in qp.plain_lines():
            echo(f"       {line}")
        if p.note:
            for i, line in enumerate(p.note.splitlines()):
                echo(f"       {'note: ' if i == 0 else '      '}{line}")


def _set_state(state: AppState, passage_ids: tuple[int, ...], follow_up: str) -> None:
    lib = state.library()
    with user_errors():
        for pid in passage_ids:
            lib.passage(pid)  # every id checked before anything changes
        for pid in passage_ids:
            p = lib.update_passage(pid, state=follow_up)
            echo(f"{p.id}: {p.state}")


@cli.command("done")
@click.argument("passage_ids", metavar="PASSAGE_ID...", nargs=-1, required=True, type=int)
@pass_state
def done_cmd(state: AppState, passage_ids: tuple[int, ...]) -> None:
    """Mark passages as followed up (state: done).

    \b
    Example:
      intercept-viewer done 12
    """
    _set_state(state, passage_ids, "done")


@cli.command("reopen")
@click.argument("passage_ids", metavar="PASSAGE_ID...", nargs=-1, required=True, type=int)
@pass_state
def reopen_cmd(state: AppState, passage_ids: tuple[int, ...]) -> None:
    """Put passages back on the follow-up queue (state: open).

    \b
    Example:
      intercept-viewer reopen 12
    """
    _set_state(state, passage_ids, "open")


@cli.command("note")
@click.argument("passage_id", metavar="PASSAGE_ID", type=int)
@click.argument("text")
@pass_state
def note_cmd(state: AppState, passage_id: int, text: str) -> None:
    """Replace a passage's note (an empty TEXT clears it).

    \b
    Example:
      intercept-viewer note 12 "Matches the 2024-03 HUR release"
    """
    with user_errors():
        state.library().update_passage(passage_id, note=text)
    echo(f"{passage_id}: note saved")


@cli.command("untag")
@click.argument("passage_ids", metavar="PASSAGE_ID...", nargs=-1, required=True, type=int)
@pass_state
def untag_cmd(state: AppState, passage_ids: tuple[int, ...]) -> None:
    """Delete passages (their tags stay in the library).

    \b
    Example:
      intercept-viewer untag 12 13
    """
    lib = state.library()
    with user_errors():
        for pid in passage_ids:
            lib.passage(pid)
        for pid in passage_ids:
            lib.delete_passage(pid)
    echo(f"Deleted {len(passage_ids)} passage(s).")


@cli.command("tags")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_state
def tags_cmd(state: AppState, as_json: bool) -> None:
    """List tags with how many passages carry each.

    \b
    Example:
      intercept-viewer tags --json
    """
    tags = state.reader().tags()
    if as_json:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "color": t.color,
                    "description": t.description,
                    "passages": t.passage_count,
                }
                for t in tags
            ]
        )
        return
    if not tags:
        echo("No tags yet. Tag a passage with: intercept-viewer tag ID --from SEQ --tag NAME")
        return
    for t in tags:
        desc = f"  — {t.description}" if t.description else ""
        echo(f"{t.passage_count:>5}  {t.name}  {t.color}{desc}")


@cli.command("rename-tag")
@click.argument("name")
@click.argument("new_name")
@click.option("--color", help="Also set the colour (#RRGGBB).")
@click.option("--description", help="Also set the description (empty clears it).")
@pass_state
def rename_tag_cmd(
    state: AppState, name: str, new_name: str, color: str | None, description: str | None
) -> None:
    """Rename tag NAME to NEW_NAME (case-insensitive match; a taken name is refused —
    use merge-tags).

    \b
    Example:
      intercept-viewer rename-tag kupiansk Kupyansk --color "#CC3311"
    """
    lib = state.library()
    with user_errors():
        t = lib.update_tag(lib.tag(name).id, name=new_name, color=color, description=description)
    echo(f"{t.name} ({t.passage_count} passages)")


@cli.command("merge-tags")
@click.argument("keep")
@click.argument("other")
@pass_state
def merge_tags_cmd(state: AppState, keep: str, other: str) -> None:
    """Merge tag OTHER into KEEP: OTHER's passages get KEEP, and OTHER is deleted.

    \b
    Example:
      intercept-viewer merge-tags Kupyansk Купянск
    """
    lib = state.library()
    with user_errors():
        merge = lib.merge_tags(lib.tag(keep).id, lib.tag(other).id)
        kept = lib.tag(merge.keep_id)
    echo(f"Merged {merge.removed.name} into {kept.name} ({kept.passage_count} passages).")


@cli.command("delete-tag")
@click.argument("name")
@click.option(
    "--with-passages",
    is_flag=True,
    help="Also delete passages that are left with no tag (default: they stay, untagged).",
)
@pass_state
def delete_tag_cmd(state: AppState, name: str, with_passages: bool) -> None:
    """Delete a tag. Its passages stay (without it) unless --with-passages.

    \b
    Example:
      intercept-viewer delete-tag "to check" --with-passages
    """
    lib = state.library()
    with user_errors():
        gone = lib.delete_tag(lib.tag(name).id, delete_passages=with_passages)
    extra = f"; {len(gone.deleted)} passage(s) deleted" if gone.deleted else ""
    echo(f"Deleted tag {gone.tag.name}{extra}.")
