"""ELAN annotation files (.eaf) through pympi-ling, with the XML vetted by defusedxml first.

Linguists and some OSINT groups align intercepted calls in ELAN: one tier per speaker, often
with a dependent tier holding a translation. We read it with pympi-ling, which knows the EAF
structure, but pympi parses with the standard library's ``xml.etree`` and only from a path. An
EAF file is untrusted XML, so:

1. the bytes are parsed once with defusedxml (``forbid_dtd``: no DOCTYPE at all, so no entity
   expansion bombs and no external entities; ELAN itself never writes a DOCTYPE), streaming, with
   caps on nesting depth and element count;
2. that already-built, vetted tree is handed to pympi's own ``parse_eaf`` in place of its
   ``etree.parse`` call (a module-level swap under a lock). pympi never opens the file, writes
   no temporary file and never sees unvetted bytes; its warnings are silenced.

How tiers become turns:

* every top-level tier (no ``PARENT_REF``) with annotations is a speaker: its ``PARTICIPANT``
  when set, else its tier id; two tiers of one participant are one speaker;
* dependent tiers (translations, glosses, word subdivisions; they have a ``PARENT_REF``) are
  not speakers and are left out: the text of a turn is what its speaker's tier says. So is a
  top-level tier whose id or linguistic type says it is a translation/comment/note, when real
  speaker tiers exist besides it;
* annotations of all speaker tiers are merged in time order (ties keep tier order);
* HEADER ``PROPERTY`` elements whose names are source fields (title, publisher, source_url, ...)
  fill the metadata; the first ``MEDIA_DESCRIPTOR`` gives ``media_path``; the speaker tiers'
  ``LANG_REF`` gives the language.
"""

from __future__ import annotations

import io
import threading
import types
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import defusedxml
import defusedxml.ElementTree as SafeET

from intercept_viewer.core.importers.base import Importer, SourceFile
from intercept_viewer.core.importers.metadata import (
    KEY_ALIASES,
    normalise_key,
    normalise_language,
    set_field,
)
from intercept_viewer.core.model import (
    META_FIELDS,
    ParsedSpeaker,
    ParsedTranscript,
    ParsedUtterance,
    SourceMeta,
)

#: Deeper than this is not an ELAN file (ELAN nests 4 levels) but an attack on the parser.
MAX_DEPTH = 64
#: More elements than this is not a call transcript (a day of speech is ~100,000).
MAX_ELEMENTS = 5_000_000

_NOT_SPEAKER_WORDS = ("translation", "перевод", "переклад", "gloss", "comment", "note", "notes")
_SCHEMA_ATTR = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
_PYMPI_LOCK = threading.Lock()


