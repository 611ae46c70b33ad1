"""Releases in shapes the other importer fixtures don't cover: Telegram posts (emoji, hashtags,
bold labels), labels with descriptors ("Unidentified man", "Мати окупанта", "Абонент 1"), one-
letter labels explained in a legend, translations (bracketed lines, "RU:"/"EN:" pairs, a whole
translation under the original), timestamps at the line's end or in seconds, an unfenced
"Дата: … / Джерело: …" header, DOCX tables with a header row, and short files in cp1251,
UTF-16 LE without a BOM, KOI8-R with CRLF and old Mac CR line endings.

Translations are kept with the turn they translate, on a new line after the original, whichever
way the file wrote them; the transcript's language is that of the originals.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from intercept_viewer.core.importers import parse_path

HERE = Path(__file__).parents[2] / "fixtures" / "importers" / "unseen_text"


class Case(NamedTuple):
    file: str
    title: str | None  # None: the file has no headline, so it is titled by its name
    publisher: str | None
    language: str
    turns: list[tuple[str, str]]  # (speaker label, start of the text)


CASES = [
    Case(
        "abonent_numbers.txt",
        "СБУ перехопила розмову окупантів на Херсонщині",
        "SBU",
        "ru",
        [
            ("Абонент 1", "Ты где сейчас?"),
            ("Абонент 2", "На позициях под Ка"),
            ("Абонент 1", "Много ваших положи"),
            ("Абонент 2", "Да до хрена. Вчера"),
            ("Абонент 1", "Держись там."),
        ],
    ),
    Case(
        "bracket_caps_soldier.txt",
        None,
        None,
        "ru",
        [
            ("СОЛДАТ", "Алло, ты меня слыш"),
            ("МАТЬ", "Слышу, сынок, слыш"),
            ("СОЛДАТ", "У нас тут полная ж"),
            ("МАТЬ", "Что случилось?"),
            ("СОЛДАТ", "Нас бросили. Коман"),
        ],
    ),
    Case(
        "caps_dash_labels.txt",
        "ПЕРЕХВАТ: РАЗГОВОР ОККУПАНТА С ОТЦОМ",
        None,
        "ru",
        [
            ("СОЛДАТ", "Пап, нас тут как м"),
            ("ОТЕЦ", "Держись, сын. Мы з"),
            ("СОЛДАТ", "Да толку-то. Кажды"),
            ("ОТЕЦ", "Господи."),
        ],
    ),
    Case(
        "cp1251_uk_3lines.txt",
        None,
        None,
        "uk",
        [
            ("Окупант", "Мамо, тут погано."),
            ("Мати", "Тримайся, синку."),
            ("Окупант", "Нас кинули."),
        ],
    ),
    Case(
        "dash_en_spaces_narrator.txt",
        "Перехват ГУР: оккупант рассказывает жене о потерях",
        "HUR",
        "ru",
        [
            ("A", "Привет, как ты?"),
            ("B", "Нормально. А ты ка"),
            ("A", "Плохо. Вчера опять"),
            ("B", "Сколько?"),
            ("A", "Человек пятнадцать"),
        ],
    ),
    Case(
        "dash_hyphen_koi8r_crlf.txt",
        "Перехват разговора оккупанта",
        None,
        "ru",
        [
            ("A", "Алло, мам?"),
            ("B", "Да, сынок, слушаю."),
            ("A", "У нас тут всё плох"),
            ("B", "Что случилось?"),
            ("A", "Нас бросили в окру"),
        ],
    ),
    Case(
        "docx_bold_short_labels.docx",
        "Перехват СБУ: «Тут все воруют»",
        "SBU",
        "ru",
        [
            ("М", "Слушай, тут все во"),
            ("Ж", "И ты?"),
            ("М", "Ну а я что, рыжий?"),
            ("Ж", "Понятно."),
        ],
    ),
    Case(
        "docx_heading_en_dash.docx",
        "Intercept: «Нас тут никто не ждал»",
        "HUR",
        "ru",
        [("A", "Алло, мам."), ("B", "Да, сынок."), ("A", "Нас тут никто не ж"), ("B", "Как это?")],
    ),
    Case(
        "docx_table_header.docx",
        "Перехоплення ГУР: окупант і дружина",
        "HUR",
        "ru",
        [
            ("Окупант", "Привет, Лен."),
            ("Дружина", "Привет. Ты где?"),
            ("Окупант", "Под Авдеевкой. Тут"),
            ("Дружина", "Возвращайся."),
        ],
    ),
    Case(
        "english_descriptors.txt",
        "Intercepted call: Russian soldier tells his mother about looting",
        "HUR",
        "en",
        [
            ("Russian serviceman", "Mom, we took every"),
            ("Woman", "Son, isn't that st"),
            ("Russian serviceman", "It's war, mom. Eve"),
            ("Woman", "Well, just be care"),
            ("Unidentified man", "Hey, hurry up, we'"),
            ("Russian serviceman", "Okay, I have to go"),
        ],
    ),
    Case(
        "header_block_footer.txt",
        None,
        "HUR",
        "ru",
        [
            ("Окупант", "Короче, тут полный"),
            ("Друг", "А что командование"),
            ("Окупант", "Командование бухае"),
            ("Друг", "Ясно."),
        ],
    ),
    Case(
        "mac_cr.txt",
        "Перехват ГУР",
        "HUR",
        "ru",
        [
            ("Военный", "Ты меня слышишь?"),
            ("Жена", "Слышу."),
            ("Военный", "Нас отводят."),
            ("Жена", "Слава богу."),
        ],
    ),
    Case(
        "o_d_letters.txt",
        "Розмова окупанта з дружиною (О. – окупант, Д. – дружина)",
        None,
        "ru",
        [
            ("О", "Привет, зай."),
            ("Д", "Привет. Ты живой?"),
            ("О", "Живой пока. Нас оп"),
            ("Д", "Куда?"),
            ("О", "Не могу сказать, н"),
        ],
    ),
    Case(
        "patronymic_names.txt",
        "Перехват СБУ: командир и подчинённый обсуждают потери",
        "SBU",
        "ru",
        [
            ("Иван Петрович", "Сколько у тебя на "),
            ("Сергей Николаевич", "Четырнадцать двухс"),
            ("Иван Петрович", "Никому не докладыв"),
            ("Сергей Николаевич", "Понял, понял."),
        ],
    ),
    Case(
        "rashist_ch_zh.txt",
        "Рашист хвалиться дружині вкраденим",
        None,
        "ru",
        [
            ("Ч", "Я тебе шубу привез"),
            ("Ж", "Откуда шуба?"),
            ("Ч", "Ну, нашёл."),
            ("Ж", "Ага, нашёл он."),
            ("Ч", "Не начинай."),
        ],
    ),
    Case(
        "ru_en_interleaved.txt",
        "Intercepted call released by HUR, with translation",
        "HUR",
        "ru",
        [
            ("Soldier", "Мам, тут всё плохо"),
            ("Mother", "Что такое, сынок?"),
            ("Soldier", "Нас снова гонят в "),
            ("Mother", "Господи, береги се"),
        ],
    ),
    Case(
        "ru_en_prefixes.txt",
        "Intercepted call: soldier and wife",
        None,
        "ru",
        [
            ("Soldier", "Нас тут кормят одн"),
            ("Wife", "А деньги когда зап"),
            ("Soldier", "Говорят, в следующ"),
        ],
    ),
    Case(
        "seconds_suffix.txt",
        None,
        None,
        "uk",
        [("Окупант", "Алло."), ("Мати", "Алло, синку."), ("Окупант", "Нас знову кидають ")],
    ),
    Case(
        "single_letters_mz.txt",
        "Перехоплення: окупант розповідає дружині про мародерство",
        None,
        "ru",
        [
            ("М", "Я тебе тут телевиз"),
            ("Ж", "Где нашёл?"),
            ("М", "Ну в доме одном. Х"),
            ("Ж", "А тебе ничего не б"),
            ("М", "Да кому мы нужны. "),
        ],
    ),
    Case(
        "sobesednik_golos.txt",
        None,
        None,
        "ru",
        [
            ("Голос 1", "Ты где?"),
            ("Голос 2", "На точке."),
            ("Собеседник", "Слышь, а ты знаешь"),
            ("Голос 1", "Много."),
            ("Голос 2", "Да всех положили."),
        ],
    ),
    Case(
        "square_time_dash.txt",
        None,
        None,
        "ru",
        [
            ("Окупант", "Ну что, вы там жив"),
            ("Товарищ", "Живы пока."),
            ("Окупант", "Держитесь, мы скор"),
            ("Товарищ", "Ждём."),
        ],
    ),
    Case(
        "stage_directions_uk.txt",
        None,
        None,
        "uk",
        [
            ("Окупант", "Я уже не могу тут "),
            ("Мати", "Синку, тримайся."),
            ("Окупант", "[нерозбірливо] ..."),
            ("Мати", "*плаче* Повертайся"),
            ("Окупант", "(…) Не знаю, коли."),
        ],
    ),
    Case(
        "tg_bold_labels.md",
        "Новий перехоплений дзвінок від ГУР",
        "HUR",
        "ru",
        [
            ("Окупант", "Короче, из нашей р"),
            ("Дружина", "Как двадцать? Было"),
            ("Окупант", "Ну вот так. Осталь"),
            ("Дружина", "Ужас какой."),
        ],
    ),
    Case(
        "tg_gur_emoji.txt",
        "ПЕРЕХОПЛЕННЯ ГУР: ОКУПАНТ СКАРЖИТЬСЯ МАТЕРІ НА КОМАНДИРІВ",
        "HUR",
        "ru",
        [
            ("Окупант", "Мам, нас тут вообщ"),
            ("Мати окупанта", "Сынок, а командиры"),
            ("Окупант", "А что командиры? О"),
            ("Мати окупанта", "Господи, береги се"),
            ("Окупант", "Да постараюсь."),
        ],
    ),
    Case(
        "times_at_line_end.txt",
        None,
        None,
        "ru",
        [
            ("Солдат", "Алло, мам."),
            ("Мать", "Да, сынок."),
            ("Солдат", "У нас всё хорошо, "),
            ("Мать", "Правда?"),
        ],
    ),
    Case(
        "times_em_dash.txt",
        "Перехоплення ГУР",
        "HUR",
        "ru",
        [
            ("Окупант", "Мам, привет."),
            ("Мати", "Привет, сынок."),
            ("Окупант", "У нас опять обстре"),
            ("Мати", "Ты цел?"),
        ],
    ),
    Case(
        "times_paren_hms.txt",
        None,
        None,
        "ru",
        [
            ("Окупант", "Нас тут всех полож"),
            ("Дружина", "Не говори так."),
            ("Окупант", "А как говорить? Пр"),
            ("Дружина", "Возвращайся живым."),
        ],
    ),
    Case(
        "uk_translation_below.txt",
        "Перехоплення СБУ",
        "SBU",
        "ru",
        [
            ("Окупант", "Тут жрать нечего."),
            ("Мати", "Как нечего?"),
            ("Окупант", "Вот так. Сухпай на"),
        ],
    ),
    Case(
        "utf16le_nobom.txt",
        None,
        None,
        "ru",
        [
            ("Солдат", "Мам, нас тут броси"),
            ("Мать", "Как бросили?"),
            ("Солдат", "Вот так, без еды и"),
            ("Мать", "Господи."),
        ],
    ),
    Case(
        "wife_of_invader.txt",
        "Дружина загарбника радить йому «не соромитися» з українцями",
        None,
        "ru",
        [
            ("Загарбник", "Тут одни старики о"),
            ("Дружина загарбника", "Ну и что, забирай "),
            ("Загарбник", "Да я и так забираю"),
            ("Дружина загарбника", "Правильно. Они нам"),
        ],
    ),
    Case(
        "yt_description.txt",
        "Перехоплена розмова: окупант розповідає про «чмобіків»",
        "HUR",
        "ru",
        [
            ("Окупант", "Привезли нам чмоби"),
            ("Знайомий", "И как они?"),
            ("Окупант", "Половина в первый "),
            ("Знайомий", "Ну а ты что?"),
            ("Окупант", "А я что, я тут как"),
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_release_reads_as_its_dialogue(case: Case) -> None:
    p = parse_path(HERE / case.file).parsed
    assert len(p.utterances) == len(case.turns)
    pairs = zip(p.utterances, case.turns, strict=True)
    got = [(u.speaker, u.text[: len(start)]) for u, (_s, start) in pairs]
    assert got == case.turns
    expected_title = case.title or Path(case.file).stem.replace("_", " ")
    assert p.meta.title == expected_title
    assert p.meta.publisher == case.publisher
    assert p.meta.language == case.language


def test_inputs_are_all_in_the_table() -> None:
    files = {f.name for f in HERE.iterdir() if f.suffix != ".py"}
    assert files == {c.file for c in CASES}
    assert len(files) >= 25


def _parsed(name: str):
    return parse_path(HERE / name).parsed


def test_timestamps_in_other_shapes() -> None:
    def times(name: str) -> list[tuple[int | None, int | None]]:
        return [(u.start_ms, u.end_ms) for u in _parsed(name).utterances]

    assert times("times_at_line_end.txt") == [
        (3000, 5000),
        (5000, 9000),
        (9000, 14000),
        (14000, None),
    ]
    assert _parsed("times_at_line_end.txt").utterances[0].text == "Алло, мам."
    assert times("seconds_suffix.txt") == [(12000, 15000), (15000, 21000), (21000, None)]
    assert times("times_paren_hms.txt")[0] == (72000, 80000)
    assert times("times_paren_hms.txt")[-1] == (100000, None)  # "00:01:40 - Дружина: …"
    assert times("times_em_dash.txt")[0] == (15000, 18000)  # "0:15 — Окупант: …"
    assert times("square_time_dash.txt")[0] == (902000, 907000)  # "[15:02] Окупант — …"
    assert times("docx_table_header.docx")[:2] == [(5000, 8000), (8000, 12000)]


def test_translations_stay_with_the_turn_they_translate() -> None:
    # issue 14: the translation is kept beside the original, in its own field
    bracketed = _parsed("ru_en_interleaved.txt").utterances
    assert bracketed[0].text == "Мам, тут всё плохо."
    assert bracketed[0].translation == "Mom, everything is bad here."
    tagged = _parsed("ru_en_prefixes.txt")
    assert [s.label for s in tagged.speakers] == ["Soldier", "Wife"]  # RU/EN are not speakers
    assert tagged.utterances[0].text == "Нас тут кормят одной тушёнкой."
    assert tagged.utterances[0].translation == "They feed us nothing but canned meat here."
    below = _parsed("uk_translation_below.txt").utterances
    assert len(below) == 3  # the call is not listed twice
    assert below[2].text == "Вот так. Сухпай на три дня дали и всё."
    assert below[2].translation == "Ось так. Сухпай на три дні дали і все."


def test_one_letter_labels_get_names_from_the_legend() -> None:
    p = _parsed("o_d_letters.txt")
    assert [(s.label, s.name) for s in p.speakers] == [("О", "Окупант"), ("Д", "Дружина")]
    assert p.meta.description is None  # the legend is part of the headline


def test_one_off_descriptor_label_is_a_speaker() -> None:
    p = _parsed("english_descriptors.txt")
    assert p.utterances[3].text == "Well, just be careful."
    assert p.meta.verification_note and "could not independently verify" in (
        p.meta.verification_note
    )


def test_unfenced_header_block_fills_the_source_fields() -> None:
    p = _parsed("header_block_footer.txt")
    assert p.meta.released_on == "2023-03-14"
    assert p.meta.publisher == "HUR"
    assert p.meta.description == (
        "Раніше ГУР оприлюднило перехоплення, в якому окупант скаржився на нестачу набоїв."
    )


def test_caps_headline_with_a_colon_is_not_a_speaker() -> None:
    p = _parsed("caps_dash_labels.txt")
    assert [s.label for s in p.speakers] == ["СОЛДАТ", "ОТЕЦ"]


def test_telegram_furniture_stays_out_of_title_and_turns() -> None:
    p = _parsed("tg_gur_emoji.txt")
    assert p.utterances[-1].text == "Да постараюсь."
    assert p.meta.description and "#ГУР" in p.meta.description  # kept, not lost
    assert _parsed("tg_bold_labels.md").meta.title == "Новий перехоплений дзвінок від ГУР"


def test_docx_table_header_row_is_not_text() -> None:
    p = _parsed("docx_table_header.docx")
    assert p.meta.description == (
        "Розшифровка розмови, оприлюдненої ГУР 12 квітня.\n\n"
        "Раніше ГУР оприлюднило інші перехоплення."
    )


def test_cli_import_and_show(tmp_path: Path) -> None:
    from intercept_viewer.cli import cli

    lib = str(tmp_path / "lib.sqlite")
    runner = CliRunner()
    res = runner.invoke(cli, ["--library", lib, "import", "--json", str(HERE / "o_d_letters.txt")])
    assert res.exit_code == 0, res.output
    tid = json.loads(res.output)[0]["id"]
    shown = json.loads(runner.invoke(cli, ["--library", lib, "show", "--json", str(tid)]).output)
    assert [u["speaker"] for u in shown["utterances"]][:2] == ["Окупант", "Дружина"]


@pytest.mark.parametrize(
    ("text", "title", "speakers"),
    [
        # every turn its own paragraph: the first line is a turn, not a headline
        ("Сергей: Привет\n\nМаша: Пока\n", None, ["Сергей", "Маша"]),
        ("ПЕРЕХВАТ: ЗВОНОК\n\nСОЛДАТ: Алло.\nМАТЬ: Да.\n", "ПЕРЕХВАТ: ЗВОНОК", ["СОЛДАТ", "МАТЬ"]),
        # an adjective before a role word is a descriptor: a one-off speaker
        (
            "Невідома жінка: Алло.\nОкупант: Так.\nОкупант: Ну.\n",
            None,
            ["Невідома жінка", "Окупант", "Окупант"],
        ),
    ],
)
def test_headline_and_descriptor_edges(text: str, title: str | None, speakers: list[str]) -> None:
    from intercept_viewer.core.importers.labelled import parse_labelled_text

    p = parse_labelled_text(text)
    assert p.meta.title == title
    assert [u.speaker for u in p.utterances] == speakers


def test_past_verb_before_a_role_word_is_not_a_label() -> None:
    from intercept_viewer.core.importers.labelled import analyse

    an = analyse(["Сказала жена: нет.", "Окупант: да", "Мать: ну", "Окупант: ладно"])
    assert [ln.candidate.key for ln in an.turn_lines if ln.candidate] == [
        "окупант",
        "мать",
        "окупант",
    ]
