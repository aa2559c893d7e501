"""Plain results the services hand to the Telegram layer (never Telegram objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.library import Area, Contraindication, Equipment
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
    stretch: Prescription | None  # None when no stretch is safe for this person
    strength: Prescription | None
    answers: Mapping[Slot, SlotAnswer] = field(default_factory=dict)
    strength_paused: bool = False
    skipped: bool = False
    message_id: int | None = None  # the Telegram message showing it, once sent

    def prescription(self, slot: Slot) -> Prescription | None:
        return self.stretch if slot is Slot.STRETCH else self.strength

    @property
    def open_slots(self) -> tuple[Slot, ...]:
        """The moves still waiting for an answer."""
        return tuple(
            s
            for s in (Slot.STRETCH, Slot.STRENGTH)
            if self.prescription(s) is not None and s not in self.answers
        )


class FeedbackStatus(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"
    NOT_FOUND = "not_found"  # no such session, or not this person's: the same answer for both
    NO_SESSION = "no_session"  # an answer in words, but nothing was sent today


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
    paused: bool = False


@dataclass(frozen=True, slots=True)
class StartResult:
    is_new: bool
    schedule: ScheduleView
    needs_setup: bool = False  # never walked through the set-up (and safety) questions


@dataclass(frozen=True, slots=True)
class MorningCheckResult:
    worse: bool
    red_flag: bool
    check_again: bool


@dataclass(frozen=True, slots=True)
class PauseResult:
    days: int | None  # None: until /resume; 0: resumed
    schedule: ScheduleView


@dataclass(frozen=True, slots=True)
class SnoozeResult:
    ok: bool  # False: that would be tomorrow already
    at: datetime  # local, aware


class SetupStep(StrEnum):
    TIME = "time"
    ZONE = "zone"
    SCREEN = "screen"
    EQUIPMENT = "equip"
    FOCUS = "focus"
    DONE = "done"


SETUP_ORDER = (
    SetupStep.TIME,
    SetupStep.ZONE,
    SetupStep.SCREEN,
    SetupStep.EQUIPMENT,
    SetupStep.FOCUS,
    SetupStep.DONE,
)


@dataclass(frozen=True, slots=True)
class SetupView:
    """Where a person is in onboarding (or in changing one setting), and what they chose."""

    step: SetupStep
    onboarding: bool  # False: changing one setting from /settings
    screen_index: int
    focus: Area | None
    equipment: frozenset[Equipment]
    contraindications: frozenset[Contraindication]
    schedule: ScheduleView
    not_understood: bool = False
    zone_from_location: str | None = None
