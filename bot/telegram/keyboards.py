"""Inline and reply keyboards, built apart from the handlers that send them."""

from __future__ import annotations

from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.domain.library import Area, Equipment, Library
from bot.domain.places import QUICK_PICKS
from bot.domain.state import Outcome
from bot.services.setup import SKIP, TIME_CHOICES
from bot.services.views import SessionView, SetupStep, SetupView, Slot
from bot.telegram.callback_data import (
    FeedbackData,
    ForgetChoice,
    ForgetData,
    MorningCheckData,
    PainData,
    SessionAction,
    SessionActionData,
    SetupData,
)
from bot.texts import text

_BUTTON_KEYS = {
    Outcome.DONE: "button.done",
    Outcome.TOO_HARD: "button.too_hard",
    Outcome.TOO_EASY: "button.too_easy",
    Outcome.HURT: "button.hurt",
}
_SLOT_LABELS = {Slot.STRETCH: "session.stretch", Slot.STRENGTH: "session.strength"}
AREA_ORDER = (Area.BALANCE, Area.HIPS, Area.KNEES, Area.ANKLES)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


# A keyboard as (label, callback data) rows: built once, then made into PTB objects for the
# handlers or into the Bot API's JSON for the daily send.
ButtonRows = list[list[tuple[str, str]]]


def session_buttons(view: SessionView) -> ButtonRows | None:
    """Answer buttons for each move not yet answered, then snooze and skip; none when done."""
    lang = view.language_code
    rows: ButtonRows = []
    for slot in view.open_slots:
        prefix = text(_SLOT_LABELS[slot], lang)
        buttons = [
            (
                f"{prefix}: {text(_BUTTON_KEYS[o], lang)}",
                FeedbackData(view.session_id, slot, o).encode(),
            )
            for o in (Outcome.DONE, Outcome.TOO_HARD, Outcome.TOO_EASY, Outcome.HURT)
        ]
        rows.extend([buttons[:2], buttons[2:]])
    if not rows or view.skipped:
        return None
    actions = [
        (SessionAction.SNOOZE_HOUR, "button.snooze_hour"),
        (SessionAction.SNOOZE_EVENING, "button.snooze_evening"),
        (SessionAction.SKIP_TODAY, "button.skip_today"),
    ]
    rows.append(
        [(text(k, lang), SessionActionData(view.session_id, a).encode()) for a, k in actions]
    )
    return rows


def session_keyboard(view: SessionView) -> InlineKeyboardMarkup | None:
    """The session's buttons as PTB objects, for the handlers' replies and edits."""
    rows = session_buttons(view)
    if rows is None:
        return None
    return InlineKeyboardMarkup([[_button(label, data) for label, data in row] for row in rows])


def session_keyboard_json(view: SessionView) -> dict[str, Any] | None:
    """The same buttons as the Bot API's JSON `reply_markup`, for the daily send.

    This is the dispatcher's hot path: eleven PTB button objects cost about 90 µs to build
    and 70 µs more to turn back into this JSON, a sixth of a reminder's CPU (bench/); the
    JSON itself costs a few µs. Equal to `session_keyboard(view).to_dict()` (tested).
    """
    rows = session_buttons(view)
    if rows is None:
        return None
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


def pain_keyboard(session_id: int, slot: Slot) -> InlineKeyboardMarkup:
    """0 to 10, in two rows that fit a phone."""
    scores = [_button(str(n), PainData(session_id, slot, n).encode()) for n in range(11)]
    return InlineKeyboardMarkup([scores[:6], scores[6:]])


def morning_keyboard(session_id: int, pain_before: int, worse_before: bool) -> InlineKeyboardMarkup:
    scores = [
        _button(str(n), MorningCheckData(session_id, pain_before, worse_before, n).encode())
        for n in range(11)
    ]
    return InlineKeyboardMarkup([scores[:6], scores[6:]])


def focus_keyboard(library: Library, lang: str | None, *, step: SetupStep) -> InlineKeyboardMarkup:
    rows = [
        [_button(library.areas[a].title, SetupData(step, a.value).encode())]
        for a in AREA_ORDER
        if a in library.areas
    ]
    rows.append([_button(text("focus.all", lang), SetupData(step, "all").encode())])
    return InlineKeyboardMarkup(rows)


def setup_keyboard(
    view: SetupView, library: Library, lang: str | None
) -> InlineKeyboardMarkup | None:
    skip = _button(text("button.skip", lang), SetupData(view.step, SKIP).encode())
    if view.step is SetupStep.TIME:
        times = [
            _button(f"{t[:2]}:{t[2:]}", SetupData(SetupStep.TIME, t).encode()) for t in TIME_CHOICES
        ]
        return InlineKeyboardMarkup([times[:4], times[4:], [skip]])
    if view.step is SetupStep.ZONE:
        zones = [
            _button(
                zone.split("/")[-1].replace("_", " "), SetupData(SetupStep.ZONE, f"z{i}").encode()
            )
            for i, zone in enumerate(QUICK_PICKS)
        ]
        return InlineKeyboardMarkup([zones[:4], zones[4:], [skip]])
    if view.step is SetupStep.SCREEN:
        return InlineKeyboardMarkup(
            [
                [
                    _button(text("button.yes", lang), SetupData(SetupStep.SCREEN, "y").encode()),
                    _button(text("button.no", lang), SetupData(SetupStep.SCREEN, "n").encode()),
                ],
                [skip],
            ]
        )
    if view.step is SetupStep.EQUIPMENT:
        items = [e for e in Equipment if e is not Equipment.NONE]
        buttons = [
            _button(
                ("✅ " if e in view.equipment else "") + text(f"equip.{e.value}", lang),
                SetupData(SetupStep.EQUIPMENT, e.value).encode(),
            )
            for e in items
        ]
        done = _button(
            text("button.done_setting", lang), SetupData(SetupStep.EQUIPMENT, "done").encode()
        )
        return InlineKeyboardMarkup([buttons[:2], buttons[2:4], buttons[4:], [done]])
    if view.step is SetupStep.FOCUS:
        markup = focus_keyboard(library, lang, step=SetupStep.FOCUS)
        return InlineKeyboardMarkup([*markup.inline_keyboard, [skip]])
    return None


def location_keyboard(lang: str | None) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(text("setup.zone.share", lang), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def settings_keyboard(lang: str | None) -> InlineKeyboardMarkup:
    entries = [
        (SetupStep.TIME, "settings.time"),
        (SetupStep.ZONE, "settings.zone"),
        (SetupStep.SCREEN, "settings.screen"),
        (SetupStep.EQUIPMENT, "settings.equip"),
        (SetupStep.FOCUS, "settings.focus"),
    ]
    buttons = [
        _button(text(key, lang), SetupData(SetupStep.DONE, step.value).encode())
        for step, key in entries
    ]
    return InlineKeyboardMarkup([buttons[:2], buttons[2:4], buttons[4:]])


def forget_keyboard(lang: str | None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(text("forget.confirm", lang), ForgetData(ForgetChoice.CONFIRM).encode())],
            [_button(text("forget.cancel", lang), ForgetData(ForgetChoice.CANCEL).encode())],
        ]
    )
