"""Plain results the services hand to the Telegram layer (never Telegram objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.library import Area
from bot.domain.state import Outcome, Prescription


class Slot(StrEnum):
    """Which of the day's two moves a button is about."""

    STRETCH = "s"
    STRENGTH = "g"


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    outcome: Outcome
    pain: int | None = None
    offered: Prescription | None = None  # the easier move shown after "too hard"


@dataclass(frozen=True, slots=True)
class SessionView:
    session_id: int
    user_id: int
    chat_id: int
    language_code: str | None
    local_date: date
    focus: Area
    stretch: Prescription
    strength: Prescription | None
    answers: Mapping[Slot, SlotAnswer] = field(default_factory=dict)
    strength_paused: bool = False

    def prescription(self, slot: Slot) -> Prescription | None:
        return self.stretch if slot is Slot.STRETCH else self.strength


class FeedbackStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    NOT_FOUND = "not_found"  # no such session, or not this person's: the same answer for both


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    status: FeedbackStatus
    session: SessionView | None = None
    slot: Slot | None = None
    red_flag: bool = False
    check_next_morning: bool = False


@dataclass(frozen=True, slots=True)
class ScheduleView:
    timezone: str
    reminder_time: str  # HH:MM local
    next_reminder_local: datetime | None  # aware, in the person's zone


@dataclass(frozen=True, slots=True)
class StartResult:
    is_new: bool
    schedule: ScheduleView
