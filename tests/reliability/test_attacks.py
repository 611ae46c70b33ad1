"""Named hostile files: XML attacks on ELAN, DOCX zip bombs, files over the size limit, wrong
encodings, NUL bytes, lone surrogates, megabyte lines and half-million-line files.

Each one either imports or fails with ImportFailed naming the file and the reason — and a
failed import leaves the library exactly as it was.
"""

from __future__ import annotations

import io
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from intercept_viewer.core.errors import ImportFailed
from intercept_viewer.core.importers import registry
from intercept_viewer.core.importers.registry import parse_path, read_source
from intercept_viewer.core.library import Library
from tests.reliability.helpers import VALID, library_fingerprint, time_budget

EAF_BODY = (VALID / "call_uk.eaf").read_text(encoding="utf-8").split("\n", 1)[1]
PASSWD = Path("/etc/passwd")


@pytest.fixture
def lib(tmp_path: Path) -> Library:
    library = Library(tmp_path / "library.sqlite")
    library.import_file(VALID / "labelled_ru.txt")
    library.add_passage(1, 1, tags=["seed"], note="was here before")
    yield library
    library.close()


def refused(
    lib: Library, path: Path, *reasons: str, budget: float = 20.0, format: str | None = None
) -> ImportFailed:
    """Import ``path``; assert ImportFailed naming it and one of ``reasons``; library unchanged."""
    assert lib.path is not None
    before = library_fingerprint(lib.path)
    with time_budget(budget, path.name), pytest.raises(ImportFailed) as err:
        lib.import_file(path, format=format)
    message = str(err.value)
    assert str(path) in message, message
    assert any(r.lower() in message.lower() for r in reasons), message
    assert library_fingerprint(lib.path) == before
    return err.value


# ------------------------------------------------------------------ XML attacks on .eaf

XXE = f"""<?xml version="1.0"?>
<!DOCTYPE ANNOTATION_DOCUMENT [ <!ENTITY xxe SYSTEM "file://{PASSWD}"> ]>
""" + EAF_BODY.replace("Алло, Іро, чуєш мене?", "&xxe;")

XXE_PARAMETER = (
    f"""<?xml version="1.0"?>
<!DOCTYPE d [ <!ENTITY % p SYSTEM "file://{PASSWD}"> %p; ]>
"""
    + EAF_BODY
)

XXE_REMOTE_DTD = '<?xml version="1.0"?>\n<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">\n' + (
    EAF_BODY
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
    + EAF_BODY.replace("Алло, Іро, чуєш мене?", "&lol9;")
)

QUADRATIC_BLOWUP = (
    '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "'
    + "x" * 50_000
    + '">]>\n'
    + EAF_BODY.replace("Алло, Іро, чуєш мене?", "&a;" * 5_000)
)

DEEP = (
    '<?xml version="1.0"?>\n<ANNOTATION_DOCUMENT>'
    + "<TIER>" * 200_000
    + "</TIER>" * 200_000
    + "</ANNOTATION_DOCUMENT>"
)

XINCLUDE = EAF_BODY.replace(
    "<ANNOTATION_VALUE>Алло, Іро, чуєш мене?</ANNOTATION_VALUE>",
    '<ANNOTATION_VALUE><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
    f'href="file://{PASSWD}" parse="text"/></ANNOTATION_VALUE>',
)


