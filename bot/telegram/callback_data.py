"""Typed callback data: one prefix per button family, strictly decoded fields.

Every family decodes to None for anything that is not exactly what we encode, so a forged or
stale shape is refused before any service runs. Ownership is checked by the services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.state import Outcome
from bot.services.views import SetupStep, Slot

_ID = r"([1-9][0-9]{0,17})"

_OUTCOME_CODES = {
    Outcome.DONE: "d",
    Outcome.TOO_HARD: "h",
    Outcome.TOO_EASY: "e",
    Outcome.HURT: "p",
}
_CODE_OUTCOMES = {code: outcome for outcome, code in _OUTCOME_CODES.items()}


@dataclass(frozen=True, slots=True)
class FeedbackData:
    """An answer about one move; "it hurt" first opens the 0-10 scale (PainData)."""

    session_id: int
    slot: Slot
    outcome: Outcome

    PREFIX = "fb"
    _RE = re.compile(rf"^fb:{_ID}:([sg]):([dhep])$")

    def encode(self) -> str:
        code = _OUTCOME_CODES[self.outcome]
        return f"{self.PREFIX}:{self.session_id}:{self.slot.value}:{code}"

    @classmethod
    def decode(cls, data: str | None) -> FeedbackData | None:
        match = cls._RE.match(data or "")
        if match is None:
            return None
        return cls(int(match[1]), Slot(match[2]), _CODE_OUTCOMES[match[3]])


@dataclass(frozen=True, slots=True)
class PainData:
    """How much it hurt, 0-10, about one move of a session."""

    session_id: int
    slot: Slot
    pain: int

    PREFIX = "pn"
    _RE = re.compile(rf"^pn:{_ID}:([sg]):(10|[0-9])$")

    def encode(self) -> str:
        return f"{self.PREFIX}:{self.session_id}:{self.slot.value}:{self.pain}"

    @classmethod
    def decode(cls, data: str | None) -> PainData | None:
        match = cls._RE.match(data or "")
        if match is None:
            return None
        return cls(int(match[1]), Slot(match[2]), int(match[3]))


class SessionAction(StrEnum):
    SNOOZE_HOUR = "h"
    SNOOZE_EVENING = "e"
    SKIP_TODAY = "s"


@dataclass(frozen=True, slots=True)
class SessionActionData:
    session_id: int
    action: SessionAction

    PREFIX = "sa"
    _RE = re.compile(rf"^sa:{_ID}:([hes])$")

    def encode(self) -> str:
        return f"{self.PREFIX}:{self.session_id}:{self.action.value}"

    @classmethod
    def decode(cls, data: str | None) -> SessionActionData | None:
        match = cls._RE.match(data or "")
        if match is None:
            return None
        return cls(int(match[1]), SessionAction(match[2]))


@dataclass(frozen=True, slots=True)
class MorningCheckData:
    """The next-morning answer: pain now, with yesterday's score and trend carried along."""

    session_id: int
    pain_before: int
    worse_before: bool
    pain_now: int

    PREFIX = "mc"
    _RE = re.compile(rf"^mc:{_ID}:(10|[0-9]):([01]):(10|[0-9])$")

    def encode(self) -> str:
        return (
            f"{self.PREFIX}:{self.session_id}:{self.pain_before}:"
            f"{int(self.worse_before)}:{self.pain_now}"
        )

    @classmethod
    def decode(cls, data: str | None) -> MorningCheckData | None:
        match = cls._RE.match(data or "")
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), match[3] == "1", int(match[4]))


@dataclass(frozen=True, slots=True)
class SetupData:
    """An onboarding or /settings choice: a step and one short value."""

    step: SetupStep
    value: str

    PREFIX = "su"
    _RE = re.compile(r"^su:(time|zone|screen|equip|focus|done):([A-Za-z0-9_]{1,40})$")

    def encode(self) -> str:
        return f"{self.PREFIX}:{self.step.value}:{self.value}"

    @classmethod
    def decode(cls, data: str | None) -> SetupData | None:
        match = cls._RE.match(data or "")
        if match is None:
            return None
        return cls(SetupStep(match[1]), match[2])


class ForgetChoice(StrEnum):
    CONFIRM = "y"
    CANCEL = "n"


@dataclass(frozen=True, slots=True)
class ForgetData:
    choice: ForgetChoice

    PREFIX = "fg"
    _RE = re.compile(r"^fg:([yn])$")

    def encode(self) -> str:
        return f"{self.PREFIX}:{self.choice.value}"

    @classmethod
    def decode(cls, data: str | None) -> ForgetData | None:
        match = cls._RE.match(data or "")
        return None if match is None else cls(ForgetChoice(match[1]))


def pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}:")
