"""Every text the person reads, keyed by id, one module per language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.texts import en, es

CATALOGUES: Mapping[str, Mapping[str, str]] = {"en": en.TEXTS, "es": es.TEXTS}
FALLBACK = "en"


def language_for(language_code: str | None) -> str:
    """The catalogue for a Telegram language_code such as 'pt-br', or English."""
    if language_code:
        base = language_code.split("-")[0].lower()
        if base in CATALOGUES:
            return base
    return FALLBACK


def text(key: str, language_code: str | None = None, **values: object) -> str:
    catalogue = CATALOGUES[language_for(language_code)]
    template = catalogue.get(key) or CATALOGUES[FALLBACK][key]
    return template.format(**values) if values else template


def day_label(day: date, language_code: str | None = None) -> str:
    """A date as "Mon 02 Mar" in the person's language (strftime would always say English)."""
    catalogue = CATALOGUES[language_for(language_code)]
    weekday = catalogue["date.weekdays"].split()[day.weekday()]
    month = catalogue["date.months"].split()[day.month - 1]
    return f"{weekday} {day.day:02d} {month}"
