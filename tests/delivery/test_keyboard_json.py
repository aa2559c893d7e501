"""The daily send builds its answer buttons as the Bot API's JSON, not as PTB objects: it must
be exactly what PTB would send for the keyboard the handlers build, in every state."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from bot.domain.library import Library
from bot.domain.planner import plan_day
from bot.domain.state import CoachState, Outcome
from bot.services.sessions import plan_seed
from bot.services.views import SessionView, Slot, SlotAnswer
from bot.telegram.keyboards import session_keyboard, session_keyboard_json

DAY = date(2026, 3, 2)
ANSWERS = {
    "none": {},
    "stretch done": {Slot.STRETCH: SlotAnswer(Outcome.DONE)},
    "strength hurt": {Slot.STRENGTH: SlotAnswer(Outcome.HURT, pain=3)},
    "both": {Slot.STRETCH: SlotAnswer(Outcome.DONE), Slot.STRENGTH: SlotAnswer(Outcome.TOO_EASY)},
}


@pytest.mark.parametrize(
    ("answered", "skipped", "language_code", "no_stretch"),
    list(product(ANSWERS, (False, True), ("en", "es-AR", None), (False, True))),
)
def test_the_json_keyboard_is_what_ptb_would_send(
    library: Library, answered: str, skipped: bool, language_code: str | None, no_stretch: bool
) -> None:
    plan = plan_day(library, CoachState(), DAY, plan_seed(42, DAY))
    view = SessionView(
        session_id=987654321,
        user_id=42,
        chat_id=42,
        language_code=language_code,
        local_date=DAY,
        focus=plan.focus,
        stretch=None if no_stretch else plan.stretch,
        strength=plan.strength,
        answers=ANSWERS[answered],
        skipped=skipped,
    )
    markup = session_keyboard(view)

    wire = session_keyboard_json(view)

    assert wire == (None if markup is None else markup.to_dict())


def test_an_open_session_has_all_its_buttons(library: Library) -> None:
    plan = plan_day(library, CoachState(), DAY, plan_seed(7, DAY))
    view = SessionView(7, 7, 7, "en", DAY, plan.focus, plan.stretch, plan.strength)

    wire = session_keyboard_json(view)

    assert wire is not None
    rows = wire["inline_keyboard"]
    assert [len(row) for row in rows] == [2, 2, 2, 2, 3]
    assert all(set(button) == {"text", "callback_data"} for row in rows for button in row)
    assert rows[0][0]["callback_data"] == "fb:7:s:d"
