"""How answers move people along ladders: the rules, their bounds and the weekly cap."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.library import Contraindication, Equipment, Ladder, Library, Move
from bot.domain.planner import prescription_on
from bot.domain.progression import (
    CLEAN_SESSIONS_TO_PROGRESS,
    Change,
    apply_feedback,
    morning_check,
    resume_strength,
)
from bot.domain.state import CoachState, LadderPosition, Outcome, Prescription, Profile

DAY = date(2026, 6, 15)
ALL = frozenset(Equipment)


def _state(
    ladder: str | None = None,
    level: int = 1,
    step: int = 0,
    *,
    streak: int = 0,
    changed_on: date | None = None,
    contraindications: frozenset[Contraindication] = frozenset(),
) -> CoachState:
    positions = {}
    if ladder is not None:
        positions[ladder] = LadderPosition(ladder, level, step, streak, changed_on)
    return CoachState(
        profile=Profile(equipment=ALL, contraindications=contraindications),
        positions=positions,
    )


def _at(state: CoachState, ladder: str) -> tuple[int, int]:
    position = state.position(ladder)
    return position.level, position.dose_step


def _current_move(library: Library, state: CoachState, ladder: str) -> Move:
    return library.ladders[ladder].move_at(state.position(ladder).level)


# --- done -----------------------------------------------------------------------------------


def test_two_clean_sessions_raise_the_dose(library: Library) -> None:
    state = _state("standing", 2, 0)
    first = apply_feedback(library, state, "standing-2", Outcome.DONE, today=DAY)
    assert first.changed is Change.NONE
    assert first.position.clean_streak == 1
    second = apply_feedback(
        library, first.state, "standing-2", Outcome.DONE, today=DAY + timedelta(days=1)
    )
    assert second.changed is Change.DOSE_UP
    assert (second.position.level, second.position.dose_step) == (2, 1)
    assert second.position.clean_streak == 0


def test_after_the_top_dose_the_next_level(library: Library) -> None:
    state = _state("standing", 2, 1, streak=1)
    result = apply_feedback(library, state, "standing-2", Outcome.DONE, today=DAY)
    assert result.changed is Change.LEVEL_UP
    assert result.position == LadderPosition("standing", 3, 0, 0, DAY)


def test_done_with_pain_up_to_three_is_clean(library: Library) -> None:
    state = _state("standing", 2, 0, streak=1)
    result = apply_feedback(library, state, "standing-2", Outcome.DONE, today=DAY, pain=3)
    assert result.changed is Change.DOSE_UP
    assert not result.check_next_morning


def test_done_at_the_very_top(library: Library) -> None:
    state = _state("standing", 5, 1, streak=1)
    result = apply_feedback(library, state, "standing-5", Outcome.DONE, today=DAY)
    assert result.changed is Change.AT_TOP
    assert _at(result.state, "standing") == (5, 1)


def test_first_answer_starts_the_level_clock(library: Library) -> None:
    result = apply_feedback(library, _state(), "copenhagen-1", Outcome.DONE, today=DAY)
    assert result.position.level_changed_on == DAY


def test_copenhagen_waits_a_week_between_levels(library: Library) -> None:
    state = _state("copenhagen", 2, 2, streak=1, changed_on=DAY - timedelta(days=6))
    capped = apply_feedback(library, state, "copenhagen-2", Outcome.DONE, today=DAY)
    assert capped.changed is Change.CAPPED_WEEKLY
    assert _at(capped.state, "copenhagen") == (2, 2)
    later = apply_feedback(
        library, capped.state, "copenhagen-2", Outcome.DONE, today=DAY + timedelta(days=1)
    )
    assert later.changed is Change.LEVEL_UP
    assert _at(later.state, "copenhagen") == (3, 0)


def test_uncapped_ladders_may_change_level_any_day(library: Library) -> None:
    state = _state("standing", 2, 1, streak=1, changed_on=DAY)
    result = apply_feedback(library, state, "standing-2", Outcome.DONE, today=DAY)
    assert result.changed is Change.LEVEL_UP


def test_done_on_a_gentle_day_fallback_leaves_the_position(library: Library) -> None:
    # open-chain-4 is high intensity; on a gentle day the person gets open-chain-3.
    state = _state("open-chain", 4, 1, streak=1)
    result = apply_feedback(library, state, "open-chain-3", Outcome.DONE, today=DAY)
    assert result.changed is Change.NONE
    assert result.state.position("open-chain") == state.position("open-chain")


def test_levels_the_screen_rules_out_are_skipped(library: Library) -> None:
    # side-lunge-3 is kneeling: from side-lunge-2 the next level is side-lunge-4.
    no_floor = frozenset({Contraindication.NO_FLOOR})
    state = _state("side-lunge", 2, 2, streak=1, contraindications=no_floor)
    result = apply_feedback(library, state, "side-lunge-2", Outcome.DONE, today=DAY)
    assert result.changed is Change.LEVEL_UP
    assert _at(result.state, "side-lunge") == (4, 0)


def test_done_on_a_stand_in_for_a_ruled_out_level_counts_from_there(library: Library) -> None:
    # At side-lunge-3 (kneeling) with no floor the person is given side-lunge-2 at its top.
    no_floor = frozenset({Contraindication.NO_FLOOR})
    state = _state("side-lunge", 3, 0, contraindications=no_floor)
    first = apply_feedback(library, state, "side-lunge-2", Outcome.DONE, today=DAY)
    assert _at(first.state, "side-lunge") == (2, 2)
    second = apply_feedback(library, first.state, "side-lunge-2", Outcome.DONE, today=DAY)
    assert second.changed is Change.LEVEL_UP
    assert _at(second.state, "side-lunge") == (4, 0)


# --- too easy -------------------------------------------------------------------------------


def test_too_easy_steps_up_at_once(library: Library) -> None:
    dose = apply_feedback(
        library, _state("standing", 2, 0), "standing-2", Outcome.TOO_EASY, today=DAY
    )
    assert (dose.changed, _at(dose.state, "standing")) == (Change.DOSE_UP, (2, 1))
    level = apply_feedback(
        library, _state("standing", 2, 1), "standing-2", Outcome.TOO_EASY, today=DAY
    )
    assert (level.changed, _at(level.state, "standing")) == (Change.LEVEL_UP, (3, 0))


def test_too_easy_respects_the_weekly_cap(library: Library) -> None:
    state = _state("copenhagen", 3, 2, changed_on=DAY - timedelta(days=2))
    result = apply_feedback(library, state, "copenhagen-3", Outcome.TOO_EASY, today=DAY)
    assert result.changed is Change.CAPPED_WEEKLY
    assert _at(result.state, "copenhagen") == (3, 2)  # the top dose of the level


def test_too_easy_at_the_top(library: Library) -> None:
    result = apply_feedback(
        library, _state("squeeze", 4, 1), "squeeze-4", Outcome.TOO_EASY, today=DAY
    )
    assert result.changed is Change.AT_TOP


# --- too hard -------------------------------------------------------------------------------


def test_too_hard_lowers_the_dose_and_offers_it_at_once(library: Library) -> None:
    state = _state("standing", 3, 1)
    result = apply_feedback(library, state, "standing-3", Outcome.TOO_HARD, today=DAY)
    assert result.changed is Change.DOSE_DOWN
    assert _at(result.state, "standing") == (3, 0)
    move = library.move("standing-3")
    assert result.easier == Prescription(move, move.doses[0])
    assert not result.check_next_morning


def test_too_hard_at_the_first_dose_goes_to_the_previous_levels_top(library: Library) -> None:
    state = _state("standing", 3, 0)
    result = apply_feedback(library, state, "standing-3", Outcome.TOO_HARD, today=DAY)
    assert result.changed is Change.LEVEL_DOWN
    assert _at(result.state, "standing") == (2, 1)
    move = library.move("standing-2")
    assert result.easier == Prescription(move, move.doses[-1])


def test_too_hard_at_the_bottom(library: Library) -> None:
    result = apply_feedback(library, _state(), "standing-1", Outcome.TOO_HARD, today=DAY)
    assert result.changed is Change.AT_BOTTOM
    assert _at(result.state, "standing") == (1, 0)
    assert result.easier is not None
    assert result.easier.move.ladder != "standing"


# --- hurt and pain --------------------------------------------------------------------------


def test_hurt_steps_down_a_level_and_asks_the_next_morning(library: Library) -> None:
    state = _state("standing", 3, 1)
    result = apply_feedback(library, state, "standing-3", Outcome.HURT, today=DAY)
    assert result.changed is Change.LEVEL_DOWN
    assert _at(result.state, "standing") == (2, 0)
    assert result.check_next_morning
    assert not result.red_flag
    assert result.easier is None
    assert not result.state.profile.strength_paused


@pytest.mark.parametrize("outcome", list(Outcome))
def test_pain_above_three_with_any_answer_steps_down_a_level(
    library: Library, outcome: Outcome
) -> None:
    state = _state("standing", 3, 1)
    result = apply_feedback(library, state, "standing-3", outcome, today=DAY, pain=4)
    assert result.changed is Change.LEVEL_DOWN
    assert result.check_next_morning
    assert not result.red_flag


def test_hurt_at_level_one(library: Library) -> None:
    dose = apply_feedback(library, _state("standing", 1, 1), "standing-1", Outcome.HURT, today=DAY)
    assert (dose.changed, _at(dose.state, "standing")) == (Change.DOSE_DOWN, (1, 0))
    bottom = apply_feedback(library, _state(), "standing-1", Outcome.HURT, today=DAY)
    assert bottom.changed is Change.AT_BOTTOM
    assert bottom.check_next_morning


@pytest.mark.parametrize(("pain", "red_flag"), [(6, False), (10, False), (0, True), (None, True)])
def test_pain_above_five_or_a_red_flag_pauses_strength(
    library: Library, pain: int | None, red_flag: bool
) -> None:
    state = _state("squeeze", 2, 1)
    result = apply_feedback(
        library, state, "squeeze-2", Outcome.DONE, today=DAY, pain=pain, red_flag=red_flag
    )
    assert result.red_flag
    assert result.state.profile.strength_paused
    assert result.changed is Change.LEVEL_DOWN
    assert result.check_next_morning


def test_red_flag_on_a_stretch_pauses_strength_too(library: Library) -> None:
    result = apply_feedback(library, _state(), "butterfly-1", Outcome.HURT, today=DAY, pain=7)
    assert result.state.profile.strength_paused


def test_resume_strength(library: Library) -> None:
    paused = apply_feedback(library, _state(), "squeeze-1", Outcome.HURT, today=DAY, pain=8).state
    resumed = resume_strength(paused)
    assert not resumed.profile.strength_paused
    assert resumed.positions == paused.positions


def test_bad_input(library: Library) -> None:
    with pytest.raises(ValueError, match="pain"):
        apply_feedback(library, _state(), "squeeze-1", Outcome.DONE, today=DAY, pain=11)
    with pytest.raises(KeyError):
        apply_feedback(library, _state(), "no-such-move", Outcome.DONE, today=DAY)


def test_feedback_never_mutates_the_state(library: Library) -> None:
    state = _state("standing", 2, 1, streak=1)
    before = repr(state)
    apply_feedback(library, state, "standing-2", Outcome.DONE, today=DAY)
    assert repr(state) == before


# --- next-morning check ---------------------------------------------------------------------


def test_morning_better_than_yesterday(library: Library) -> None:
    ladder = library.ladders["standing"]
    state = _state("standing", 2, 1, streak=1)
    result = morning_check(state, ladder, 2, 5, today=DAY)
    assert (result.changed, result.worse, result.red_flag) == (Change.NONE, False, False)
    assert _at(result.state, "standing") == (2, 1)
    assert result.state.position("standing").clean_streak == 0  # pain lingers: no progress yet
    assert not result.check_again


def test_morning_free_of_pain_changes_nothing(library: Library) -> None:
    state = _state("standing", 2, 1, streak=1)
    result = morning_check(state, library.ladders["standing"], 0, 4, today=DAY)
    assert result.state == state


def test_morning_worse_than_yesterday_means_less_load(library: Library) -> None:
    state = _state("standing", 2, 1)
    result = morning_check(state, library.ladders["standing"], 4, 3, today=DAY)
    assert (result.changed, result.worse, result.red_flag) == (Change.DOSE_DOWN, True, False)
    assert result.check_again


def test_morning_worse_two_mornings_running_is_a_red_flag(library: Library) -> None:
    state = _state("standing", 2, 1)
    result = morning_check(
        state, library.ladders["standing"], 4, 3, today=DAY, previous_morning_worse=True
    )
    assert result.red_flag
    assert result.state.profile.strength_paused
    assert not result.check_again


def test_morning_pain_above_five_is_a_red_flag(library: Library) -> None:
    result = morning_check(_state(), library.ladders["standing"], 6, None, today=DAY)
    assert result.red_flag
    assert result.state.profile.strength_paused


# --- Properties -----------------------------------------------------------------------------

States = Callable[..., st.SearchStrategy[CoachState]]
ANSWERS = st.tuples(
    st.sampled_from(list(Outcome)),
    st.none() | st.integers(0, 10),
    st.booleans(),  # red flag
)


def _assert_in_bounds(library: Library, state: CoachState) -> None:
    for ladder_id, position in state.positions.items():
        ladder = library.ladders[ladder_id]
        assert 1 <= position.level <= ladder.top_level
        assert 0 <= position.dose_step < len(ladder.move_at(position.level).doses)
        assert 0 <= position.clean_streak <= CLEAN_SESSIONS_TO_PROGRESS


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_property_positions_stay_in_bounds(
    any_library: Library, states: States, data: st.DataObject
) -> None:
    state = data.draw(states(any_library))
    moves = sorted(any_library.moves)
    today = DAY
    for _ in range(data.draw(st.integers(1, 40), label="answers")):
        today += timedelta(days=data.draw(st.integers(0, 3), label="gap"))
        move_id = data.draw(st.sampled_from(moves), label="move")
        outcome, pain, flag = data.draw(ANSWERS, label="answer")
        red_flag = flag and data.draw(st.integers(0, 9)) == 0
        state = apply_feedback(
            any_library, state, move_id, outcome, today=today, pain=pain, red_flag=red_flag
        ).state
        _assert_in_bounds(any_library, state)
        if data.draw(st.integers(0, 5), label="morning") == 0:
            ladder = any_library.ladders[any_library.move(move_id).ladder]
            state = morning_check(
                state, ladder, data.draw(st.integers(0, 10)), pain, today=today
            ).state
            _assert_in_bounds(any_library, state)


def _key(prescription: Prescription, library: Library) -> tuple[int, int]:
    return prescription.move.level, prescription.move.doses.index(prescription.dose)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_property_too_hard_never_makes_the_next_plan_harder(
    any_library: Library, states: States, data: st.DataObject
) -> None:
    state = data.draw(states(any_library))
    ladder: Ladder = data.draw(st.sampled_from(sorted(any_library.ladders.values(), key=str)))
    given_now = prescription_on(state, ladder, gentle_only=data.draw(st.booleans()))
    if given_now is None:
        return  # nothing on this ladder is allowed for them: nothing to answer about
    result = apply_feedback(any_library, state, given_now.move.id, Outcome.TOO_HARD, today=DAY)
    next_time = prescription_on(result.state, ladder)
    assert next_time is not None
    before = _key(given_now, any_library)
    assert _key(next_time, any_library) <= before
    bottom = result.changed is Change.AT_BOTTOM
    assert bottom or _key(next_time, any_library) < before
    easier = result.easier
    if easier is None:
        assert bottom
    elif easier.move.ladder == ladder.id:
        assert _key(easier, any_library) < before
    else:
        # Another ladder's gentle move is offered only from the bottom of this one.
        assert bottom
        assert not easier.move.high_intensity


@settings(max_examples=100, deadline=None)
@given(
    answers=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([Outcome.DONE, Outcome.TOO_EASY])),
        min_size=1,
        max_size=200,
    )
)
def test_property_copenhagen_climbs_one_level_a_week_at_most(
    any_library: Library, answers: list[tuple[int, Outcome]]
) -> None:
    ladder = next(lad for lad in any_library.ladders.values() if lad.max_levels_per_week == 1)
    state = CoachState(profile=Profile(equipment=ALL))
    first_day = today = DAY
    reached: dict[int, date] = {1: DAY}
    for gap, outcome in answers:
        today += timedelta(days=gap)
        move = ladder.move_at(state.position(ladder.id).level)
        state = apply_feedback(any_library, state, move.id, outcome, today=today).state
        reached.setdefault(state.position(ladder.id).level, today)
    levels = sorted(reached)
    for lower, higher in itertools.pairwise(levels):
        assert (reached[higher] - reached[lower]).days >= 7
    # One level a week: level N no sooner than 7 * (N - 1) days after the first session.
    for level, day in reached.items():
        assert (day - first_day).days >= 7 * (level - 1)


def test_done_every_day_reaches_copenhagen_level_six_on_day_35_at_the_soonest(
    any_library: Library,
) -> None:
    ladder = next(lad for lad in any_library.ladders.values() if lad.max_levels_per_week == 1)
    state = CoachState(profile=Profile(equipment=ALL))
    top_on = None
    for offset in range(120):
        today = DAY + timedelta(days=offset)
        move = ladder.move_at(state.position(ladder.id).level)
        for outcome in (Outcome.TOO_EASY, Outcome.TOO_EASY, Outcome.DONE):
            state = apply_feedback(any_library, state, move.id, outcome, today=today).state
        if state.position(ladder.id).level == ladder.top_level:
            top_on = offset
            break
    assert top_on == 7 * (ladder.top_level - 1)
    assert ladder.top_level == 6
    assert top_on == 35
