"""Every catalogue mirrors the English one and renders to text Telegram accepts."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from datetime import date, timedelta

import pytest

from bot.playground.html_check import check_html, utf16_len
from bot.texts import CATALOGUES, FALLBACK, day_label, text

ENGLISH = CATALOGUES[FALLBACK]
TRANSLATIONS = {lang: texts for lang, texts in CATALOGUES.items() if lang != FALLBACK}
ALL_TEMPLATES = [
    pytest.param(lang, key, template, id=f"{lang}:{key}")
    for lang, texts in sorted(CATALOGUES.items())
    for key, template in texts.items()
]
TRANSLATED_TEMPLATES = [
    pytest.param(lang, key, template, id=f"{lang}:{key}")
    for lang, texts in sorted(TRANSLATIONS.items())
    for key, template in texts.items()
    if key in ENGLISH
]

MESSAGE_LIMIT = 4096  # Bot API: message text, in UTF-16 code units
CAPTION_LIMIT = 1024  # Bot API: photo and document captions
CAPTION_PREFIXES = ("progress.caption", "export.caption")
TOAST_PREFIX = "toast."
TOAST_LIMIT = 200  # Bot API: answerCallbackQuery text
ALLOWED_TAGS = {"b", "i", "u", "code"}

# Realistic (already escaped) values for the renderer's placeholders; anything else gets "7:30".
SAMPLES: dict[str, str] = {
    "zone": "Europe/Lisbon",
    "next": "Mon 01 Dec, 07:30",
    "date": "Mon 01 Dec",
    "number": "1",
    "total": "6",
    "question": "Is getting down to the floor and back up hard for you?",
    "schedule": "Your daily session comes at <b>7:30</b> (Europe/Lisbon).",
    "focus": "Balance",
    "pain": "4",
    "answer": "Too hard",
    "title": "Balance",
    "why": "Stronger inner thighs support a steadier stance.",
    "evidence": "Evidence: indirect. Balance tracks hip strength.",
    "area": "balance",
    "name": "Pillow squeeze",
    "areas": "balance, hips",
    "days": "3",
    "streak": "12",
    "week": "5",
    "month": "20",
    "levels": "Squeeze 3, Copenhagen 2",
    "done": "5",
    "ladders": "Copenhagen",
}
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_COMMAND = re.compile(r"(?<![\w/])/[a-z_]+")


def placeholders(template: str) -> set[str]:
    return {
        field
        for _literal, field, _spec, _conversion in string.Formatter().parse(template)
        if field is not None
    }


def render(template: str) -> str:
    return template.format(**{name: SAMPLES.get(name, "7:30") for name in placeholders(template)})


def tags(template: str) -> Counter[str]:
    return Counter(match.group(0) for match in _TAG.finditer(template))


def symbols(template: str) -> Counter[str]:
    """Emoji and other pictographs, which a translation keeps as they are."""
    return Counter(ch for ch in template if unicodedata.category(ch) == "So")


def commands(template: str) -> set[str]:
    return set(_COMMAND.findall(template))


def test_there_is_a_translation() -> None:
    assert "es" in TRANSLATIONS


@pytest.mark.parametrize("lang", sorted(TRANSLATIONS))
def test_catalogue_has_exactly_the_english_keys(lang: str) -> None:
    keys = set(TRANSLATIONS[lang])
    assert sorted(set(ENGLISH) - keys) == [], "missing"
    assert sorted(keys - set(ENGLISH)) == [], "not in English"


@pytest.mark.parametrize(("lang", "key", "template"), ALL_TEMPLATES)
def test_placeholders_are_plain_names(lang: str, key: str, template: str) -> None:
    for name in placeholders(template):
        assert name.isidentifier(), f"{lang}:{key} has placeholder {{{name}}}"


@pytest.mark.parametrize(("lang", "key", "template"), TRANSLATED_TEMPLATES)
def test_translation_keeps_placeholders_tags_emoji_and_commands(
    lang: str, key: str, template: str
) -> None:
    english = ENGLISH[key]
    assert placeholders(template) == placeholders(english)
    assert tags(template) == tags(english)
    assert symbols(template) == symbols(english)
    assert commands(template) == commands(english)


@pytest.mark.parametrize(("lang", "key", "template"), ALL_TEMPLATES)
def test_template_renders_to_valid_telegram_html(lang: str, key: str, template: str) -> None:
    rendered = render(template)
    plain = check_html(rendered)  # raises HtmlParseError where Telegram would refuse it
    assert plain.strip(), f"{lang}:{key} renders to nothing"
    assert {match.group(1).lower() for match in _TAG.finditer(template)} <= ALLOWED_TAGS
    limit = CAPTION_LIMIT if key.startswith(CAPTION_PREFIXES) else MESSAGE_LIMIT
    assert utf16_len(rendered) <= limit


@pytest.mark.parametrize(
    ("lang", "key", "template"),
    [param for param in ALL_TEMPLATES if str(param.values[1]).startswith(TOAST_PREFIX)],
)
def test_toasts_fit_a_callback_answer(lang: str, key: str, template: str) -> None:
    rendered = render(template)
    assert len(rendered) <= TOAST_LIMIT
    assert "<" not in rendered
    assert ">" not in rendered
    assert check_html(rendered) == rendered  # no entities to decode either


def test_there_are_toasts() -> None:
    assert any(key.startswith(TOAST_PREFIX) for key in ENGLISH)


def test_spanish_for_spanish_speakers() -> None:
    assert text("help", "es-MX") == CATALOGUES["es"]["help"]
    assert text("help", "es") == CATALOGUES["es"]["help"]
    assert text("help", "es-MX") != ENGLISH["help"]


@pytest.mark.parametrize("language_code", ["fr", None, "", "pt-br"])
def test_other_languages_fall_back_to_english(language_code: str | None) -> None:
    assert text("help", language_code) == ENGLISH["help"]


def test_text_fills_placeholders() -> None:
    assert "<b>7:30</b>" in text("time.saved", "es-AR", time="7:30", zone="Europe/Madrid", next="—")


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_language_names_seven_days_and_twelve_months(lang: str) -> None:
    days = CATALOGUES[lang]["date.weekdays"].split()
    months = CATALOGUES[lang]["date.months"].split()
    assert (len(days), len(set(days))) == (7, 7)
    assert (len(months), len(set(months))) == (12, 12)


def test_dates_are_said_in_the_persons_language() -> None:
    monday = date(2026, 3, 2)
    assert day_label(monday, "en") == monday.strftime("%a %d %b") == "Mon 02 Mar"
    assert day_label(monday, "es-MX") == "lun 02 mar"
    assert day_label(monday, "fr") == "Mon 02 Mar"  # no French catalogue: English
    week = [day_label(monday + timedelta(days=n), "es") for n in range(7)]
    assert [label.split()[0] for label in week] == ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
    assert day_label(date(2026, 12, 31), "es") == "jue 31 dic"
