"""Simulated personas: the rules seen from a person's side over eight weeks."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from bot.domain.library import Area, Contraindication, Library
from bot.domain.progression import Change
from bot.domain.safety import allowed
from bot.domain.simulation import (
    PERSONAS,
    Answer,
    Persona,
    Phase,
    SimDay,
    SimMove,
    format_simulation,
    simulate,
)
from bot.domain.state import LadderPosition, Outcome, Profile

START = date(2026, 3, 2)
SEEDS = (0, 1, 2, 3)
_DONE = Answer(Outcome.DONE)


def _run(library: Library, name: str, seed: int, days: int = 56) -> list[SimDay]:
    return simulate(library, PERSONAS[name], days, start=START, seed=seed)


def _moves(day: SimDay) -> list[SimMove]:
    return [m for m in (day.stretch, day.strength) if m is not None]


def _changes(run: list[SimDay]) -> set[Change]:
    return {m.change for day in run for m in _moves(day) if m.change is not None}


def test_personas_are_there() -> None:
    assert {"always-done", "always-too-hard", "done-then-hurt", "balance-no-floor"} <= set(PERSONAS)
    assert "groin-strain" in PERSONAS


@pytest.mark.parametrize("seed", SEEDS)
def test_always_done_climbs_within_the_weekly_cap(any_library: Library, seed: int) -> None:
    run = _run(any_library, "always-done", seed)
    final = run[-1].positions
    climbed = [ladder for ladder, position in final.items() if position.level > 1]
    assert len(climbed) >= 3
    assert {Change.DOSE_UP, Change.LEVEL_UP} <= _changes(run)
    assert not {Change.DOSE_DOWN, Change.LEVEL_DOWN, Change.AT_BOTTOM} & _changes(run)
    assert not any(day.red_flag or day.check_next_morning for day in run)
    for ladder in (lad for lad in any_library.ladders.values() if lad.max_levels_per_week):
        level_ups = [
            day.local_date
            for before, day in itertools.pairwise(run)
            if day.positions[ladder.id].level > before.positions[ladder.id].level
        ]
        for earlier, later in itertools.pairwise(level_ups):
            assert (later - earlier).days >= 7
        first = next(
            (d.local_date for d in run if d.strength and d.strength.ladder == ladder.id), None
        )
        if level_ups:
            assert first is not None
            assert (level_ups[0] - first).days >= 7


@pytest.mark.parametrize("seed", SEEDS)
def test_always_too_hard_sits_at_the_bottom(any_library: Library, seed: int) -> None:
    run = _run(any_library, "always-too-hard", seed)
    for position in run[-1].positions.values():
        assert (position.level, position.dose_step) == (1, 0)
    assert _changes(run) == {Change.AT_BOTTOM}


def _hurt_day(run: list[SimDay]) -> int:
    return next(
        i for i, day in enumerate(run) if day.strength and day.strength.outcome is Outcome.HURT
    )


def test_done_then_hurt_drops_a_level_and_gets_a_morning_check(library: Library) -> None:
    run = _run(library, "done-then-hurt", seed=0)
    i = _hurt_day(run)
    assert i == 21  # day 22: after three weeks of "done"
    hurt = run[i]
    assert hurt.strength is not None
    before = run[i - 1].positions[hurt.strength.ladder]
    after = hurt.positions[hurt.strength.ladder]
    assert before.level == 2
    assert hurt.strength.change is Change.LEVEL_DOWN
    assert (after.level, after.dose_step) == (1, 0)
    assert hurt.check_next_morning
    assert not hurt.red_flag
    assert run[i + 1].morning_pain == 2
    assert not run[i + 1].check_next_morning
    assert not any(day.strength_paused for day in run)
    # ...and then carries on climbing.
    assert {Change.DOSE_UP, Change.LEVEL_UP} & {
        m.change for day in run[i + 1 :] for m in _moves(day)
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_done_then_hurt_always_steps_down_from_where_it_was(
    any_library: Library, seed: int
) -> None:
    run = _run(any_library, "done-then-hurt", seed)
    i = _hurt_day(run)
    hurt = run[i]
    assert hurt.strength is not None
    before = run[i - 1].positions.get(hurt.strength.ladder, LadderPosition(hurt.strength.ladder))
    after = hurt.positions[hurt.strength.ladder]
    if before.level > 1:
        assert hurt.strength.change is Change.LEVEL_DOWN
        assert after.level < before.level
    else:
        assert hurt.strength.change in {Change.DOSE_DOWN, Change.AT_BOTTOM}
    assert after.dose_step == 0
    assert hurt.check_next_morning
    assert run[i + 1].morning_pain is not None


@pytest.mark.parametrize("seed", SEEDS)
def test_balance_no_floor_never_gets_a_floor_move_and_leans_to_balance(
    any_library: Library, seed: int
) -> None:
    run = _run(any_library, "balance-no-floor", seed)
    for day in run:
        for move in _moves(day):
            assert not any_library.move(move.move_id).needs_floor
        assert day.focus is Area.BALANCE

    def balance_days(days: list[SimDay]) -> int:
        return sum(
            any(Area.BALANCE in any_library.move(m.move_id).areas for m in _moves(day))
            for day in days
        )

    assert balance_days(run) > len(run) / 2
    # Weighted towards the focus, never only it.
    assert any(
        Area.BALANCE not in any_library.move(m.move_id).areas for day in run for m in _moves(day)
    )


def test_silent_persona_moves_nothing(any_library: Library) -> None:
    run = _run(any_library, "silent", 1, days=21)
    assert all(p == LadderPosition(ladder) for ladder, p in run[-1].positions.items())
    assert _changes(run) == set()


def test_same_seed_same_run(library: Library) -> None:
    assert _run(library, "always-done", 5) == _run(library, "always-done", 5)
    assert _run(library, "always-done", 5) != _run(library, "always-done", 6)


def test_dates_follow_one_a_day(library: Library) -> None:
    run = _run(library, "always-done", 1, days=10)
    assert [d.local_date for d in run] == [START + timedelta(days=i) for i in range(10)]
    assert [d.day for d in run] == list(range(1, 11))


def test_format_simulation(library: Library) -> None:
    run = _run(library, "done-then-hurt", 0, days=28)
    text = format_simulation(run)
    lines = text.splitlines()
    assert len(lines) == 1 + 28 + 1 + len(library.ladders)
    assert lines[0].split()[:3] == ["day", "date", "focus"]
    assert lines[1].startswith("  1 2026-03-02 Mon")
    assert "hurt 5/10 -LEVEL" in lines[22]
    assert "ask tomorrow" in lines[22]
    assert "morning 2/10" in lines[23]
    assert lines[-len(library.ladders) - 1] == "final positions:"
    assert format_simulation([]) == lines[0]


@pytest.mark.parametrize("seed", SEEDS)
def test_groin_strain_trains_every_day_and_only_what_is_allowed(
    any_library: Library, seed: int
) -> None:
    persona = PERSONAS["groin-strain"]
    run = _run(any_library, "groin-strain", seed)
    for day in run:
        assert day.strength is not None  # never an empty day: strength is never paused here
        for move in _moves(day):
            assert allowed(any_library.move(move.move_id), persona.profile)
    assert Change.DOSE_UP in _changes(run)


def test_groin_strain_gets_no_stretch_from_the_real_library(real_library: Library) -> None:
    # EVIDENCE.md: after a recent groin strain, pain-free squeezes only.
    run = _run(real_library, "groin-strain", 0, days=14)
    assert all(day.stretch is None for day in run)
    for line in format_simulation(run).splitlines()[1:15]:
        assert line.split()[4] == "—"


def test_a_day_without_a_stretch_in_the_simulation(library: Library) -> None:
    # A stiff knee rules out every butterfly move: the days have a strength move only.
    no_stretch = Library(
        areas=library.areas,
        ladders={i: library.ladders[i] for i in ("butterfly", "standing")},
    )
    persona = Persona(
        name="stiff-knee",
        description="Stiff knee, only the butterfly ladder to stretch on.",
        profile=Profile(contraindications=frozenset({Contraindication.STIFF_KNEE})),
        phases=(Phase(None, _DONE, _DONE),),
    )
    run = simulate(no_stretch, persona, 10, start=START, seed=0)
    assert all(day.stretch is None and day.strength is not None for day in run)
    assert all(
        day.focus in no_stretch.move(day.strength.move_id).areas for day in run if day.strength
    )
    lines = format_simulation(run).splitlines()
    assert lines[1].split()[4:6] == ["—", "standing-1"]
    assert "(paused)" not in "\n".join(lines)
