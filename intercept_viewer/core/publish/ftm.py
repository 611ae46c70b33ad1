"""FollowTheMoney entities for each release, built with the ``followthemoney`` package.

Per release:

* ``Call``: date, summary (with the verification status), publisher, sourceUrl, the speakers
  as caller/receiver, and ``proof`` pointing to the document that carries its text;
* the text as a document — ``PlainText``, or ``Article`` for quotes imported from a news
  article — whose ``bodyText`` has one ``[mm:ss] Speaker: text`` line per turn (the shape
  OpenAleph's own transcriber writes), translations in ``translatedText``;
* ``Audio`` / ``Video`` for the recording: fileName, duration and ``contentHash``. FtM's
  checksum type is SHA-1 (at most 40 characters, the hash Aleph's archive uses for the file
  that ``ingest_upload`` sends), so contentHash is the SHA-1 and the SHA-256 the library
  keeps is written in the entity's notes;
* a ``Person`` per speaker (name, role);
* a ``Note`` per tagged passage (its tags, note and follow-up state), and one Note stating the
  verification status, both on the text document (FtM notes attach to Things; a Call is an
  Interval). Aleph has no status field, so the status is also in every summary and
  in ``keywords`` (``verification:unverified``): the flag follows the text.

Ids are ``make_id(library uuid, kind, record id)``: publishing again updates, never duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING

from followthemoney import model
from followthemoney.proxy import EntityProxy

from intercept_viewer.core.model import Passage
from intercept_viewer.core.publish.records import Release, library_identity, releases

if TYPE_CHECKING:
    from intercept_viewer.core.library import Library

#: Our language codes -> what FtM's language type accepts (ISO 639-3).
_LANGUAGES = {"ru": "rus", "uk": "ukr", "en": "eng"}
STATUS_WORDS = {
    "unverified": "UNVERIFIED — not independently verified",
    "disputed": "DISPUTED — its authenticity is contested",
    "corroborated": "CORROBORATED — matched by other sources, not verified",
    "verified": "VERIFIED",
}


def status_line(verification: str) -> str:
    return STATUS_WORDS.get(verification, verification.upper())


def _clock(ms: int | None) -> str:
    if ms is None:
        return ""
    total = max(0, ms) // 1000
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"[{h}:{m:02d}:{s:02d}] " if h else f"[{m:02d}:{s:02d}] "


def _speaker(names: dict[int, str], speaker_id: int | None) -> str:
    return names.get(speaker_id, "Unknown") if speaker_id is not None else "Unknown"


class EntityBuilder:
    """Makes the entities of one library; ``make`` gives ids in the library's namespace."""

    def __init__(self, identity: str) -> None:
        self.identity = identity

    def make(self, schema: str, *key: object) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.make_id(self.identity, *key)
        return entity

    def release(self, r: Release) -> Iterator[EntityProxy]:
        t = r.transcript
        status = status_line(t.verification)
        keywords = [f"verification:{t.verification}", "intercepted call"]
        names = {s.id: s.name for s in r.speakers}

        people = []
        for s in r.speakers:
            person = self.make("Person", "speaker", s.id)
            person.add("name", s.name)
            if s.role:
                person.add("position", s.role)
            if s.label != s.name:
                person.add("alias", s.label)
            person.add("description", f"Speaker in “{t.title}” ({status})")
            person.add("keywords", keywords)
            if t.source_url:
                person.add("sourceUrl", t.source_url)
            people.append(person)

        doc = self.make("Article" if t.origin == "article" else "PlainText", "text", t.id)
        doc.add("title", t.title)
        doc.add("summary", f"[{status}] {t.title}")
        doc.add("keywords", keywords)
        doc.add("bodyText", self.body_text(r, names))
        translated = "\n".join(
            f"{_clock(line.start_ms)}{_speaker(names, line.speaker_id)}: {line.translation}"
            for line in r.lines
            if line.translation
        )
        if translated:
            doc.add("translatedText", translated)
            doc.add("translatedLanguage", "eng" if t.language != "en" else None)
        self._provenance(doc, r)
        if t.language in _LANGUAGES:
            doc.add("language", _LANGUAGES[t.language])
        if t.description:
            doc.add("description", t.description)
        if t.translator:
            doc.add("author", t.translator)
        doc.add("fileName", t.file_name)
        doc.add("mimeType", "text/plain")
        doc.add("peopleMentioned", [p.id for p in people])

        media = None
        if r.media is not None:
            media = self.make("Video" if r.media.is_video else "Audio", "media", t.id)
            media.add("title", t.title)
            media.add("fileName", r.media.path.name)
            media.add("contentHash", r.media.sha1)
            media.add("fileSize", r.media.size)
            media.add("notes", f"SHA-256 {r.media.sha256}")
            if r.media.duration_ms is not None:
                media.add("duration", r.media.duration_ms)
            media.add("summary", f"[{status}] recording of “{t.title}”")
            media.add("keywords", keywords)
            self._provenance(media, r)

        call = self.make("Call", "call", t.id)
        call.add("summary", f"[{status}] {t.title}")
        call.add("date", t.recorded_on or t.released_on)
        call.add("publisher", t.publisher)
        call.add("sourceUrl", t.source_url)
        call.add("description", t.verification_note)
        call.add("proof", [media.id, doc.id] if media is not None else doc.id)
        if people:
            call.add("caller", people[0].id)
        if len(people) > 1:
            call.add("receiver", people[1].id)
        ends = [line.start_ms for line in r.lines if line.start_ms is not None]
        if ends:
            call.add("duration", max(ends) // 1000)

        note = self.make("Note", "verification", t.id)
        note.add("name", f"Verification: {status}")
        note.add("summary", status)
        note.add("description", t.verification_note or f"This release is {t.verification}.")
        # Note.entity takes a Thing: the documents, not the Call (an Interval)
        note.add("entity", [doc.id, *([media.id] if media is not None else [])])
        note.add("keywords", keywords)

        yield from people
        yield doc
        if media is not None:
            yield media
        yield call
        yield note
        assert doc.id is not None  # make() gives every entity its id
        for p in r.passages:
            yield self.passage_note(r, p, doc.id, keywords, status)

    def _provenance(self, entity: EntityProxy, r: Release) -> None:
        t = r.transcript
        entity.add("publisher", t.publisher)
        entity.add("sourceUrl", t.source_url)
        entity.add("publishedAt", t.released_on)
        entity.add("date", t.recorded_on or t.released_on)

    @staticmethod
    def body_text(r: Release, names: dict[int, str]) -> str:
        """``[mm:ss] Speaker: text`` per turn (no time prefix when the file had none)."""
        return "\n".join(
            f"{_clock(line.start_ms)}{_speaker(names, line.speaker_id)}: {line.text}"
            for line in r.lines
        )

    def passage_note(
        self,
        r: Release,
        p: Passage,
        doc_id: str,
        keywords: list[str],
        status: str,
    ) -> EntityProxy:
        note = self.make("Note", "passage", p.id)
        quoted = [line.text for line in r.lines if p.first_seq <= line.seq <= p.last_seq]
        label = ", ".join(p.tags) if p.tags else "passage"
        note.add("name", f"{label} — turns {p.first_seq}–{p.last_seq}")
        note.add("summary", f"[{status}] follow-up {p.state}")
        parts = [p.note] if p.note else []
        parts.append("“" + " ".join(quoted) + "”")
        note.add("description", "\n\n".join(parts))
        note.add("keywords", [*keywords, *(f"tag:{tag}" for tag in p.tags), f"follow-up:{p.state}"])
        note.add("entity", doc_id)
        return note


def ftm_entities(
    lib: Library,
    ids: Iterable[int] | None = None,
    *,
    on_release: Callable[[int, int], None] | None = None,
) -> Iterator[EntityProxy]:
    """Every entity of the chosen releases (all by default), release by release."""
    from intercept_viewer.core.publish.records import transcript_ids

    chosen = transcript_ids(lib, ids)
    builder = EntityBuilder(library_identity(lib))
    for n, release in enumerate(releases(lib, chosen), start=1):
        yield from builder.release(release)
        if on_release is not None:
            on_release(n, len(chosen))


def write_ftm(
    lib: Library,
    out: IO[str],
    ids: Iterable[int] | None = None,
    *,
    on_release: Callable[[int, int], None] | None = None,
) -> int:
    """Write entities one JSON object a line; returns how many."""
    n = 0
    for entity in ftm_entities(lib, ids, on_release=on_release):
        out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True))
        out.write("\n")
        n += 1
    return n
