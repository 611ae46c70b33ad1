"""A saved web page that carries the transcript itself, not quotes in prose."""

from __future__ import annotations

from pathlib import Path

from intercept_viewer.core.importers import parse_path

PAGE = """<html><head><title>{title} - Новини</title>
<meta property="og:site_name" content="Новини UA"></head>
<body><nav><a href="/">Головна</a> <a href="/war">Війна</a> <a href="/sport">Спорт</a></nav>
<article><h1>{title}</h1>
<p>Служба безпеки України оприлюднила черговий аудіоперехоплення. Окупант розповідає матері
про втрати під Бахмутом.</p>
{body}
<p>Повний запис розмови – у відео нижче.</p>
</article><aside><a href="/other">Інші новини</a></aside><footer>© 2024 Новини UA</footer>
</body></html>"""


def _page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    title = "СБУ перехопила розмову окупанта з матір'ю"
    path.write_text(PAGE.format(title=title, body=body), encoding="utf-8")
    return path


def test_labelled_dialogue_in_a_web_page(tmp_path: Path) -> None:
    body = "\n".join(
        f"<p><strong>{who}:</strong> {text}</p>"
        for who, text in [
            ("Окупант", "Мам, привіт. Нас тут майже всіх поклали."),
            ("Мати", "Господи, синку. А командири що?"),
            ("Окупант", "Командири в тилу сидять."),
            ("Мати", "Тікай звідти."),
        ]
    )
    pf = parse_path(_page(tmp_path, body))
    got = [(u.speaker, u.text) for u in pf.parsed.utterances]
    assert got == [
        ("Окупант", "Мам, привіт. Нас тут майже всіх поклали."),
        ("Мати", "Господи, синку. А командири що?"),
        ("Окупант", "Командири в тилу сидять."),
        ("Мати", "Тікай звідти."),
    ]
    meta = pf.parsed.meta
    assert meta.title == "СБУ перехопила розмову окупанта з матір'ю"
    assert meta.publisher == "SBU" and meta.channel == "Новини UA"
    assert meta.origin == "transcript"
    assert "у відео нижче" in (meta.description or "")
    # the footer's "© 2024" is not a release date
    assert meta.released_on is None


def test_dash_dialogue_in_a_web_page(tmp_path: Path) -> None:
    body = "\n".join(
        f"<p>— {text}</p>"
        for text in ["Алло, мам?", "Синку, де ти?", "Під Бахмутом.", "Бережи себе.", "Добре."]
    )
    pf = parse_path(_page(tmp_path, body))
    assert [u.text for u in pf.parsed.utterances] == [
        "Алло, мам?",
        "Синку, де ти?",
        "Під Бахмутом.",
        "Бережи себе.",
        "Добре.",
    ]
    assert len({u.speaker for u in pf.parsed.utterances}) == 2
