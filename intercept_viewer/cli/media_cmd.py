"""Commands over recordings: attach one to a transcript, find moved ones again."""

from __future__ import annotations

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail, print_json
from intercept_viewer.core.errors import InterceptViewerError

pass_state = click.make_pass_decorator(AppState)


@cli.command("attach")
@click.argument("transcript_id", metavar="ID", type=int)
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "--no-waveform", is_flag=True, help="Don't decode the waveform now (the window does it)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the attached recording as JSON.")
@pass_state
def attach_cmd(
    state: AppState, transcript_id: int, file: str, no_waveform: bool, as_json: bool
) -> None:
    """Attach a recording (audio or video) to transcript ID.

    The library keeps its SHA-256 (the recording's provenance, carried in citations), its
    duration, and its place: relative to the library's folder when it lies beside it.

    \b
    Example:
      intercept-viewer attach 3 calls/perehvat_0305.mp4
    """
    from intercept_viewer.core.waveform import decode_peaks

    lib = state.library()
    try:
        media = lib.attach_media(transcript_id, file)
        if not no_waveform:
            lib.set_media_peaks(transcript_id, media.sha256, decode_peaks(media.resolved))
            media = lib.media(transcript_id) or media
    except InterceptViewerError as exc:
        fail(str(exc))
        return
    if as_json:
        print_json({"transcript_id": transcript_id, **media.as_json()})
        return
    seconds = f"{media.duration_ms / 1000:.1f} s" if media.duration_ms is not None else "?"
    echo(f"Attached {media.path} ({seconds}, SHA-256 {media.sha256}) to #{transcript_id}")


@cli.command("relink")
@click.argument("folder", metavar="FOLDER", type=click.Path(file_okay=False, exists=True))
@pass_state
def relink_cmd(state: AppState, folder: str) -> None:
    """Find moved recordings in FOLDER (and below) by their SHA-256.

    Every attached recording that is no longer where the library expects it is looked for;
    only files of the recorded size are hashed.

    \b
    Example:
      intercept-viewer relink ~/Recordings
    """
    lib = state.library()
    try:
        found = lib.relink_media(folder)
    except InterceptViewerError as exc:
        fail(str(exc))
        return
    for m in found:
        echo(f"#{m.transcript_id}: {m.path}")
    echo(f"Re-linked {len(found)} recording{'s' if len(found) != 1 else ''}.")