@pytest.mark.parametrize(
    ("name", "text", "reasons"),
    [
        ("xxe.eaf", XXE, ("entit", "DTD")),
        ("xxe_parameter.eaf", XXE_PARAMETER, ("entit", "DTD")),
        ("xxe_remote_dtd.eaf", XXE_REMOTE_DTD, ("entit", "DTD")),
        ("billion_laughs.eaf", BILLION_LAUGHS, ("entit", "DTD")),
        ("quadratic_blowup.eaf", QUADRATIC_BLOWUP, ("entit", "DTD")),
        ("deep.eaf", DEEP, ("nested", "deep")),
    ],
)
def test_xml_attacks_are_refused(
    lib: Library, tmp_path: Path, name: str, text: str, reasons: tuple[str, ...]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    err = refused(lib, path, *reasons, budget=10, format="elan")
    detected = refused(lib, path, "", budget=10)  # whatever importer detection picks
    if PASSWD.exists():
        assert "root:" not in str(err) and "root:" not in str(detected)


def test_xinclude_is_not_followed(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "xinclude.eaf"
    path.write_text(XINCLUDE, encoding="utf-8")
    try:
        result = lib.import_file(path)
    except ImportFailed:
        return
    texts = " ".join(u.text for u in lib.utterances(result.id))
    assert "root:" not in texts


# ------------------------------------------------------------------ DOCX bombs


def _docx_with(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(VALID / "call_ru.docx") as src,
        zipfile.ZipFile(buf, "w", compression) as dst,
    ):
        for info in src.infolist():
            if info.filename not in members:
                dst.writestr(info.filename, src.read(info.filename))
        for name, data in members.items():
            dst.writestr(name, data)
    return buf.getvalue()


def test_docx_zip_bomb(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx_with({"word/media/bomb.bin": b"\0" * (64 * 1024 * 1024)}))
    assert path.stat().st_size < 1024 * 1024  # a small file that unpacks to 64 MB
    refused(lib, path, "zip bomb", "compressed")


def test_docx_bomb_in_the_document_part(lib: Library, tmp_path: Path) -> None:
    body = b'<?xml version="1.0"?><w:document xmlns:w="x">' + b" " * (40 * 1024 * 1024)
    path = tmp_path / "bomb_document.docx"
    path.write_bytes(_docx_with({"word/document.xml": body}))
    refused(lib, path, "zip bomb", "compressed")


def test_docx_oversize_member(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from intercept_viewer.core.importers import docx as docx_importer

    monkeypatch.setattr(docx_importer, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    path = tmp_path / "oversize.docx"
    path.write_bytes(
        _docx_with({"word/media/photo.jpg": bytes(range(256)) * 12_000}, zipfile.ZIP_STORED)
    )
    refused(lib, path, "unpack", "limit")


def test_docx_with_too_many_members(lib: Library, tmp_path: Path) -> None:
    from intercept_viewer.core.importers import docx as docx_importer

    path = tmp_path / "many.docx"
    many = {f"word/media/{i}.bin": b"x" for i in range(docx_importer.MAX_MEMBERS + 1)}
    path.write_bytes(_docx_with(many))
    refused(lib, path, "parts", "limit")


def test_docx_xxe(lib: Library, tmp_path: Path) -> None:
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{PASSWD}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Солдат: &x;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    path = tmp_path / "xxe.docx"
    path.write_bytes(_docx_with({"word/document.xml": doc}))
    try:
        result = lib.import_file(path)
    except ImportFailed as exc:
        assert str(path) in str(exc) and "root:" not in str(exc)
        return
    assert "root:" not in " ".join(u.text for u in lib.utterances(result.id))


def test_not_a_zip_named_docx(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("Солдат: привет\nМать: привет\n", encoding="utf-8")
    try:
        lib.import_file(path, format="docx")
    except ImportFailed as exc:
        assert str(path) in str(exc) and "zip" in str(exc).lower()
    else:
        pytest.fail("a text file was read as DOCX")


# ------------------------------------------------------------------ size limit


def test_oversize_sparse_file_refused_before_reading(
    lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    subprocess.run(["truncate", "-s", "300G", str(path)], check=True)  # sparse: no disk used
    reads: list[int] = []
    real_open = Path.open

    def spying_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path:
            reads.append(1)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spying_open)
    err = refused(lib, path, "limit", budget=5)
    assert "200 MB" in str(err)
    assert reads == []  # refused from its size alone


def test_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "two_mb.txt"
    path.write_bytes(("Солдат: " + "слово " * 20 + "\n").encode() * 12_000)
    assert 2 * 1024 * 1024 < path.stat().st_size < 3 * 1024 * 1024
    monkeypatch.setenv("INTERCEPT_VIEWER_MAX_FILE_MB", "2")
    assert registry.max_file_bytes() == 2 * 1024 * 1024
    with pytest.raises(ImportFailed, match="over the 2 MB limit"):
        read_source(path)
    monkeypatch.setenv("INTERCEPT_VIEWER_MAX_FILE_MB", "3")
    assert read_source(path).data == path.read_bytes()
    with pytest.raises(ImportFailed, match="limit"):
        read_source(path, max_bytes=1024)


def test_a_bad_limit_in_the_environment_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCEPT_VIEWER_MAX_FILE_MB", "lots")
    assert registry.max_file_bytes() == registry.DEFAULT_MAX_BYTES


def test_unreadable_paths(lib: Library, tmp_path: Path) -> None:
    refused(lib, tmp_path, "folder")
    refused(lib, tmp_path / "missing.txt", "can't read")
    fifo = tmp_path / "pipe.txt"
    import os

    os.mkfifo(fifo)
    # a FIFO would block a reader forever; it must be refused, not waited on
    with time_budget(5, "fifo"), pytest.raises(ImportFailed):
        lib.import_file(fifo)


# ------------------------------------------------------------------ encodings and odd text

DIALOGUE = "Солдат: Мам, привет, это я.\nМать: Сынок, ты где?\nСолдат: Под Купянском.\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cp1251.txt", DIALOGUE.encode("cp1251")),
        ("koi8r.txt", DIALOGUE.encode("koi8-r")),
        ("utf16le_bom.txt", b"\xff\xfe" + DIALOGUE.encode("utf-16-le")),
        ("utf16be_nobom.txt", DIALOGUE.encode("utf-16-be")),
        ("utf8_bom.txt", b"\xef\xbb\xbf" + DIALOGUE.encode()),
        ("mac_cyrillic.txt", DIALOGUE.encode("mac-cyrillic")),
        ("cp866.txt", DIALOGUE.encode("cp866")),
        ("nul_in_text.txt", DIALOGUE.replace("это я", "это\0я").encode()),
        ("lone_surrogate.txt", DIALOGUE.replace("я.", "я\ud800.").encode("utf-8", "surrogatepass")),
        ("broken_utf8.txt", DIALOGUE.encode()[:-7] + b"\xd0\n"),
        ("rtl_override.txt", DIALOGUE.replace("Под", "\u202eПод\u202c").encode()),
        ("crlf_cr.txt", DIALOGUE.replace("\n", "\r").encode()),
    ],
)
def test_odd_encodings_import_or_fail_clearly(lib: Library, tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    before = library_fingerprint(lib.path)  # type: ignore[arg-type]
    with time_budget(10, name):
        try:
            result = lib.import_file(path)
        except ImportFailed as exc:
            assert str(path) in str(exc)
            assert library_fingerprint(lib.path) == before  # type: ignore[arg-type]
            return
    texts = [u.text for u in lib.utterances(result.id)]
    assert len(texts) >= 2
    for t in texts:
        assert "\0" not in t
        t.encode("utf-8")  # no lone surrogates reach the library
    if name.startswith(("cp1251", "koi8r", "utf16", "utf8", "mac", "cp866")):
        assert any("Купянском" in t for t in texts), texts


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("binary.txt", bytes(range(256)) * 64, "not a text file"),
        ("zeros.srt", b"\0" * 10_000, "not a text file"),
        (
            "elf.txt",
            (
                Path("/bin/sh").read_bytes()[:20_000]
                if Path("/bin/sh").exists()
                else b"\x7fELF" + b"\0" * 999
            ),
            "can't tell what kind of transcript",
        ),
        ("png.vtt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "not a text file"),
        ("whitespace.txt", b" \n\t\r\n " * 1000, "the file is empty"),
        ("empty.eaf", b"", "the file is empty"),
        ("bom_only.txt", b"\xef\xbb\xbf", "can't tell what kind of transcript"),
    ],
)
def test_binary_and_empty_files_are_refused(
    lib: Library, tmp_path: Path, name: str, data: bytes, reason: str
):
    path = tmp_path / name
    path.write_bytes(data)
    refused(lib, path, reason)  # the reason the user reads, not any word that happens to fit


# ------------------------------------------------------------------ very long lines, many lines


def test_one_megabyte_line(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "long_line.txt"
    word = "очень длинная реплика "
    path.write_text(
        "Солдат: " + word * (1024 * 1024 // len(word.encode())) + "\nМать: Что?\n",
        encoding="utf-8",
    )
    assert path.stat().st_size > 1024 * 1024
    with time_budget(30, "1 MB line"):
        try:
            result = lib.import_file(path)
        except ImportFailed as exc:
            assert str(path) in str(exc)
            return
    assert max(len(u.text) for u in lib.utterances(result.id)) > 500_000


@pytest.mark.parametrize(
    "line", ["x" * (1024 * 1024), "— " + "а" * 600_000, "00:00:01,000 --> " + "9" * 1_000_000]
)
def test_one_megabyte_line_without_spaces(lib: Library, tmp_path: Path, line: str) -> None:
    path = tmp_path / "long_word.txt"
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with time_budget(30, line[:20]):
        try:
            lib.import_file(path)
        except ImportFailed as exc:
            assert str(path) in str(exc)


@pytest.mark.slow
def test_half_a_million_lines_import_fast(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "long_call.txt"
    speakers = ("Солдат", "Мать")
    lines = [
        f"{speakers[i % 2]}: Реплика номер {i}, под Купянском опять обстрел."
        for i in range(500_000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    with time_budget(120, "500k lines"):
        result = lib.import_file(path)
    elapsed = time.monotonic() - started
    print(
        f"\n500,000 labelled lines ({path.stat().st_size / 1e6:.0f} MB) imported in {elapsed:.1f}s"
    )
    assert result.utterances == 500_000
    assert lib.utterance_count(result.id) == 500_000
    assert lib.utterance(result.id, 500_000).text.startswith("Реплика номер 499999")


def test_parse_path_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "имя файла с пробелами.srt"
    path.write_text("1\n00:00:01,000 --> garbage\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        parse_path(path)
    assert str(err.value).startswith(str(path))
