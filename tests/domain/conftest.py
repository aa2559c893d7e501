"""A small but realistic exercise library built in code, for the domain tests.

Shaped after shared/EVIDENCE.md's suggested ladders: three stretch and four strength ladders
of 4-6 levels, a Copenhagen ladder capped at one level a week with high-intensity moves, floor
and no-floor moves, contraindications and equipment. Every profile has at least one allowed
move of each kind (the standing, no-equipment level 1 of "side-lunge" and "standing"), as
the planner requires of any library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import strategies as st

from bot.domain.library import (
    Area,
    AreaInfo,
    Contraindication,
    Dose,
    Equipment,
    Evidence,
    Kind,
    Ladder,
    Library,
    Move,
    Position,
)
from bot.domain.state import CoachState, LadderPosition, PastDay, Profile

C = Contraindication
E = Equipment
A = Area
P = Position

HOLDS = (
    Dose(sets=2, hold_seconds=20),
    Dose(sets=2, hold_seconds=30),
    Dose(sets=3, hold_seconds=30),
)
SHORT_HOLDS = (Dose(sets=2, hold_seconds=20), Dose(sets=2, hold_seconds=30))
REPS = (Dose(sets=2, reps=8), Dose(sets=2, reps=12))
REPS_PER_SIDE = (Dose(sets=2, reps=6, per_side=True), Dose(sets=2, reps=10, per_side=True))
COPENHAGEN_HOLDS = (
    Dose(sets=2, hold_seconds=5, per_side=True),
    Dose(sets=2, hold_seconds=8, per_side=True),
    Dose(sets=3, hold_seconds=10, per_side=True),
)
COPENHAGEN_REPS = (
    Dose(sets=1, reps=6, per_side=True),
    Dose(sets=1, reps=8, per_side=True),
    Dose(sets=1, reps=10, per_side=True),
)

WIDE = frozenset({C.HIP_REPLACEMENT_ANTERIOR, C.PREGNANCY})


def _move(
    ladder: str,
    level: int,
    name: str,
    kind: Kind,
    *,
    doses: tuple[Dose, ...],
    areas: frozenset[Area],
    position: Position,
    equipment: frozenset[Equipment] = frozenset({E.NONE}),
    high_intensity: bool = False,
    contraindications: frozenset[Contraindication] = frozenset(),
) -> Move:
    return Move(
        id=f"{ladder}-{level}",
        name=name,
        kind=kind,
        ladder=ladder,
        level=level,
        doses=doses,
        cues=("Breathe out as you press.", "Stop at tension, not pain."),
        mistake="Bouncing at the end of the range.",
        fix="Hold still and breathe.",
        areas=areas,
        equipment=equipment,
        position=position,
        high_intensity=high_intensity,
        contraindications=contraindications,
        source="test",
    )


def _ladder(
    ladder_id: str, kind: Kind, specs: list[dict[str, object]], *, cap: int | None = None
) -> Ladder:
    moves = tuple(
        _move(ladder_id, i + 1, kind=kind, **spec)  # type: ignore[arg-type]
        for i, spec in enumerate(specs)
    )
    return Ladder(
        id=ladder_id, name=ladder_id.title(), kind=kind, moves=moves, max_levels_per_week=cap
    )


def make_library() -> Library:
    """The test library: deterministic, built fresh on every call."""
    stretch, strength = Kind.STRETCH, Kind.STRENGTH
    hips_knees = frozenset({A.HIPS, A.KNEES})
    butterfly = _ladder(
        "butterfly",
        stretch,
        [
            {
                "name": "Reclined supported butterfly",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "equipment": frozenset({E.PILLOW}),
                "contraindications": frozenset({C.STIFF_KNEE, C.HIP_REPLACEMENT_ANTERIOR}),
            },
            {
                "name": "Wall-supported butterfly",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "equipment": frozenset({E.WALL}),
                "contraindications": frozenset({C.STIFF_KNEE, C.HIP_REPLACEMENT_ANTERIOR}),
            },
            {
                "name": "Seated tall butterfly",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "contraindications": frozenset({C.STIFF_KNEE, C.HIP_REPLACEMENT_ANTERIOR}),
            },
            {
                "name": "Butterfly forward hinge",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "contraindications": frozenset(
                    {C.STIFF_KNEE, C.HIP_REPLACEMENT_ANTERIOR, C.HIP_REPLACEMENT_POSTERIOR}
                ),
            },
        ],
    )
    balance_ankles_hips = frozenset({A.BALANCE, A.ANKLES, A.HIPS})
    side_lunge = _ladder(
        "side-lunge",
        stretch,
        [
            {
                "name": "Standing adductor lean",
                "doses": SHORT_HOLDS,
                "areas": frozenset({A.BALANCE, A.ANKLES}),
                "position": P.STANDING,
            },
            {
                "name": "Chair-supported side lunge",
                "doses": HOLDS,
                "areas": balance_ankles_hips,
                "position": P.STANDING,
                "equipment": frozenset({E.CHAIR}),
                "contraindications": WIDE,
            },
            {
                "name": "Adductor rock-back",
                "doses": HOLDS,
                "areas": frozenset({A.HIPS}),
                "position": P.KNEELING,
                "contraindications": frozenset({C.HIP_REPLACEMENT_POSTERIOR, C.STIFF_KNEE}),
            },
            {
                "name": "Standing side lunge",
                "doses": HOLDS,
                "areas": balance_ankles_hips,
                "position": P.STANDING,
                "contraindications": WIDE,
            },
            {
                "name": "Deep lateral hold",
                "doses": HOLDS,
                "areas": balance_ankles_hips,
                "position": P.STANDING,
                "contraindications": WIDE | {C.RECENT_GROIN_STRAIN},
            },
        ],
    )
    straddle = _ladder(
        "straddle",
        stretch,
        [
            {
                "name": "Reclined frog at the wall",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "equipment": frozenset({E.WALL}),
                "contraindications": WIDE,
            },
            {
                "name": "Seated straddle on a chair",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.SEATED,
                "equipment": frozenset({E.CHAIR}),
                "contraindications": WIDE,
            },
            {
                "name": "Straddle hinge",
                "doses": HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "contraindications": WIDE | {C.HIP_REPLACEMENT_POSTERIOR},
            },
            {
                "name": "Quadruped frog",
                "doses": HOLDS,
                "areas": frozenset({A.HIPS}),
                "position": P.KNEELING,
                "contraindications": WIDE | {C.STIFF_KNEE},
            },
        ],
    )
    squeeze = _ladder(
        "squeeze",
        strength,
        [
            {
                "name": "Lying pillow squeeze",
                "doses": SHORT_HOLDS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "equipment": frozenset({E.PILLOW}),
            },
            {
                "name": "Seated ball squeeze",
                "doses": SHORT_HOLDS,
                "areas": hips_knees,
                "position": P.SEATED,
                "equipment": frozenset({E.PILLOW, E.CHAIR}),
            },
            {
                "name": "Ball squeeze between the feet",
                "doses": SHORT_HOLDS,
                "areas": frozenset({A.HIPS}),
                "position": P.FLOOR,
                "equipment": frozenset({E.PILLOW}),
                "contraindications": frozenset({C.STIFF_KNEE}),
            },
            {
                "name": "Bridge with squeeze",
                "doses": REPS,
                "areas": hips_knees,
                "position": P.FLOOR,
                "equipment": frozenset({E.PILLOW}),
            },
        ],
    )
    copenhagen_contra = frozenset(
        {C.HIP_REPLACEMENT_ANTERIOR, C.HIP_REPLACEMENT_POSTERIOR, C.PREGNANCY}
    ) | {C.RECENT_GROIN_STRAIN}
    long_lever = copenhagen_contra | {C.STIFF_KNEE}
    copenhagen_names = (
        "Short-lever Copenhagen, bottom knee down",
        "Short-lever Copenhagen, bottom leg lifted",
        "Long-lever Copenhagen, bottom foot down",
        "Long-lever Copenhagen, bottom leg lifted",
        "Long-lever Copenhagen at hip height",
        "Full Copenhagen adduction",
    )
    copenhagen = _ladder(
        "copenhagen",
        strength,
        [
            {
                "name": name,
                "doses": COPENHAGEN_REPS if level == 6 else COPENHAGEN_HOLDS,
                "areas": frozenset({A.HIPS, A.BALANCE}),
                "position": P.FLOOR,
                "equipment": frozenset({E.BENCH}),
                "high_intensity": True,
                "contraindications": copenhagen_contra if level <= 2 else long_lever,
            }
            for level, name in enumerate(copenhagen_names, start=1)
        ],
        cap=1,
    )
    balance_knees = frozenset({A.BALANCE, A.KNEES})
    standing = _ladder(
        "standing",
        strength,
        [
            {
                "name": "Standing heel squeeze",
                "doses": SHORT_HOLDS,
                "areas": balance_knees,
                "position": P.STANDING,
            },
            {
                "name": "Sit-to-stand with pillow squeeze",
                "doses": REPS,
                "areas": balance_knees,
                "position": P.STANDING,
                "equipment": frozenset({E.CHAIR, E.PILLOW}),
                "contraindications": frozenset({C.HIP_REPLACEMENT_POSTERIOR}),
            },
            {
                "name": "Box sumo squat",
                "doses": REPS,
                "areas": frozenset({A.KNEES, A.ANKLES}),
                "position": P.STANDING,
                "equipment": frozenset({E.CHAIR}),
                "contraindications": WIDE,
            },
            {
                "name": "Lateral lunge",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.BALANCE, A.ANKLES, A.KNEES}),
                "position": P.STANDING,
                "contraindications": WIDE | {C.RECENT_GROIN_STRAIN},
            },
            {
                "name": "Cossack squat",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.BALANCE, A.ANKLES}),
                "position": P.STANDING,
                "contraindications": WIDE
                | {C.RECENT_GROIN_STRAIN, C.HIP_REPLACEMENT_POSTERIOR, C.STIFF_KNEE},
            },
        ],
    )
    open_chain = _ladder(
        "open-chain",
        strength,
        [
            {
                "name": "Side-lying bottom-leg lift",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.HIPS}),
                "position": P.FLOOR,
                "contraindications": frozenset({C.HIP_REPLACEMENT_POSTERIOR}),
            },
            {
                "name": "Side-lying slow lowering",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.HIPS}),
                "position": P.FLOOR,
                "contraindications": frozenset({C.HIP_REPLACEMENT_POSTERIOR}),
            },
            {
                "name": "Side-lying lift against a band",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.HIPS}),
                "position": P.FLOOR,
                "equipment": frozenset({E.BAND}),
                "contraindications": frozenset({C.HIP_REPLACEMENT_POSTERIOR}),
            },
            {
                "name": "Standing band adduction on one leg",
                "doses": REPS_PER_SIDE,
                "areas": frozenset({A.HIPS, A.BALANCE}),
                "position": P.STANDING,
                "equipment": frozenset({E.BAND}),
                "high_intensity": True,
                "contraindications": frozenset({C.RECENT_GROIN_STRAIN}),
            },
        ],
    )
    ladders = (butterfly, side_lunge, straddle, squeeze, copenhagen, standing, open_chain)
    areas = {
        area: AreaInfo(
            area=area,
            title=area.value.title(),
            why="Test text.",
            evidence=Evidence.INDIRECT,
            evidence_note="Test note.",
        )
        for area in Area
    }
    return Library(
        areas=areas,
        ladders={ladder.id: ladder for ladder in ladders},
        sources={"test": "A test source."},
    )


@pytest.fixture(scope="session")
def library() -> Library:
    # Session scope: hypothesis tests may use it (function-scoped fixtures are not reset
    # between examples, which hypothesis rightly rejects).
    return make_library()


def _real_loader() -> Callable[[], Library] | None:
    try:
        module = importlib.import_module("bot.library")
    except ImportError:
        return None
    loader = getattr(module, "load_library", None)
    return loader if callable(loader) else None


@pytest.fixture(scope="session")
def real_library() -> Library:
    """The library from content/, once `bot.library.load_library` exists (skipped before)."""
    loader = _real_loader()
    if loader is None:
        pytest.skip("bot.library.load_library is not there yet (content/ still being written)")
    return loader()


@pytest.fixture(scope="session", params=["test", "real"])
def any_library(request: pytest.FixtureRequest) -> Library:
    """Both libraries: the tests' own and, when it exists, the real one from content/."""
    if request.param == "test":
        return make_library()
    loader = _real_loader()
    if loader is None:
        pytest.skip("bot.library.load_library is not there yet (content/ still being written)")
    return loader()


