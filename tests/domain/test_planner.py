"""The day's plan: choice of moves, doses, safety, variety, weekly rhythm, determinism."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.library import Area, Contraindication, Equipment, Kind, Library
from bot.domain.planner import (
    MAX_HARD_DAYS_PER_WEEK,
    NoAllowedMoveError,
    StrengthPausedError,
    easier_option,
    is_gentle_day,
    plan_day,
    plan_extra,
    prescription_on,
    rng_for,
)
from bot.domain.progression import apply_feedback
from bot.domain.safety import allowed
from bot.domain.state import (
    CoachState,
    LadderPosition,
    Outcome,
    PastDay,
    Plan,
    Prescription,
    Profile,
)

DAY = date(2026, 6, 15)
ALL = frozenset(Equipment)
NO_FLOOR = frozenset({Contraindication.NO_FLOOR})
SEEDS = range(300)


def _state(
    *,
    equipment: frozenset[Equipment] = ALL,
    contraindications: frozenset[Contraindication] = frozenset(),
    focus: Area | None = None,
    positions: dict[str, tuple[int, int]] | None = None,
    history: tuple[PastDay, ...] = (),
    paused: bool = False,
) -> CoachState:
    return CoachState(
        profile=Profile(
            focus=focus,
            equipment=equipment | {Equipment.NONE},
            contraindications=contraindications,
            strength_paused=paused,
        ),
        positions={
            ladder: LadderPosition(ladder=ladder, level=level, dose_step=step)
            for ladder, (level, step) in (positions or {}).items()
        },
        history=history,
    )


def _past(days_ago: int, stretch: str, strength: str | None, library: Library) -> PastDay:
    return PastDay(
        local_date=DAY - timedelta(days=days_ago),
        stretch_id=stretch,
        strength_id=strength,
        high_intensity=bool(strength and library.move(strength).high_intensity),
    )


def _small_library(library: Library, *ladder_ids: str) -> Library:
    return Library(areas=library.areas, ladders={i: library.ladders[i] for i in ladder_ids})


def test_plan_is_one_stretch_and_one_strength_at_their_first_dose(library: Library) -> None:
    plan = plan_day(library, _state(), DAY, rng_for(1, DAY))
    assert plan.local_date == DAY
    assert plan.stretch is not None
    assert plan.stretch.move.kind is Kind.STRETCH
    assert plan.strength is not None
    assert plan.strength.move.kind is Kind.STRENGTH
    for prescription in (plan.stretch, plan.strength):
        assert prescription.move.level == 1
        assert prescription.dose == prescription.move.doses[0]


def test_moves_and_doses_come_from_the_ladder_positions(library: Library) -> None:
    positions = {"butterfly": (3, 2), "side-lunge": (2, 1), "straddle": (4, 0)}
    positions |= {"squeeze": (2, 1), "copenhagen": (5, 2), "standing": (3, 1)}
    positions |= {"open-chain": (2, 0)}
    state = _state(positions=positions)
    for seed in range(40):
        plan = plan_day(library, state, DAY, rng_for(seed, DAY))
        for prescription in (plan.stretch, plan.strength):
            assert prescription is not None
            level, step = positions[prescription.move.ladder]
            assert prescription.move.level == level
            assert prescription.dose == prescription.move.doses[step]


def test_without_equipment_only_no_equipment_moves(library: Library) -> None:
    state = _state(equipment=frozenset())
    for seed in SEEDS:
        plan = plan_day(library, state, DAY, rng_for(seed, DAY))
        for prescription in (plan.stretch, plan.strength):
            assert prescription is not None
            assert prescription.move.equipment == {Equipment.NONE}


def test_fallback_to_highest_allowed_level_below_at_its_top_dose(library: Library) -> None:
    # side-lunge-3 is kneeling: ruled out by the floor answer.
    ladder = library.ladders["side-lunge"]
    with_chair = _state(contraindications=NO_FLOOR, positions={"side-lunge": (3, 1)})
    assert prescription_on(with_chair, ladder) == Prescription(
        library.move("side-lunge-2"), library.move("side-lunge-2").doses[-1]
    )
    no_chair = replace(with_chair, profile=replace(with_chair.profile, equipment=frozenset()))
    assert prescription_on(no_chair, ladder) == Prescription(
        library.move("side-lunge-1"), library.move("side-lunge-1").doses[-1]
    )


def test_gentlest_allowed_above_when_nothing_at_or_below(library: Library) -> None:
    # straddle-1 is on the floor; straddle-2 is on a chair: their way into the ladder.
    state = _state(contraindications=NO_FLOOR)
    move = library.move("straddle-2")
    assert prescription_on(state, library.ladders["straddle"]) == Prescription(move, move.doses[0])
    assert prescription_on(state, library.ladders["butterfly"]) is None


def test_an_empty_day_is_a_clear_domain_error(library: Library) -> None:
    # Without the floor and without equipment neither ladder has a move left.
    floor_only = _small_library(library, "butterfly", "squeeze")
    state = _state(equipment=frozenset(), contraindications=NO_FLOOR)
    with pytest.raises(NoAllowedMoveError, match="standing, no-equipment") as raised:
        plan_day(floor_only, state, DAY, rng_for(1, DAY))
    assert raised.value.kind is Kind.STRENGTH
    # With a chair and a pillow the seated squeeze is left: a day without a stretch.
    plan = plan_day(floor_only, _state(contraindications=NO_FLOOR), DAY, rng_for(1, DAY))
    assert plan.stretch is None
    assert plan.strength is not None
    assert plan.strength.move.id == "squeeze-2"


def test_an_empty_day_is_an_error_on_a_gentle_day_too(library: Library) -> None:
    # butterfly: none with a stiff knee; copenhagen: high intensity only. The day after a hard
    # day that leaves nothing, and strength is not paused.
    hard_only = _small_library(library, "butterfly", "copenhagen")
    history = (_past(1, "butterfly-1", "copenhagen-1", hard_only),)
    state = _state(contraindications=frozenset({Contraindication.STIFF_KNEE}), history=history)
    with pytest.raises(NoAllowedMoveError):
        plan_day(hard_only, state, DAY, rng_for(1, DAY))


def test_no_stretch_allowed_plans_only_strength(library: Library) -> None:
    # Every butterfly move is ruled out by a stiff knee: an honest day without a stretch.
    no_stretch = _small_library(library, "butterfly", "standing", "squeeze")
    state = _state(contraindications=frozenset({Contraindication.STIFF_KNEE}))
    for seed in range(50):
        day = DAY + timedelta(days=seed)
        plan = plan_day(no_stretch, state, day, rng_for(seed, day))
        assert plan.stretch is None
        assert plan.strength is not None
        assert allowed(plan.strength.move, state.profile)
        assert plan.focus in plan.strength.move.areas
        assert plan_day(no_stretch, state, day, rng_for(seed, day)) == plan


def test_no_stretch_and_strength_paused_is_a_rest_day(library: Library) -> None:
    no_stretch = _small_library(library, "butterfly", "standing")
    state = _state(contraindications=frozenset({Contraindication.STIFF_KNEE}), paused=True)
    plan = plan_day(no_stretch, state, DAY, rng_for(1, DAY))
    assert (plan.stretch, plan.strength) == (None, None)
    assert plan.local_date == DAY
    assert isinstance(plan.focus, Area)
    focused = replace(state, profile=replace(state.profile, focus=Area.ANKLES))
    assert plan_day(no_stretch, focused, DAY, rng_for(1, DAY)).focus is Area.ANKLES


def test_no_strength_allowed_on_a_hard_day_plans_only_the_stretch(library: Library) -> None:
    # Pregnancy rules out the whole Copenhagen ladder; side-lunge-1 is still allowed.
    stretch_and_copenhagen = _small_library(library, "side-lunge", "copenhagen")
    state = _state(contraindications=frozenset({Contraindication.PREGNANCY}))
    assert not is_gentle_day(state.history, DAY)
    plan = plan_day(stretch_and_copenhagen, state, DAY, rng_for(1, DAY))
    assert plan.stretch is not None
    assert plan.stretch.move.id == "side-lunge-1"
    assert plan.strength is None


@pytest.mark.parametrize("contraindication", list(Contraindication))
def test_every_screen_answer_still_gets_a_plan(
    library: Library, contraindication: Contraindication
) -> None:
    state = _state(equipment=frozenset(), contraindications=frozenset(Contraindication))
    state = replace(
        state, profile=replace(state.profile, contraindications=frozenset({contraindication}))
    )
    plan = plan_day(library, state, DAY, rng_for(3, DAY))
    assert plan.stretch is not None
    assert allowed(plan.stretch.move, state.profile)
    assert plan.strength is not None
    assert allowed(plan.strength.move, state.profile)


def test_not_the_same_move_as_yesterday(library: Library) -> None:
    history = (_past(1, "side-lunge-1", "standing-1", library),)
    state = _state(history=history)
    for seed in SEEDS:
        plan = plan_day(library, state, DAY, rng_for(seed, DAY))
        assert plan.stretch is not None
        assert plan.stretch.move.id != "side-lunge-1"
        assert plan.strength is not None
        assert plan.strength.move.id != "standing-1"


def test_same_move_as_yesterday_when_there_is_no_alternative(library: Library) -> None:
    # No floor, no equipment: the standing lean is the only stretch left.
    history = (_past(1, "side-lunge-1", "standing-1", library),)
    state = _state(equipment=frozenset(), contraindications=NO_FLOOR, history=history)
    plan = plan_day(library, state, DAY, rng_for(1, DAY))
    assert plan.stretch is not None
    assert plan.stretch.move.id == "side-lunge-1"


def test_history_on_or_after_the_day_is_ignored(library: Library) -> None:
    state = _state(history=(_past(5, "butterfly-1", "copenhagen-1", library),))
    planned = plan_day(library, state, DAY, rng_for(7, DAY))
    assert planned.stretch is not None
    recorded = replace(
        state,
        history=(
            *state.history,
            PastDay(DAY, planned.stretch.move.id, "copenhagen-1", high_intensity=True),
            PastDay(DAY + timedelta(days=1), "straddle-1", "copenhagen-1", high_intensity=True),
        ),
    )
    assert plan_day(library, recorded, DAY, rng_for(7, DAY)) == planned


def _hard_days(state: CoachState, library: Library) -> int:
    hard = 0
    for seed in SEEDS:
        plan = plan_day(library, state, DAY, rng_for(seed, DAY))
        assert plan.strength is not None
        hard += plan.strength.move.high_intensity
    return hard


def test_high_intensity_can_be_chosen_on_a_hard_day(library: Library) -> None:
    history = (
        _past(5, "butterfly-1", "copenhagen-1", library),
        _past(3, "butterfly-1", "copenhagen-1", library),
    )
    assert _hard_days(_state(history=history), library) > 0


def test_never_two_hard_days_in_a_row(library: Library) -> None:
    history = (_past(1, "butterfly-1", "copenhagen-1", library),)
    assert _hard_days(_state(history=history), library) == 0


def test_at_most_three_hard_days_in_seven(library: Library) -> None:
    history = tuple(_past(n, "butterfly-1", "copenhagen-1", library) for n in (6, 4, 2))
    assert _hard_days(_state(history=history), library) == 0
    assert is_gentle_day(history, DAY)
    # The oldest of the three leaves the window the next day.
    assert not is_gentle_day(history, DAY + timedelta(days=1))


def test_gentle_day_falls_back_below_a_high_intensity_level(library: Library) -> None:
    # open-chain-4 (standing band adduction) is high intensity; open-chain-3 is not.
    history = (_past(1, "butterfly-1", "copenhagen-1", library),)
    state = _state(history=history, positions={"open-chain": (4, 1)})
    seen = {
        plan.strength.move.id
        for seed in SEEDS
        if (plan := plan_day(library, state, DAY, rng_for(seed, DAY))).strength
    }
    assert "open-chain-3" in seen
    assert "open-chain-4" not in seen


def test_a_remembered_hard_day_offer_is_not_given_on_a_gentle_day(library: Library) -> None:
    # The planner remembers each ladder's offer on the library; a hard day's offer at a
    # high-intensity level must not come back on a gentle day at the same position.
    fresh = _small_library(library, "butterfly", "open-chain")
    hard = plan_day(fresh, _state(positions={"open-chain": (4, 1)}), DAY, rng_for(1, DAY))
    assert hard.strength is not None
    assert hard.strength.move.id == "open-chain-4"

    yesterday = (_past(1, "butterfly-1", "open-chain-4", fresh),)
    gentle_state = _state(positions={"open-chain": (4, 1)}, history=yesterday)
    gentle = plan_day(fresh, gentle_state, DAY, rng_for(1, DAY))

    assert gentle.strength is not None
    assert gentle.strength.move.id == "open-chain-3"


def test_a_remembered_offer_is_not_given_to_a_different_screen(library: Library) -> None:
    fresh = _small_library(library, *library.ladders)
    for seed in SEEDS:
        plan_day(fresh, _state(), DAY, rng_for(seed, DAY))

    for seed in SEEDS:
        plan = plan_day(fresh, _state(contraindications=NO_FLOOR), DAY, rng_for(seed, DAY))
        moves = [p.move for p in (plan.stretch, plan.strength) if p is not None]
        assert moves
        assert not any(move.needs_floor for move in moves)


def test_gentle_day_without_a_gentle_move_rests_strength(library: Library) -> None:
    hard_only = _small_library(library, "side-lunge", "copenhagen")
    history = (_past(1, "side-lunge-1", "copenhagen-1", hard_only),)
    gentle = plan_day(hard_only, _state(history=history), DAY, rng_for(1, DAY))
    assert gentle.strength is None
    hard = plan_day(hard_only, _state(), DAY, rng_for(1, DAY))
    assert hard.strength is not None
    assert hard.strength.move.id == "copenhagen-1"


def test_paused_strength_plans_only_the_stretch(library: Library) -> None:
    plan = plan_day(library, _state(paused=True), DAY, rng_for(1, DAY))
    assert plan.strength is None
    assert plan.stretch is not None


def _stretch(library: Library, state: CoachState, seed: int) -> Prescription:
    stretch = plan_day(library, state, DAY, rng_for(seed, DAY)).stretch
    assert stretch is not None
    return stretch


def _stretch_share(library: Library, state: CoachState, area: Area) -> float:
    served = sum(area in _stretch(library, state, seed).move.areas for seed in SEEDS)
    return served / len(SEEDS)


def test_focus_weighs_about_three_to_one_but_never_only(library: Library) -> None:
    # At level 1 one stretch ladder of three serves balance: 3/5 with focus, 1/3 without.
    with_focus = _stretch_share(library, _state(focus=Area.BALANCE), Area.BALANCE)
    without = _stretch_share(library, _state(), Area.BALANCE)
    assert 0.5 < with_focus < 0.7
    assert 0.25 < without < 0.42
    ladders = Counter(_stretch(library, _state(focus=Area.BALANCE), s).move.ladder for s in SEEDS)
    assert set(ladders) == {"butterfly", "side-lunge", "straddle"}


def test_plan_focus(library: Library) -> None:
    assert plan_day(library, _state(focus=Area.KNEES), DAY, rng_for(1, DAY)).focus is Area.KNEES
    for seed in range(50):
        day = DAY + timedelta(days=seed)
        plan = plan_day(library, _state(), day, rng_for(seed, day))
        assert plan.stretch is not None
        assert plan.strength is not None
        assert plan.focus in plan.stretch.move.areas | plan.strength.move.areas


def test_rng_for_is_stable() -> None:
    assert rng_for(42, DAY).random() == rng_for(42, DAY).random()
    assert rng_for(42, DAY).random() != rng_for(43, DAY).random()
    assert rng_for("42", DAY).random() == random.Random("42:2026-06-15").random()


def test_plan_extra_serves_the_area(library: Library) -> None:
    for seed in range(50):
        extra = plan_extra(library, _state(), Area.KNEES, Kind.STRETCH, rng_for(seed, DAY))
        assert Area.KNEES in extra.move.areas
        assert extra.move.kind is Kind.STRETCH


def test_plan_extra_strength_is_gentle_and_not_todays(library: Library) -> None:
    state = _state(
        positions={"open-chain": (4, 0)},
        history=(_past(0, "butterfly-1", "squeeze-1", library),),
    )
    for seed in range(50):
        extra = plan_extra(library, state, Area.HIPS, Kind.STRENGTH, rng_for(seed, DAY))
        assert not extra.move.high_intensity
        assert extra.move.id != "squeeze-1"
        assert Area.HIPS in extra.move.areas


def test_plan_extra_strength_while_paused_raises(library: Library) -> None:
    with pytest.raises(StrengthPausedError):
        plan_extra(library, _state(paused=True), None, Kind.STRENGTH, rng_for(1, DAY))
    assert plan_extra(library, _state(paused=True), None, Kind.STRETCH, rng_for(1, DAY))


def test_easier_option_lower_dose_then_lower_level_then_another_ladder(library: Library) -> None:
    standing_3 = library.move("standing-3")
    state = _state(positions={"standing": (3, 1)})
    assert easier_option(library, state, standing_3) == Prescription(
        standing_3, standing_3.doses[0]
    )
    state = _state(positions={"standing": (3, 0)})
    standing_2 = library.move("standing-2")
    assert easier_option(library, state, standing_3) == Prescription(
        standing_2, standing_2.doses[-1]
    )
    other = easier_option(library, _state(), library.move("standing-1"))
    assert other is not None
    assert other.move.ladder != "standing"
    assert other.move.kind is Kind.STRENGTH
    assert other.move.level == 1
    assert not other.move.high_intensity


def test_easier_option_skips_levels_the_screen_rules_out(library: Library) -> None:
    # side-lunge-3 is kneeling: from side-lunge-4 the easier one is side-lunge-2.
    state = _state(contraindications=NO_FLOOR, positions={"side-lunge": (4, 0)})
    easier = easier_option(library, state, library.move("side-lunge-4"))
    assert easier is not None
    assert easier.move.id == "side-lunge-2"


def test_easier_option_none_at_the_very_bottom(library: Library) -> None:
    only = _small_library(library, "side-lunge", "standing")
    assert easier_option(only, _state(), only.move("standing-1")) is None


def _any_allowed(
    library: Library, profile: Profile, kind: Kind, *, gentle_only: bool = False
) -> bool:
    return any(
        m.kind is kind and allowed(m, profile) and not (gentle_only and m.high_intensity)
        for m in library.moves.values()
    )


def _must_refuse(library: Library, state: CoachState, day: date) -> bool:
    """Whether plan_day must raise: the day would be empty and strength is not paused."""
    gentle = is_gentle_day(state.history, day)
    return (
        not state.profile.strength_paused
        and not _any_allowed(library, state.profile, Kind.STRETCH)
        and not _any_allowed(library, state.profile, Kind.STRENGTH, gentle_only=gentle)
    )


# With the real library no stretch is allowed for these answers (EVIDENCE.md: groin strain:
# pain-free squeezes only; pregnancy: no wide-legged loading; anterior hip replacement: no
# wide separation and no external rotation): every adductor stretch does one of those.
NO_STRETCH_ANSWERS = frozenset(
    {
        Contraindication.PREGNANCY,
        Contraindication.RECENT_GROIN_STRAIN,
        Contraindication.HIP_REPLACEMENT_ANTERIOR,
    }
)
EQUIPMENT_SETS = {"none": frozenset({Equipment.NONE}), "all": ALL}


def _single_answer_plans(library: Library) -> dict[tuple[str, str, int], Plan]:
    """Plans for every single screen answer, both equipment sets and a few seeds."""
    plans = {}
    for name, equipment in EQUIPMENT_SETS.items():
        for answer in Contraindication:
            state = _state(equipment=equipment, contraindications=frozenset({answer}))
            for seed in range(5):
                plans[answer.value, name, seed] = plan_day(library, state, DAY, rng_for(seed, DAY))
    return plans


def test_test_library_has_both_moves_for_every_screen_answer(library: Library) -> None:
    for key, plan in _single_answer_plans(library).items():
        assert plan.stretch is not None, key
        assert plan.strength is not None, key


def test_real_library_plans_every_screen_answer(real_library: Library) -> None:
    """Every single screen answer with or without equipment gets a day with a move; only the
    answers that rule out every adductor stretch get a day without one."""
    for (answer, equipment, seed), plan in _single_answer_plans(real_library).items():
        # The validator requires a strength move fit for everyone, and with no history the
        # day may be a hard one: strength is always planned, so the day is never empty.
        assert plan.strength is not None, (answer, equipment, seed)
        if plan.stretch is None:
            assert Contraindication(answer) in NO_STRETCH_ANSWERS, (answer, equipment, seed)


# --- Properties -----------------------------------------------------------------------------

States = Callable[..., st.SearchStrategy[CoachState]]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_property_planned_moves_are_always_allowed(
    any_library: Library, states: States, data: st.DataObject, seed: int
) -> None:
    state = data.draw(states(any_library))
    if _must_refuse(any_library, state, DAY):
        with pytest.raises(NoAllowedMoveError):
            plan_day(any_library, state, DAY, random.Random(seed))
        return
    plan = plan_day(any_library, state, DAY, random.Random(seed))
    gentle = is_gentle_day(state.history, DAY)
    # A contraindicated (or unequipped) move is never planned, and each kind is planned
    # whenever one is allowed.
    if plan.stretch is not None:
        assert plan.stretch.move.kind is Kind.STRETCH
        assert allowed(plan.stretch.move, state.profile)
    else:
        assert not _any_allowed(any_library, state.profile, Kind.STRETCH)
    if plan.strength is not None:
        assert plan.strength.move.kind is Kind.STRENGTH
        assert allowed(plan.strength.move, state.profile)
        assert not state.profile.strength_paused
    else:
        assert state.profile.strength_paused or not _any_allowed(
            any_library, state.profile, Kind.STRENGTH, gentle_only=gentle
        )
    # Never an empty day unless strength is paused.
    if plan.stretch is None and plan.strength is None:
        assert state.profile.strength_paused
    if plan.strength is not None and gentle:
        assert not plan.strength.move.high_intensity


@settings(max_examples=100, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_property_same_state_date_and_seed_same_plan(
    any_library: Library, states: States, data: st.DataObject, seed: int
) -> None:
    state = data.draw(states(any_library))
    if _must_refuse(any_library, state, DAY):
        return
    first = plan_day(any_library, state, DAY, random.Random(seed))
    assert plan_day(any_library, state, DAY, random.Random(seed)) == first
    # An rng already used for something else is the caller's business; the same draws in,
    # the same plan out.
    assert plan_day(any_library, state, DAY, rng_for(seed, DAY)) == plan_day(
        any_library, state, DAY, rng_for(seed, DAY)
    )


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    seed=st.integers(0, 2**32),
    days=st.integers(20, 70),
)
def test_property_weekly_rhythm_over_long_runs(
    any_library: Library, states: States, data: st.DataObject, seed: int, days: int
) -> None:
    state = data.draw(states(any_library, paused=False).map(lambda s: replace(s, history=())))
    outcomes = st.sampled_from([*Outcome, None])
    hard: list[date] = []
    for offset in range(days):
        today = DAY + timedelta(days=offset)
        if offset % 3 and not data.draw(st.booleans(), label="planned"):
            continue  # a day the person was paused or the bot was down: no plan, no history
        if _must_refuse(any_library, state, today):
            break
        plan = plan_day(any_library, state, today, rng_for(seed, today))
        is_hard = bool(plan.strength and plan.strength.move.high_intensity)
        if is_hard:
            hard.append(today)
        past = PastDay(
            today,
            plan.stretch.move.id if plan.stretch else None,
            plan.strength.move.id if plan.strength else None,
            is_hard,
        )
        state = replace(state, history=(*state.history, past)[-14:])
        for prescription in (plan.stretch, plan.strength):
            outcome = data.draw(outcomes, label="outcome")
            if prescription is not None and outcome is not None:
                state = apply_feedback(
                    any_library, state, prescription.move.id, outcome, today=today
                ).state
                state = replace(state, profile=replace(state.profile, strength_paused=False))
    for day in hard:
        assert day + timedelta(days=1) not in hard
        in_week = [d for d in hard if day <= d < day + timedelta(days=7)]
        assert len(in_week) <= MAX_HARD_DAYS_PER_WEEK


@settings(max_examples=150, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_property_remembered_offers_plan_as_a_fresh_library_does(
    any_library: Library, states: States, data: st.DataObject, seed: int
) -> None:
    """The planner remembers what each ladder offers (per level, dose step, allowed moves and
    gentleness) on the library it is given; after any number of other people's plans, the
    plan must be the one a library that remembers nothing gives."""
    state = data.draw(states(any_library))
    if _must_refuse(any_library, state, DAY):
        return
    fresh = Library(areas=any_library.areas, ladders=any_library.ladders)
    assert not fresh.offer_memo
    assert not fresh.allowed_memo

    remembered = plan_day(any_library, state, DAY, random.Random(seed))

    assert remembered == plan_day(fresh, state, DAY, random.Random(seed))
    assert any_library.offer_memo  # the shared library did remember
