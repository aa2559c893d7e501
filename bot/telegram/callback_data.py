"""Typed callback data: a prefix per button family and strictly decoded fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.state import Outcome
from bot.services.views import Slot

FEEDBACK_PREFIX = "fb"
FEEDBACK_PATTERN = re.compile(rf"^{FEEDBACK_PREFIX}:")

_OUTCOME_CODES = {
    Outcome.DONE: "d",
    Outcome.TOO_HARD: "h",
    Outcome.TOO_EASY: "e",
    Outcome.HURT: "p",
}
_CODE_OUTCOMES = {code: outcome for outcome, code in _OUTCOME_CODES.items()}
_FEEDBACK = re.compile(r"^fb:([1-9][0-9]{0,17}):([sg]):([dhep])$")


@dataclass(frozen=True, slots=True)
class FeedbackData:
    session_id: int
    slot: Slot
    outcome: Outcome

    def encode(self) -> str:
        return (
            f"{FEEDBACK_PREFIX}:{self.session_id}:{self.slot.value}:{_OUTCOME_CODES[self.outcome]}"
        )

    @classmethod
    def decode(cls, data: str | None) -> FeedbackData | None:
        """None for anything that is not exactly what we encode: forged or stale shapes."""
        match = _FEEDBACK.match(data or "")
        if match is None:
            return None
        return cls(int(match[1]), Slot(match[2]), _CODE_OUTCOMES[match[3]])
