"""Commands that publish the library for a team (issue 20): FtM entities to a file or to an
Aleph/OpenAleph collection, and a read-only SQLite copy for Datasette."""

from __future__ import annotations

import sys

import click

from intercept_viewer.cli.app import AppState, cli, echo, fail
from intercept_viewer.core.errors import InterceptViewerError

pass_state = click.make_pass_decorator(AppState)


@cli.command("export-ftm")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically); default stdout.")
@click.argument("ids", nargs=-1, type=int)
@pass_state
def export_ftm_cmd(state: AppState, output: str | None, ids: tuple[int, ...]) -> None:
    """Write the releases IDS (default: all) as FollowTheMoney entities, one JSON a line.

    Per release: a Call, its text as a document ([mm:ss] Speaker: text lines), Audio/Video
    for its recording, a Person per speaker, a Note per tagged passage and a Note with the
    verification status (also in every summary and in keywords). Ids are stable: loading
    the file again (ftm, Aleph) updates entities instead of duplicating them.

    \b
    Example:
      intercept-viewer export-ftm -o calls.ftm.json 3 4 5
    """
    from intercept_viewer.core.atomic_write import atomic_write
    from intercept_viewer.core.publish.ftm import write_ftm

    lib = state.library()
    try:
        if output:
            with atomic_write(output) as fh:
                n = write_ftm(lib, fh, ids or None)
            echo(f"Wrote {n} entities to {output}", err=True)
        else:
            write_ftm(lib, sys.stdout, ids or None)
    except InterceptViewerError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"Can't write {output}: {exc.strerror or exc}")


@cli.command("publish-aleph")
@click.option("--host", required=True, metavar="URL", help="The Aleph/OpenAleph address.")
@click.option(
    "--collection",
    "foreign_id",
    required=True,
    metavar="FOREIGN_ID",
    help="The collection's foreign id (created when missing).",
)
@click.option("--no-media", is_flag=True, help="Send entities only, not the recordings.")
@click.argument("ids", nargs=-1, type=int)
@pass_state
def publish_aleph_cmd(
    state: AppState, host: str, foreign_id: str, no_media: bool, ids: tuple[int, ...]
) -> None:
    """Push the releases IDS (default: all) into an Aleph collection.

    Entities go with alephclient's write_entities, recordings with ingest_upload. The API key
    is read from the environment (ALEPHCLIENT_API_KEY or ALEPH_API_KEY), never from the
    command line. A refused push names the entity and Aleph's reason, and exits 2.

    \b
    Example:
      ALEPHCLIENT_API_KEY=... intercept-viewer publish-aleph \\
          --host https://aleph.example.org --collection intercepts-2024
    """
    from intercept_viewer.core.publish.aleph import AlephPublisher, api_key_from_environment

    lib = state.library()
    if api_key_from_environment() is None:
        echo("note: no ALEPHCLIENT_API_KEY in the environment; pushing anonymously", err=True)
    try:
        total = len(ids) if ids else lib.transcript_count()
        with click.progressbar(length=total, label="Publishing", file=sys.stderr) as bar:
            publisher = AlephPublisher(
                lib,
                host,
                foreign_id,
                ids=ids or None,
                upload_media=not no_media,
                progress=lambda done, _total: bar.update(done - bar.pos),
            )
            report = publisher.run()
    except InterceptViewerError as exc:
        fail(str(exc))
        return
    echo(
        f"Published {report.releases} releases: {report.entities} entities, "
        f"{report.files} recordings, to collection {report.collection_id}",
        err=True,
    )


@cli.command("publish-datasette")
@click.argument("out_dir", type=click.Path(file_okay=False))
@pass_state
def publish_datasette_cmd(state: AppState, out_dir: str) -> None:
    """Write OUT_DIR/library.db and OUT_DIR/metadata.json for Datasette.

    A read-only copy with readable tables (transcripts with their status, speakers,
    utterances with title, speaker, time and verification, passages with tags and notes),
    full-text search over the text and its word forms, facets and a canned query.

    \b
    Example:
      intercept-viewer publish-datasette site/
      datasette site/library.db -m site/metadata.json
    """
    from intercept_viewer.core.publish.datasette import publish_datasette

    lib = state.library()
    try:
        report = publish_datasette(lib, out_dir, progress=lambda step: echo(f"… {step}", err=True))
    except InterceptViewerError as exc:
        fail(str(exc))
        return
    echo(
        f"Wrote {report.db_path} ({report.transcripts} transcripts, {report.utterances} "
        f"utterances, {report.passages} passages) and {report.metadata_path}",
        err=True,
    )
