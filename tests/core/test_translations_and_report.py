"""Issue 14 storage: a translation kept beside its original (searched, exported, read back),
and the import report kept per transcript until dismissed."""

from __future__ import annotations

import io
import json
from pathlib import Path

from intercept_viewer.core import schema
from intercept_viewer.core.exporters import export_passages, export_transcript
from intercept_viewer.core.importers import parse_path
from intercept_viewer.core.library import Library
from intercept_viewer.core.model import ImportWarning, ParsedUtterance
from tests.conftest import make_parsed

I14 = Path(__file__).parents[1] / "fixtures" / "importers" / "i14"


def _translated(library: Library) -> int:
    parsed = make_parsed(
        [
            ("Soldier", "Нас тут бросили под Купянском."),
            ("Mother", "Как?"),
            ("Soldier", "Вот так, мам."),
            ("Mother", "Господи."),
        ]
    )
    parsed.utterances[0].translation = "They abandoned us near Kupiansk."
    parsed.utterances[2].translation = "Just like that, Mum."
    parsed.warnings = [ImportWarning("taken as the headline (title), not speech", 1)]
    parsed.warnings.append(ImportWarning("the encoding was guessed with low confidence"))
    return library.add(parsed, sha256="a" * 64).id


def test_migration_adds_the_column_and_the_table(library: Library) -> None:
    names = [m["name"] for m in library.db.query("SELECT name FROM _sqlite_migrations")]
    assert any(n.endswith("i14_translation_and_warnings") for n in names)
    assert "translation" in library.db["utterances"].columns_dict
    assert library.db["import_warnings"].exists()
    assert schema.schema_version(library.db) == schema.latest_version()


def test_translation_is_stored_read_back_and_found_by_search(library: Library) -> None:
    tid = _translated(library)
    first, second, *_ = library.utterances(tid)
    assert (first.text, first.translation) == (
        "Нас тут бросили под Купянском.",
        "They abandoned us near Kupiansk.",
    )
    assert second.translation is None
    # a word only the translation has, in another form than written: found, on its turn
    hits = library.search("abandon").hits
    assert [h.seq for h in hits] == [1]
    assert library.search("бросить").hits[0].seq == 1  # the original still is
    assert library.search("Kupiansk").hits and not library.search("nonsense").hits


def test_warnings_are_stored_listed_and_dismissed(library: Library) -> None:
    tid = _translated(library)
    other = library.add(make_parsed(title="clean"), sha256="b" * 64).id
    listed = library.import_warnings(tid)
    assert [(w.line, w.message[:12]) for w in listed] == [
        (None, "the encoding"),
        (1, "taken as the"),
    ]
    assert library.review_counts() == {tid: 2}
    assert library.dismiss_import_warnings(tid, [listed[0].id]) == 1
    assert library.review_counts() == {tid: 1}
    assert library.dismiss_import_warnings(tid) == 1
    assert library.review_counts() == {} and library.import_warnings(tid) == []
    assert len(library.import_warnings(tid, include_dismissed=True)) == 2
    assert library.import_warnings(other) == []


def test_duplicate_import_reports_the_stored_warnings(library: Library) -> None:
    path = I14 / "date_and_headline" / "date_dots_uk.txt"
    first = library.import_file(path)
    assert first.warnings and not first.duplicate
    again = library.import_file(path)
    assert again.duplicate and again.warnings == first.warnings


def test_every_export_carries_the_translation(library: Library) -> None:
    tid = _translated(library)
    library.add_passage(tid, 1, 1, ["loss"])
    for fmt in ("txt", "md", "srt", "vtt", "json"):
        out = io.StringIO()
        export_transcript(library, tid, fmt, out)
        assert "They abandoned us near Kupiansk." in out.getvalue(), fmt
    for fmt in ("md", "json", "csv"):
        out = io.StringIO()
        export_passages(library, library.passages(), fmt, out)
        assert "They abandoned us near Kupiansk." in out.getvalue(), fmt


def test_txt_srt_vtt_json_exports_read_back_with_the_translation(
    library: Library, tmp_path: Path
) -> None:
    tid = _translated(library)
    for fmt in ("txt", "srt", "vtt", "json"):
        out = io.StringIO()
        export_transcript(library, tid, fmt, out)
        path = tmp_path / f"call.{fmt}"
        path.write_text(out.getvalue(), encoding="utf-8")
        turns = parse_path(path).parsed.utterances
        turns = turns[len(turns) - 4 :]  # a subtitle export opens with a status cue
        assert [(u.text, u.translation) for u in turns] == [
            ("Нас тут бросили под Купянском.", "They abandoned us near Kupiansk."),
            ("Как?", None),
            ("Вот так, мам.", "Just like that, Mum."),
            ("Господи.", None),
        ], fmt


def test_project_json_round_trip_keeps_translation(library: Library, tmp_path: Path) -> None:
    tid = _translated(library)
    out = io.StringIO()
    export_transcript(library, tid, "json", out)
    doc = json.loads(out.getvalue())
    assert doc["utterances"][0]["translation"] == "They abandoned us near Kupiansk."
    assert ParsedUtterance("x").translation is None


def test_each_warning_names_the_turn_its_line_belongs_to(library: Library) -> None:
    tid = library.import_file(I14 / "no_silent_gluing" / "time_label_continuation_ru.txt").id
    by_line = {w.line: w.seq for w in library.import_warnings(tid)}
    assert by_line[1] == 1  # the headline, above the first turn: the first turn
    assert by_line[6] == 4  # "00.12 Мать — …" became the fourth turn


def test_a_corrected_turn_keeps_its_translation_searchable(library: Library) -> None:
    tid = _translated(library)
    library.edit_turn_text(tid, 1, "Нас тут бросили.")
    assert library.search("abandon").hits[0].seq == 1
    assert library.utterances(tid)[0].translation == "They abandoned us near Kupiansk."