def vet_xml(source: SourceFile) -> ET.Element:
    """Parse untrusted XML safely and return its root; ImportFailed on anything suspicious."""
    depth = 0
    count = 0
    try:
        events = SafeET.iterparse(
            io.BytesIO(source.data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        root: ET.Element | None = None
        for event, elem in events:
            if event == "start":
                depth += 1
                count += 1
                if root is None:
                    root = elem
                if depth > MAX_DEPTH:
                    raise source.fail(f"XML nested deeper than {MAX_DEPTH} levels; refused")
                if count > MAX_ELEMENTS:
                    raise source.fail(f"more than {MAX_ELEMENTS:,} XML elements; refused")
            else:
                depth -= 1
    except defusedxml.DTDForbidden:
        raise source.fail(
            "the XML declares a DTD (<!DOCTYPE>), where entity expansion bombs and external "
            "entity references hide: entity expansion / external entity refused (ELAN never "
            "writes a DTD)"
        ) from None
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
        raise source.fail("entity expansion / external entity refused") from None
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":", 1)[0]
        raise source.fail(f"not well-formed XML: {reason} (column {column})", line=line) from None
    if root is None:
        raise source.fail("no XML elements found")
    return root


def _load_with_pympi(root: ET.Element) -> Any:
    """Run pympi's EAF reader over an already vetted tree (see the module docstring)."""
    import pympi.Elan

    root.attrib.setdefault(_SCHEMA_ATTR, "")  # pympi deletes it unconditionally
    root.attrib.setdefault("VERSION", "3.0")
    shim = types.SimpleNamespace(parse=lambda _path: ET.ElementTree(root), ParseError=ET.ParseError)
    with _PYMPI_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        original = pympi.Elan.etree
        pympi.Elan.etree = shim
        try:
            return pympi.Elan.Eaf("<vetted tree>", suppress_version_warning=True)
        finally:
            pympi.Elan.etree = original


def _media_path(descriptors: list[dict[str, str]], source: SourceFile) -> str | None:
    for desc in descriptors:
        url = desc.get("RELATIVE_MEDIA_URL") or desc.get("MEDIA_URL")
        if not url:
            continue
        parsed = urlparse(url)
        if parsed.scheme in ("", "file"):
            path = unquote(parsed.path) if parsed.scheme else url
            if not Path(path).is_absolute() and source.path is not None:
                path = str((source.path.parent / path).resolve())
            return path
        return url
    return None


def _is_metadata_key(name: str) -> bool:
    key = normalise_key(name)
    return key in META_FIELDS or key in KEY_ALIASES or key in ("source", "источник", "джерело")


class ElanImporter(Importer):
    name = "elan"
    description = "ELAN annotation files (.eaf): one tier per speaker, merged in time order"
    suffixes = (".eaf",)

    def sniff(self, source: SourceFile) -> float:
        head = source.head
        if "<ANNOTATION_DOCUMENT" in head or "<!DOCTYPE ANNOTATION_DOCUMENT" in head:
            return 0.95
        if "<preferences" in head and "elan" in head.lower():
            return 0.9  # ELAN's .pfsx next to an .eaf: say what it is rather than "unknown"
        start = head.lstrip("\ufeff \t\r\n")[:9]
        if start.startswith(("<?xml", "<!DOCTYPE")):
            # XML whose root is pushed out of the sniffing window (a long DTD, say): an .eaf
            # is ours, and XML declaring entities is better refused by the safe XML path
            # than read as prose by a text importer
            if source.suffix in self.suffixes:
                return 0.6
            if "<!ENTITY" in head:
                return 0.7
        return 0.0

    def parse(self, source: SourceFile) -> ParsedTranscript:
        root = vet_xml(source)
        if root.tag == "preferences":
            raise source.fail(
                "this is ELAN's preferences file (.pfsx: window layout, selection), not a "
                "transcript: import the .eaf file next to it",
                line=1,
            )
        if root.tag != "ANNOTATION_DOCUMENT":
            raise source.fail(
                f"not an ELAN file: the root element is <{root.tag}>, expected "
                "<ANNOTATION_DOCUMENT>",
                line=1,
            )
        try:
            eaf = _load_with_pympi(root)
        except (KeyError, ValueError, IndexError, TypeError) as exc:
            raise source.fail(f"broken ELAN structure ({type(exc).__name__}: {exc})") from None
        meta = self._meta(eaf, source)
        speakers, utterances = self._turns(eaf, source)
        languages = {
            eaf.tiers[t][2].get("LANG_REF") for t in self._speaker_tiers(eaf) if eaf.tiers[t][2]
        } - {None, ""}
        if not meta.language and len(languages) == 1:
            meta.language = normalise_language(languages.pop())
        return ParsedTranscript(meta=meta, speakers=speakers, utterances=utterances, format="elan")

    @staticmethod
    def _meta(eaf: Any, source: SourceFile) -> SourceMeta:
        meta = SourceMeta()
        for name, value in eaf.properties:
            if name and value and _is_metadata_key(str(name)):
                set_field(meta, str(name), value)
        media = _media_path(eaf.media_descriptors, source)
        if media and not meta.media_path:
            meta.media_path = media
        return meta

    @staticmethod
    def _speaker_tiers(eaf: Any) -> list[str]:
        top = [
            tier_id
            for tier_id, (aligned, _ref, attrs, _n) in eaf.tiers.items()
            if not attrs.get("PARENT_REF") and aligned
        ]

        def looks_like_notes(tier_id: str) -> bool:
            words = f"{tier_id} {eaf.tiers[tier_id][2].get('LINGUISTIC_TYPE_REF', '')}".casefold()
            return any(w in words for w in _NOT_SPEAKER_WORDS)

        speaking = [t for t in top if not looks_like_notes(t)]
        return speaking or top

    def _turns(
        self, eaf: Any, source: SourceFile
    ) -> tuple[list[ParsedSpeaker], list[ParsedUtterance]]:
        rows: list[tuple[int, int, int, str, int | None, int | None, str]] = []
        labels: list[str] = []
        for order, tier_id in enumerate(self._speaker_tiers(eaf)):
            aligned, _ref, attrs, _n = eaf.tiers[tier_id]
            label = (attrs.get("PARTICIPANT") or "").strip() or tier_id
            if label not in labels:
                labels.append(label)
            last = 0
            for index, (slot1, slot2, value, _svg) in enumerate(aligned.values()):
                text = " ".join((value or "").split())
                if not text:
                    continue
                start = eaf.timeslots.get(slot1)
                end = eaf.timeslots.get(slot2)
                # an unaligned slot sorts where the tier left off
                key = start if start is not None else last
                last = key
                rows.append((key, order, index, label, start, end, text))
        if not rows:
            raise source.fail("no annotations in any speaker tier")
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        utterances = [
            ParsedUtterance(text=text, speaker=label, start_ms=start, end_ms=end)
            for _k, _o, _i, label, start, end, text in rows
        ]
        return [ParsedSpeaker(label=x) for x in labels], utterances
