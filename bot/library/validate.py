"""Cross-file rules for the exercise library: everything a per-file schema cannot see.

Every rule appends to one list so an editor sees all problems in a single run. Numbers come
from `shared/EVIDENCE.md`; the sources behind them are in `content/SOURCES.md`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from bot.domain.library import (
    Area,
    Contraindication,
    Dose,
    Equipment,
    Evidence,
    Kind,
    Move,
    Position,
)
from bot.domain.render import (
    MOVE_BLOCK_LIMIT,
    TELEGRAM_TEXT_LIMIT,
    render_move,
    telegram_length,
    visible_text,
)
from bot.library.problems import Problem
from bot.library.reader import (
    AREAS_FILE,
    LADDERS_FILE,
    MOVES_DIR,
    SOURCES_DOC,
    SOURCES_FILE,
    Entry,
    ParsedContent,
)
from bot.library.schema import LadderModel, MoveModel

M = TypeVar("M", MoveModel, LadderModel)

HOLD_SECONDS = range(5, 121)
STRETCH_HOLD_SECONDS = range(10, 61)  # 10-30 s for most adults, up to 60 s for older adults
REPS = range(1, 31)
SETS = range(1, 6)
CUES = range(2, 5)
TEXT_LIMITS = {"name": 60, "cue": 120, "mistake": 160, "fix": 160, "safety_note": 160}
AREA_TEXT_LIMIT = 400

# A day is one stretch plus one strength move and should take under about five minutes, so
# each move's top dose gets half of that. Reps are counted as controlled, a few seconds each.
MOVE_SECONDS_LIMIT = 150
REP_SECONDS = 4
REST_SECONDS = 10

MIN_MOVES = {Kind.STRETCH: 12, Kind.STRENGTH: 16}
MIN_LADDERS = {Kind.STRETCH: 3, Kind.STRENGTH: 4}
MIN_LEVELS = 4
MIN_NO_FLOOR_MOVES = 4  # per kind, so a no-floor day still has some variety

COPENHAGEN_LADDER = "copenhagen"
COPENHAGEN_LEVELS = 6  # the modified progressive programme: five holds, then the full move
SQUEEZE_LADDER = "squeeze"
BUTTERFLY_LADDER = "butterfly"

# The most each area may claim (EVIDENCE.md, "The four benefit areas, honestly"). Content may
# say less, never more.
EVIDENCE_CEILING = {
    Area.HIPS: Evidence.STRONG,
    Area.BALANCE: Evidence.INDIRECT,
    Area.KNEES: Evidence.WEAK,
    Area.ANKLES: Evidence.NOT_SUPPORTED,
}
_EVIDENCE_RANK = {
    Evidence.NOT_SUPPORTED: 0,
    Evidence.WEAK: 1,
    Evidence.INDIRECT: 2,
    Evidence.STRONG: 3,
}
_OVERCLAIM = re.compile(r"\b(cure[sd]?|guarantee[sd]?|miracle|permanently)\b", re.IGNORECASE)

# High-intensity adductor loading is ruled out for everyone the screen flags for hip or groin
# load, whatever the individual move's author remembered to tag.
_HIGH_INTENSITY_EXCLUDES = frozenset(
    {
        Contraindication.PREGNANCY,
        Contraindication.RECENT_GROIN_STRAIN,
        Contraindication.HIP_REPLACEMENT_ANTERIOR,
        Contraindication.HIP_REPLACEMENT_POSTERIOR,
    }
)

_AREA_VALUES = frozenset(area.value for area in Area)
_EQUIPMENT_VALUES = frozenset(item.value for item in Equipment)
LIBRARY_WIDE = f"{MOVES_DIR}/"  # the file named by problems about the library as a whole


class Third(StrEnum):
    """Where a level sits in its ladder; coverage is checked per third."""

    GENTLE = "gentle"
    MIDDLE = "middle"
    HARD = "hard"


_THIRDS = tuple(Third)


def third_of(level: int, top_level: int) -> Third:
    """Split a ladder's levels into gentle, middle and hard thirds, the remainder going low.

    4 levels: 1-2 / 3 / 4; 5 levels: 1-2 / 3-4 / 5; 6 levels: 1-2 / 3-4 / 5-6.
    """
    index = 3 * (max(level, 1) - 1) // max(top_level, 1)
    return _THIRDS[min(index, 2)]


@dataclass(frozen=True, slots=True)
class PlacedMove:
    """A move whose ladder is known, so its third can be computed."""

    file: str
    move: Move
    third: Third


def placed_moves(parsed: ParsedContent) -> list[PlacedMove]:
    """Moves with a known ladder and their third; the first of any duplicate id wins."""
    sizes = {entry.model.id: len(entry.model.levels) for entry in parsed.ladders}
    placed: list[PlacedMove] = []
    seen: set[str] = set()
    for entry in parsed.moves:
        model = entry.model
        if model.id in seen or model.ladder not in sizes:
            continue
        seen.add(model.id)
        third = third_of(model.level, sizes[model.ladder])
        placed.append(PlacedMove(entry.file, model.to_domain(), third))
    return placed


def estimated_seconds(dose: Dose) -> int:
    """A rough duration of one dose, rests included, for the day-length budget."""
    work = dose.hold_seconds if dose.hold_seconds is not None else (dose.reps or 0) * REP_SECONDS
    sides = 2 if dose.per_side else 1
    return work * dose.sets * sides + REST_SECONDS * (dose.sets - 1)


def find_problems(parsed: ParsedContent) -> list[Problem]:
    """Every cross-file problem in the parsed content."""
    checker = _Checker(parsed)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, parsed: ParsedContent) -> None:
        self.parsed = parsed
        self.problems: list[Problem] = []
        self.moves: dict[str, Entry[MoveModel]] = {}
        self.ladders: dict[str, Entry[LadderModel]] = {}
        self.defined_areas: set[str] = set()

    def add(self, file: str, item: str | None, message: str) -> None:
        self.problems.append(Problem(file, item, message))

    def run(self) -> None:
        self._index()
        self._areas()
        self._sources()
        for entry in self.moves.values():
            self._move(entry)
        self._ladders()
        if self.parsed.complete:
            # Whole-library rules run only on fully parsed content; otherwise they would
            # mostly repeat, as missing coverage, the moves the schema already rejected.
            self._library_wide()

    # Identity

    def _index(self) -> None:
        for kind, declared in self.parsed.declared.items():
            first: dict[str, str] = {}
            for file, item_id in declared:
                if item_id in first:
                    self.add(
                        file, item_id, f"duplicate {kind} id (first defined in {first[item_id]})"
                    )
                else:
                    first[item_id] = file
        self.moves = _first_of(self.parsed.moves)
        self.ladders = _first_of(self.parsed.ladders)
        self.defined_areas = {entry.model.id.value for entry in self.parsed.areas}
        # The daily message names moves, so two moves with one name would be ambiguous.
        named: dict[str, str] = {}
        for entry in self.moves.values():
            other = named.setdefault(entry.model.name.casefold(), entry.model.id)
            if other != entry.model.id:
                self.add(entry.file, entry.model.id, f"name is already used by '{other}'")

    # Areas and sources

    def _areas(self) -> None:
        for area in Area:
            if area.value not in self.defined_areas:
                self.add(AREAS_FILE, area.value, "area is not described in areas.yaml")
        for entry in self.parsed.areas:
            model, here = entry.model, entry.model.id.value
            ceiling = EVIDENCE_CEILING[model.id]
            if _EVIDENCE_RANK[model.evidence] > _EVIDENCE_RANK[ceiling]:
                self.add(
                    entry.file,
                    here,
                    f"claims '{model.evidence}' evidence but the research supports at most "
                    f"'{ceiling}'",
                )
            for label, text in (
                ("title", model.title),
                ("why", model.why),
                ("evidence_note", model.evidence_note),
            ):
                self._text(entry.file, here, label, text, AREA_TEXT_LIMIT)

    def _sources(self) -> None:
        defined = set(self.parsed.sources)
        for entry in self.moves.values():
            if entry.model.source not in defined:
                self.add(
                    entry.file,
                    entry.model.id,
                    f"unknown source '{entry.model.source}' (not in {SOURCES_FILE})",
                )
        documented = self.parsed.documented_sources
        if documented is None:
            return
        for key in sorted(defined - documented):
            self.add(SOURCES_DOC, key, f"defined in {SOURCES_FILE} but not described here")
        for key in sorted(documented - defined):
            self.add(SOURCES_DOC, key, f"described here but missing from {SOURCES_FILE}")

    # One move

    def _move(self, entry: Entry[MoveModel]) -> None:
        file, model = entry.file, entry.model
        here = model.id

        for label, values, known in (
            ("area", model.areas, _AREA_VALUES & self.defined_areas),
            ("equipment", model.equipment, _EQUIPMENT_VALUES),
        ):
            if not values:
                self.add(file, here, f"lists no {label}")
            for value in sorted(set(values) - known):
                self.add(
                    file, here, f"unknown {label} '{value}' (known: {', '.join(sorted(known))})"
                )
            for value, count in Counter(values).items():
                if count > 1:
                    self.add(file, here, f"lists {label} '{value}' more than once")
        if Equipment.NONE.value in model.equipment and len(set(model.equipment)) > 1:
            self.add(file, here, "equipment 'none' cannot be combined with other equipment")
        for value, count in Counter(model.contraindications).items():
            if count > 1:
                self.add(file, here, f"lists contraindication '{value}' more than once")

        self._doses(file, model)

        if len(model.cues) not in CUES:
            self.add(file, here, f"has {_plural(len(model.cues), 'cue')}; a move needs 2-4")
        if len(set(model.cues)) != len(model.cues):
            self.add(file, here, "repeats a cue")
        for label, text in (
            ("name", model.name),
            *(("cue", cue) for cue in model.cues),
            ("mistake", model.mistake),
            ("fix", model.fix),
            ("safety_note", model.safety_note),
        ):
            self._text(file, here, label, text, TEXT_LIMITS[label])

        self._rendered_length(file, model)
        self._safety(file, model)

    def _doses(self, file: str, model: MoveModel) -> None:
        here = model.id
        if not model.doses:
            self.add(file, here, "has no dose steps")
            return
        holds = STRETCH_HOLD_SECONDS if model.kind is Kind.STRETCH else HOLD_SECONDS
        for number, step in enumerate(model.doses, start=1):
            at = f"dose step {number}"
            if (step.hold_seconds is None) == (step.reps is None):
                self.add(file, here, f"{at}: needs exactly one of hold_seconds or reps")
            if step.hold_seconds is not None and step.hold_seconds not in holds:
                self.add(
                    file,
                    here,
                    f"{at}: hold {step.hold_seconds} s is outside {_span(holds)} s "
                    f"for a {model.kind}",
                )
            if step.reps is not None and step.reps not in REPS:
                self.add(file, here, f"{at}: {step.reps} reps is outside {_span(REPS)}")
            if step.sets not in SETS:
                self.add(file, here, f"{at}: {step.sets} sets is outside {_span(SETS)}")

        for number, (before, after) in enumerate(pairwise(model.doses), start=2):
            at = f"dose step {number}"
            if (before.hold_seconds is None) != (after.hold_seconds is None):
                self.add(file, here, f"{at}: switches between holds and reps within a level")
            elif after == before:
                self.add(file, here, f"{at}: repeats the previous step")
            elif _volume(after.hold_seconds, after.reps, after.sets) < _volume(
                before.hold_seconds, before.reps, before.sets
            ):
                self.add(file, here, f"{at}: is easier than the step before it")

        move = model.to_domain()
        longest = max(move.doses, key=estimated_seconds)
        if estimated_seconds(longest) > MOVE_SECONDS_LIMIT:
            self.add(
                file,
                here,
                f"top dose takes about {estimated_seconds(longest)} s; keep each move under "
                f"{MOVE_SECONDS_LIMIT} s so a day stays under five minutes",
            )

    def _text(self, file: str, item: str, label: str, text: str, limit: int) -> None:
        if len(text) > limit:
            self.add(file, item, f"{label} is {len(text)} characters; keep it under {limit}")
        if match := _OVERCLAIM.search(text):
            self.add(file, item, f"{label} promises too much ('{match.group(0)}')")

    def _rendered_length(self, file: str, model: MoveModel) -> None:
        move = model.to_domain()
        valid = [d for d in move.doses if (d.hold_seconds is None) != (d.reps is None)]
        if not valid:
            return
        html = max((render_move(move, dose) for dose in valid), key=telegram_length)
        raw, shown = telegram_length(html), telegram_length(visible_text(html))
        # The raw HTML is the stricter count; it is what the per-move budget is measured in.
        if raw > MOVE_BLOCK_LIMIT:
            self.add(
                file,
                model.id,
                f"rendered message is {raw} characters of HTML ({shown} visible); one move "
                f"may use at most {MOVE_BLOCK_LIMIT} so a day fits Telegram's "
                f"{TELEGRAM_TEXT_LIMIT} with room to spare",
            )

    def _safety(self, file: str, model: MoveModel) -> None:
        here = model.id
        tags = set(model.contraindications)
        if model.kind is Kind.STRETCH and model.high_intensity:
            self.add(file, here, "a stretch cannot be high-intensity loading")
        if model.high_intensity and (missing := _HIGH_INTENSITY_EXCLUDES - tags):
            self.add(
                file, here, f"high-intensity move must also list {_names(missing)} (the screen)"
            )
        if model.position is Position.KNEELING and Contraindication.STIFF_KNEE not in tags:
            self.add(file, here, "kneeling needs a bending knee: list stiff_knee")
        if model.ladder == BUTTERFLY_LADDER and Contraindication.STIFF_KNEE not in tags:
            self.add(file, here, "no butterfly with a stiff knee: list stiff_knee")
        if Contraindication.RECENT_GROIN_STRAIN not in tags and not self._gentle_squeeze(model):
            self.add(
                file,
                here,
                "must list recent_groin_strain: after a recent groin strain only the gentle, "
                "low-intensity squeezes are allowed",
            )

    def _gentle_squeeze(self, model: MoveModel) -> bool:
        ladder = self.ladders.get(SQUEEZE_LADDER)
        if model.ladder != SQUEEZE_LADDER or ladder is None or model.high_intensity:
            return False
        return third_of(model.level, len(ladder.model.levels)) is Third.GENTLE

    # Ladders

    def _ladders(self) -> None:
        members: dict[str, list[Entry[MoveModel]]] = defaultdict(list)
        for entry in self.moves.values():
            if entry.model.ladder in self.ladders:
                members[entry.model.ladder].append(entry)
            else:
                self.add(entry.file, entry.model.id, f"unknown ladder '{entry.model.ladder}'")

        for ladder_entry in self.ladders.values():
            ladder = ladder_entry.model
            for entry in members[ladder.id]:
                if entry.model.kind is not ladder.kind:
                    self.add(
                        entry.file,
                        entry.model.id,
                        f"kind '{entry.model.kind}' differs from its ladder '{ladder.id}' "
                        f"({ladder.kind})",
                    )
            if len(ladder.levels) < MIN_LEVELS:
                self.add(
                    LADDERS_FILE,
                    ladder.id,
                    f"has {len(ladder.levels)} levels; a ladder needs at least {MIN_LEVELS}",
                )
            if ladder.max_levels_per_week is not None and ladder.max_levels_per_week < 1:
                self.add(LADDERS_FILE, ladder.id, "max_levels_per_week must be at least 1")
            if ladder.id not in self.parsed.incomplete_ladders:
                self._levels(ladder, members[ladder.id])

    def _levels(self, ladder: LadderModel, members: list[Entry[MoveModel]]) -> None:
        if not members:
            self.add(LADDERS_FILE, ladder.id, "has no moves")
            return
        by_level: dict[int, list[str]] = defaultdict(list)
        for entry in members:
            by_level[entry.model.level].append(entry.model.id)
        top = max(max(by_level), len(ladder.levels))
        missing = [level for level in range(1, top + 1) if level not in by_level]
        if missing or min(by_level) < 1:
            self.add(
                LADDERS_FILE,
                ladder.id,
                f"levels must run 1..N without gaps; its moves have levels "
                f"{_numbers(sorted(by_level))}, missing {_numbers(missing) or 'none'}",
            )
        for level, ids in sorted(by_level.items()):
            if len(ids) > 1:
                self.add(LADDERS_FILE, ladder.id, f"level {level} is taken by {', '.join(ids)}")

        for id_, count in Counter(ladder.levels).items():
            if count > 1:
                self.add(LADDERS_FILE, ladder.id, f"lists '{id_}' more than once")
        for level, move_id in enumerate(ladder.levels, start=1):
            listed = self.moves.get(move_id)
            if listed is None:
                self.add(LADDERS_FILE, ladder.id, f"level {level} names unknown move '{move_id}'")
            elif listed.model.ladder != ladder.id:
                self.add(
                    LADDERS_FILE,
                    ladder.id,
                    f"level {level} names '{move_id}', which belongs to ladder "
                    f"'{listed.model.ladder}'",
                )
            elif listed.model.level != level:
                self.add(
                    listed.file,
                    move_id,
                    f"says level {listed.model.level}, but {LADDERS_FILE} lists it at level "
                    f"{level} of '{ladder.id}'",
                )
        for entry in members:
            if entry.model.id not in ladder.levels:
                self.add(
                    entry.file,
                    entry.model.id,
                    f"belongs to ladder '{ladder.id}' but {LADDERS_FILE} does not list it",
                )

    # The library as a whole

    def _library_wide(self) -> None:
        placed = placed_moves(self.parsed)
        self._counts(placed)
        self._copenhagen()
        self._coverage(placed)
        self._no_floor(placed)
        self._screen(placed)
        self._standby(placed)

    def _counts(self, placed: list[PlacedMove]) -> None:
        for kind in Kind:
            moves = sum(1 for p in placed if p.move.kind is kind)
            ladders = sum(1 for e in self.ladders.values() if e.model.kind is kind)
            if moves < MIN_MOVES[kind]:
                self.add(
                    LIBRARY_WIDE,
                    kind.value,
                    f"has {moves} {kind} moves; the library needs at least {MIN_MOVES[kind]}",
                )
            if ladders < MIN_LADDERS[kind]:
                self.add(
                    LIBRARY_WIDE,
                    kind.value,
                    f"has {ladders} {kind} ladders; the library needs at least {MIN_LADDERS[kind]}",
                )

    def _copenhagen(self) -> None:
        entry = self.ladders.get(COPENHAGEN_LADDER)
        if entry is None:
            self.add(LADDERS_FILE, COPENHAGEN_LADDER, "the Copenhagen ladder is missing")
            return
        ladder = entry.model
        if ladder.kind is not Kind.STRENGTH:
            self.add(LADDERS_FILE, ladder.id, "the Copenhagen ladder must be strength")
        if len(ladder.levels) != COPENHAGEN_LEVELS:
            self.add(
                LADDERS_FILE,
                ladder.id,
                f"has {len(ladder.levels)} levels; the published progression has "
                f"{COPENHAGEN_LEVELS}",
            )
        if ladder.max_levels_per_week != 1:
            self.add(LADDERS_FILE, ladder.id, "must climb at most one level a week")
        for move_id in ladder.levels:
            move = self.moves.get(move_id)
            if move is not None and not move.model.high_intensity:
                self.add(move.file, move_id, "Copenhagen levels are high-intensity")

    def _coverage(self, placed: list[PlacedMove]) -> None:
        for area in Area:
            for kind in Kind:
                for third in Third:
                    if not any(
                        p.move.kind is kind and p.third is third and area in p.move.areas
                        for p in placed
                    ):
                        self.add(
                            AREAS_FILE,
                            area.value,
                            f"no {kind} move serves it in the {third} third of any ladder",
                        )

    def _no_floor(self, placed: list[PlacedMove]) -> None:
        for kind in Kind:
            usable = [p for p in placed if p.move.kind is kind and _no_floor_ok(p.move)]
            if len(usable) < MIN_NO_FLOOR_MOVES:
                self.add(
                    LIBRARY_WIDE,
                    kind.value,
                    f"only {len(usable)} {kind} moves need no floor; at least "
                    f"{MIN_NO_FLOOR_MOVES} are needed",
                )
            for third in Third:
                if not any(p.third is third for p in usable):
                    self.add(
                        LIBRARY_WIDE,
                        kind.value,
                        f"no {kind} move in the {third} third works without the floor",
                    )

    def _standby(self, placed: list[PlacedMove]) -> None:
        # The planner falls back on a move anyone can do anywhere; for strength the library
        # can honestly offer one (a gentle standing squeeze). No stretch can be: every inner-
        # thigh stretch spreads the legs, which the screen rules out for some people.
        if not any(
            p.move.kind is Kind.STRENGTH
            and p.move.equipment <= {Equipment.NONE}
            and not p.move.contraindications
            and not p.move.needs_floor
            for p in placed
        ):
            self.add(
                LIBRARY_WIDE,
                Kind.STRENGTH.value,
                "no strength move is fit for everyone (no equipment, no floor, no "
                "contraindications); the planner needs one to fall back on",
            )

    def _screen(self, placed: list[PlacedMove]) -> None:
        # Every screen answer must leave a strength move; "no floor" must leave a whole day.
        # Stretches can legitimately run out (wide legs are the stretch), so the planner has
        # to cope with that, but strength work is the core of the programme.
        for answer in Contraindication:
            kinds = (
                [Kind.STRENGTH, Kind.STRETCH]
                if answer is Contraindication.NO_FLOOR
                else [Kind.STRENGTH]
            )
            for kind in kinds:
                if not any(
                    p.move.kind is kind and answer not in p.move.contraindications for p in placed
                ):
                    self.add(
                        LIBRARY_WIDE,
                        answer.value,
                        f"no {kind} move is left for people who give this screen answer",
                    )


def _first_of(entries: list[Entry[M]]) -> dict[str, Entry[M]]:
    index: dict[str, Entry[M]] = {}
    for entry in entries:
        index.setdefault(entry.model.id, entry)
    return index


def _no_floor_ok(move: Move) -> bool:
    return not move.needs_floor and Contraindication.NO_FLOOR not in move.contraindications


def _volume(hold_seconds: int | None, reps: int | None, sets: int) -> int:
    return (hold_seconds or reps or 0) * sets


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _span(values: range) -> str:
    return f"{values.start}-{values.stop - 1}"


def _numbers(values: Iterable[int]) -> str:
    return ", ".join(str(v) for v in values)


def _names(values: Iterable[Contraindication]) -> str:
    return ", ".join(sorted(v.value for v in values))