# --- Hypothesis strategies -----------------------------------------------------------------

TODAY = date(2026, 6, 15)


def profiles(*, paused: bool | None = None) -> st.SearchStrategy[Profile]:
    """Any profile: focus, equipment (no equipment always included), screen answers."""
    return st.builds(
        Profile,
        focus=st.none() | st.sampled_from(list(Area)),
        equipment=st.frozensets(st.sampled_from(list(Equipment))).map(lambda e: e | {E.NONE}),
        contraindications=st.frozensets(st.sampled_from(list(Contraindication))),
        strength_paused=st.booleans() if paused is None else st.just(paused),
    )


def positions(library: Library) -> st.SearchStrategy[dict[str, LadderPosition]]:
    """Positions on some of the library's ladders, each within its ladder's bounds."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, LadderPosition]:
        result = {}
        for ladder in library.ladders.values():
            if not draw(st.booleans()):
                continue
            level = draw(st.integers(1, ladder.top_level))
            result[ladder.id] = LadderPosition(
                ladder=ladder.id,
                level=level,
                dose_step=draw(st.integers(0, len(ladder.move_at(level).doses) - 1)),
                clean_streak=draw(st.integers(0, 2)),
                level_changed_on=draw(st.none() | st.dates(TODAY - timedelta(days=30), TODAY)),
            )
        return result

    return build()


def histories(library: Library, today: date = TODAY) -> st.SearchStrategy[tuple[PastDay, ...]]:
    """Recent planned days with real move ids, oldest first, at most one a day."""
    stretch_ids = sorted(m.id for m in library.moves.values() if m.kind is Kind.STRETCH)
    strength = sorted(
        (m for m in library.moves.values() if m.kind is Kind.STRENGTH), key=lambda m: m.id
    )

    @st.composite
    def build(draw: st.DrawFn) -> tuple[PastDay, ...]:
        offsets = draw(st.sets(st.integers(1, 14), max_size=14))
        days = []
        for offset in sorted(offsets, reverse=True):
            move = draw(st.none() | st.sampled_from(strength))
            days.append(
                PastDay(
                    local_date=today - timedelta(days=offset),
                    stretch_id=draw(st.sampled_from(stretch_ids)),
                    strength_id=move.id if move else None,
                    high_intensity=bool(move and move.high_intensity),
                )
            )
        return tuple(days)

    return build()


def coach_states(
    library: Library, *, paused: bool | None = None, today: date = TODAY
) -> st.SearchStrategy[CoachState]:
    """Any state a person could be in with this library on `today`."""
    return st.builds(
        CoachState,
        profile=profiles(paused=paused),
        positions=positions(library),
        history=histories(library, today),
    )


@pytest.fixture(scope="session")
def states() -> Callable[..., st.SearchStrategy[CoachState]]:
    """`coach_states` for tests: draw with `data.draw(states(library))`."""
    return coach_states
