"""Pydantic models of the files in `content/`: their shape and types.

The models check structure only. References between files (areas, ladders, sources) and the
rules about doses, cues and coverage live in `validate.py`, where they can be reported with
messages an editor understands and without hiding the other problems of the same move.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt, StringConstraints

from bot.domain.library import (
    FLOOR_POSITIONS,
    Area,
    Contraindication,
    Dose,
    Equipment,
    Evidence,
    Kind,
    Move,
    Position,
)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_AREA_VALUES = frozenset(area.value for area in Area)
_EQUIPMENT_VALUES = frozenset(item.value for item in Equipment)


class _Strict(BaseModel):
    # A misspelt field must fail loudly rather than silently fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


class DoseModel(_Strict):
    sets: StrictInt
    hold_seconds: StrictInt | None = None
    reps: StrictInt | None = None


class MoveModel(_Strict):
    id: Id
    name: Text
    kind: Kind
    ladder: Id
    level: StrictInt
    per_side: StrictBool  # one value for the whole move, so its steps cannot disagree
    doses: list[DoseModel]
    cues: list[Text]
    mistake: Text
    fix: Text
    # Areas and equipment are plain strings here so an unknown one is reported by name
    # (with the known values) while the rest of the move is still checked.
    areas: list[Text]
    equipment: list[Text]
    position: Position
    high_intensity: StrictBool
    contraindications: list[Contraindication]
    source: Text
    safety_note: Text

    def to_domain(self) -> Move:
        """Build the domain move, silently dropping unknown areas or equipment.

        The validator reports those; dropping them here lets it still render the move and
        count it while it collects every other problem.
        """
        contraindications = set(self.contraindications)
        if self.position in FLOOR_POSITIONS:
            contraindications.add(Contraindication.NO_FLOOR)
        return Move(
            id=self.id,
            name=self.name,
            kind=self.kind,
            ladder=self.ladder,
            level=self.level,
            doses=tuple(
                Dose(
                    sets=step.sets,
                    hold_seconds=step.hold_seconds,
                    reps=step.reps,
                    per_side=self.per_side,
                )
                for step in self.doses
            ),
            cues=tuple(self.cues),
            mistake=self.mistake,
            fix=self.fix,
            areas=frozenset(Area(a) for a in self.areas if a in _AREA_VALUES),
            equipment=frozenset(Equipment(e) for e in self.equipment if e in _EQUIPMENT_VALUES),
            position=self.position,
            high_intensity=self.high_intensity,
            contraindications=frozenset(contraindications),
            source=self.source,
            safety_note=self.safety_note,
        )


class LadderModel(_Strict):
    id: Id
    name: Text
    kind: Kind
    levels: list[Id]  # move ids, gentlest first
    max_levels_per_week: StrictInt | None = None


class AreaModel(_Strict):
    id: Area
    title: Text
    why: Text
    evidence: Evidence
    evidence_note: Text


class SourceModel(_Strict):
    citation: Text
    note: Text | None = None


# File-level models. Items stay untyped here and are validated one at a time, so one broken
# move neither hides the problems of the others nor drops them from the checks that follow.


class AreasFile(_Strict):
    areas: list[Any]


class LaddersFile(_Strict):
    ladders: list[Any]


class MovesFile(_Strict):
    moves: list[Any]


class SourcesFile(_Strict):
    sources: dict[Id, Any]
