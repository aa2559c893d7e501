"""What the coach knows about one person, as plain values the pure functions take and return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.library import Area, Contraindication, Dose, Equipment, Move


class Outcome(StrEnum):
    """A person's answer about one move."""

    DONE = "done"
    TOO_HARD = "too_hard"
    TOO_EASY = "too_easy"
    HURT = "hurt"


@dataclass(frozen=True, slots=True)
class LadderPosition:
    """Where a person stands on one ladder."""

    ladder: str
    level: int = 1
    dose_step: int = 0  # index into the level's Move.doses
    clean_streak: int = 0  # consecutive clean "done" answers at this dose
    level_changed_on: date | None = None  # local date of the last level change


@dataclass(frozen=True, slots=True)
class Profile:
    focus: Area | None = None  # None: a bit of everything
    equipment: frozenset[Equipment] = frozenset({Equipment.NONE})
    contraindications: frozenset[Contraindication] = frozenset()
    strength_paused: bool = False  # set by a red flag until the person resumes


@dataclass(frozen=True, slots=True)
class PastDay:
    """One recent planned day, for variety and the hard/easy rhythm."""

    local_date: date
    stretch_id: str | None
    strength_id: str | None
    high_intensity: bool


@dataclass(frozen=True, slots=True)
class CoachState:
    profile: Profile = field(default_factory=Profile)
    positions: Mapping[str, LadderPosition] = field(default_factory=dict)  # ladder id -> position
    history: tuple[PastDay, ...] = ()  # most recent last; the last 14 days are enough

    def position(self, ladder: str) -> LadderPosition:
        return self.positions.get(ladder, LadderPosition(ladder=ladder))


@dataclass(frozen=True, slots=True)
class Prescription:
    """A move with the dose to do today."""

    move: Move
    dose: Dose


@dataclass(frozen=True, slots=True)
class Plan:
    """One person's day: at most one stretch and one strengthening move.

    `stretch` is None when no stretch is allowed for this person: every adductor stretch
    spreads the legs or turns the hip out, which the screen rules out after a recent groin
    strain, in pregnancy (pelvic girdle pain) and after an anterior hip replacement.
    `strength` is None while strength work is paused after a red flag, on an easy day with no
    allowed low-intensity move, or when no strength move is allowed but a stretch is.
    Both are None only while strength work is paused (the caller shows a rest day).
    """

    local_date: date
    stretch: Prescription | None
    strength: Prescription | None
    focus: Area  # the benefit area today's reason line speaks to
