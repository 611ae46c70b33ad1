"""Push the library's FtM entities and recordings into an Aleph/OpenAleph collection.

Uses ``alephclient``: the collection is found or created by its foreign id, recordings go up
with ``ingest_upload`` (Aleph archives and indexes the file itself), entities with
``write_entities`` in chunks. When Aleph refuses a chunk, its entities are sent one by one to
find the one it refuses, and the error names that entity and gives Aleph's reason.

The API key comes from the environment, as alephclient reads it (``ALEPHCLIENT_API_KEY``, or
``ALEPH_API_KEY``); it is never stored in the library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from intercept_viewer.core.errors import InterceptViewerError
from intercept_viewer.core.publish.ftm import EntityBuilder, status_line
from intercept_viewer.core.publish.records import (
    Release,
    library_identity,
    releases,
    transcript_ids,
)

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

    from intercept_viewer.core.library import Library

API_KEY_VARIABLES = ("ALEPHCLIENT_API_KEY", "ALEPH_API_KEY")
COLLECTION_SUMMARY = (
    "Intercepted phone calls published by intelligence services and quoted by the press, "
    "exported from Intercept Viewer. Unless a Note says otherwise, a call is UNVERIFIED: "
    "its summary and keywords (verification:…) carry its status."
)


class PublishFailed(InterceptViewerError):
    """Aleph refused something; the message names what and why."""


@dataclass
class AlephReport:
    collection_id: str
    entities: int = 0
    files: int = 0
    releases: int = 0
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)


def api_key_from_environment() -> str | None:
    for name in API_KEY_VARIABLES:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _caption(entity: EntityProxy) -> str:
    for prop in ("name", "title", "summary", "fileName"):
        values = entity.get(prop, quiet=True)
        if values:
            text = values[0]
            return text if len(text) <= 80 else text[:79] + "…"
    return ""


class AlephPublisher:
    """One push of a library into one collection.

    ``progress(done, total)`` is called after each release; ``cancelled()`` is checked between
    releases (entities already sent stay: sending them again updates them, ids are stable).
    """

    CHUNK = 500

    def __init__(
        self,
        lib: Library,
        host: str,
        foreign_id: str,
        *,
        api_key: str | None = None,
        ids: Iterable[int] | None = None,
        upload_media: bool = True,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        retries: int = 3,
    ) -> None:
        from alephclient.api import AlephAPI

        if not host.startswith(("http://", "https://")):
            raise PublishFailed(f"The Aleph address must start with http:// or https://: {host}")
        self.lib = lib
        self.foreign_id = foreign_id
        self.ids = transcript_ids(lib, ids)
        self.upload_media = upload_media
        self.progress = progress or (lambda done, total: None)
        self.cancelled = cancelled or (lambda: False)
        self.api = AlephAPI(
            host=host, api_key=api_key or api_key_from_environment(), retries=retries
        )
        self._chunk: list[EntityProxy] = []
        self.report: AlephReport | None = None

    def _collection_id(self) -> str:
        from alephclient.errors import AlephException

        try:
            coll = self.api.load_collection_by_foreign_id(
                self.foreign_id,
                {"label": self.foreign_id, "summary": COLLECTION_SUMMARY, "category": "leak"},
            )
        except AlephException as exc:
            raise PublishFailed(
                f"Aleph refused the collection {self.foreign_id!r}: {exc}"
            ) from None
        cid = coll.get("collection_id") or coll.get("id")
        if not cid:
            raise PublishFailed(f"Aleph returned no id for the collection {self.foreign_id!r}")
        return str(cid)

    def run(self) -> AlephReport:
        for _ in self.releases_pushed():
            pass
        assert self.report is not None
        return self.report

    def releases_pushed(self) -> Iterator[tuple[int, int]]:
        """Push release by release, yielding (done, total) after each; ``report`` is set at
        the start and complete at the end. A generator closed at a yield (the window's
        cancel) stops there: what was sent stays, and publishing again updates it."""
        cid = self._collection_id()
        report = self.report = AlephReport(collection_id=cid)
        builder = EntityBuilder(library_identity(self.lib))
        total = len(self.ids)
        for n, release in enumerate(releases(self.lib, self.ids), start=1):
            if self.cancelled():
                report.cancelled = True
                break
            entities = list(builder.release(release))
            if release.media is not None and self.upload_media:
                self._upload(cid, release, entities, report)
            for entity in entities:
                self._chunk.append(entity)
                if len(self._chunk) >= self.CHUNK:
                    report.entities += self._flush(cid)
            report.releases = n
            self.progress(n, total)
            yield n, total
        report.entities += self._flush(cid)

    def _upload(
        self, cid: str, release: Release, entities: list[EntityProxy], report: AlephReport
    ) -> None:
        from alephclient.errors import AlephException

        media = release.media
        if media is None:  # only releases with a recording are uploaded
            return
        t = release.transcript
        entity = next(e for e in entities if e.schema.name in ("Audio", "Video"))
        meta = {
            "file_name": media.path.name,
            "foreign_id": f"{entity.id}.file",
            "title": f"[{status_line(t.verification)}] {t.title}",
            "summary": f"Recording of “{t.title}” ({status_line(t.verification)})",
            "source_url": t.source_url,
            "publisher": t.publisher,
            "keywords": [f"verification:{t.verification}"],
        }
        try:
            self.api.ingest_upload(cid, media.path, metadata=meta)
        except AlephException as exc:
            raise PublishFailed(
                f"Aleph refused the recording {media.path.name} of transcript {t.id} "
                f"(entity {entity.id}): {exc}"
            ) from None
        report.files += 1

    def _flush(self, cid: str) -> int:
        from alephclient.errors import AlephException

        chunk, self._chunk = self._chunk, []
        if not chunk:
            return 0
        try:
            self.api.write_entities(cid, [e.to_dict() for e in chunk])
        except AlephException as batch_exc:
            for entity in chunk:  # find the one Aleph refuses, to name it
                try:
                    self.api.write_entities(cid, [entity.to_dict()])
                except AlephException as exc:
                    raise PublishFailed(
                        f"Aleph refused entity {entity.id} ({entity.schema.name} "
                        f"“{_caption(entity)}”): {exc}"
                    ) from None
            raise PublishFailed(
                f"Aleph refused a batch of entities but accepted each alone: {batch_exc}"
            ) from None
        return len(chunk)


def publish_aleph(
    lib: Library,
    host: str,
    foreign_id: str,
    **kwargs: Any,
) -> AlephReport:
    """Push every release (or ``ids=``) into the collection ``foreign_id`` at ``host``."""
    return AlephPublisher(lib, host, foreign_id, **kwargs).run()
