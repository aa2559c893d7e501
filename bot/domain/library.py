"""The exercise library as frozen domain objects.

The files in `content/` are parsed and validated by `bot.library`; this module only defines
what the rest of the code sees, so the domain never depends on pydantic or YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.state import Prescription


class Kind(StrEnum):
    STRETCH = "stretch"
    STRENGTH = "strength"


class Area(StrEnum):
    BALANCE = "balance"
    HIPS = "hips"
    KNEES = "knees"
    ANKLES = "ankles"


class Evidence(StrEnum):
    """How well the research supports an area's claim, said plainly to the person."""

    STRONG = "strong"
    INDIRECT = "indirect"
    WEAK = "weak"
    NOT_SUPPORTED = "not_supported"


class Equipment(StrEnum):
    NONE = "none"
    CHAIR = "chair"
    WALL = "wall"
    PILLOW = "pillow"  # a pillow, cushion or soft ball to squeeze
    BAND = "band"
    BENCH = "bench"  # a bench, sofa or sturdy box at about knee-to-hip height
    PARTNER = "partner"


class Position(StrEnum):
    STANDING = "standing"
    SEATED = "seated"
    FLOOR = "floor"
    KNEELING = "kneeling"


FLOOR_POSITIONS: frozenset[Position] = frozenset({Position.FLOOR, Position.KNEELING})


class Contraindication(StrEnum):
    """Answers of the safety screen (EVIDENCE.md) that rule a move out."""

    HIP_REPLACEMENT_POSTERIOR = "hip_replacement_posterior"  # no crossing midline, no deep flexion
    # anterior approach: no wide leg separation, no external rotation
    HIP_REPLACEMENT_ANTERIOR = "hip_replacement_anterior"
    PREGNANCY = "pregnancy"  # pregnancy or pelvic girdle pain: no wide-legged loading
    RECENT_GROIN_STRAIN = "recent_groin_strain"  # last six weeks: pain-free squeezes only
    STIFF_KNEE = "stiff_knee"  # a knee that cannot bend fully: short levers only, no butterfly
    NO_FLOOR = "no_floor"  # cannot get down to the floor (implied by FLOOR_POSITIONS too)


@dataclass(frozen=True, slots=True)
class Dose:
    """One dose step: either a hold in seconds or a number of reps, times sets."""

    sets: int
    hold_seconds: int | None = None
    reps: int | None = None
    per_side: bool = False


@dataclass(frozen=True, slots=True)
class Move:
    id: str
    name: str
    kind: Kind
    ladder: str
    level: int  # 1 = gentlest
    doses: tuple[Dose, ...]  # from the start of the level to its top
    cues: tuple[str, ...]
    mistake: str
    fix: str
    areas: frozenset[Area]
    equipment: frozenset[Equipment]
    position: Position
    high_intensity: bool
    contraindications: frozenset[Contraindication]
    source: str  # a key of Library.sources
    safety_note: str = ""

    @property
    def needs_floor(self) -> bool:
        return self.position in FLOOR_POSITIONS


@dataclass(frozen=True, slots=True)
class Ladder:
    id: str
    name: str
    kind: Kind
    moves: tuple[Move, ...]  # index 0 is level 1
    max_levels_per_week: int | None = None  # Copenhagen-style ladders: 1

    @property
    def top_level(self) -> int:
        return len(self.moves)

    def move_at(self, level: int) -> Move:
        return self.moves[level - 1]


@dataclass(frozen=True, slots=True)
class AreaInfo:
    area: Area
    title: str
    why: str  # a short explanation in our own words
    evidence: Evidence
    evidence_note: str  # says honestly how strong the evidence is


@dataclass(frozen=True)
class Library:
    areas: Mapping[Area, AreaInfo]
    ladders: Mapping[str, Ladder]
    sources: Mapping[str, str] = field(default_factory=dict)  # key -> full citation
    moves: Mapping[str, Move] = field(init=False, repr=False, compare=False)
    by_kind: Mapping[Kind, tuple[Ladder, ...]] = field(init=False, repr=False, compare=False)

    # A memo for `safety.allowed_ids`: (screen, equipment) -> ids of the moves they allow.
    allowed_memo: dict[tuple[frozenset[Contraindication], frozenset[Equipment]], frozenset[str]] = (
        field(init=False, repr=False, compare=False, default_factory=dict)
    )

    # A memo for the planner: what a ladder offers at a given level and dose step, under a
    # given set of allowed moves (see `planner._offers`).
    offer_memo: dict[tuple[str, int, int, frozenset[str], bool], Prescription | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # Built once: the planner looks moves up by id, and ladders by kind, on every plan.
        index = {m.id: m for ladder in self.ladders.values() for m in ladder.moves}
        object.__setattr__(self, "moves", index)
        by_kind = {
            kind: tuple(
                sorted(
                    (ladder for ladder in self.ladders.values() if ladder.kind is kind),
                    key=lambda ladder: ladder.id,
                )
            )
            for kind in Kind
        }
        object.__setattr__(self, "by_kind", by_kind)

    def move(self, move_id: str) -> Move:
        return self.moves[move_id]

    def ladders_of(self, kind: Kind) -> tuple[Ladder, ...]:
        """This kind's ladders, sorted by id: the planner's random draws see them in this
        order whatever order the content was loaded in."""
        return self.by_kind[kind]
