"""Streaks that forgive: the rules as a table, then properties over random histories."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.streaks import FORGIVE_WINDOW_DAYS, Streak, best_streak, streak

TODAY = date(2026, 3, 2)


def ago(*offsets: int) -> frozenset[date]:
    return frozenset(TODAY - timedelta(days=o) for o in offsets)


def span(first: int, last: int = 0) -> frozenset[date]:
    """Every day from `first` days ago to `last` days ago, both included."""
    return ago(*range(last, first + 1))


@pytest.mark.parametrize(
    ("answered", "rest", "expected"),
    [
        pytest.param(frozenset(), frozenset(), Streak(0, 0), id="nothing yet"),
        pytest.param(ago(0), frozenset(), Streak(1, 0, TODAY), id="today answered"),
        pytest.param(ago(1), frozenset(), Streak(1, 0, TODAY - timedelta(1)), id="today open"),
        pytest.param(span(4), frozenset(), Streak(5, 0, TODAY - timedelta(4)), id="five in a row"),
        pytest.param(ago(0, 1, 3, 4), ago(2), Streak(4, 0, TODAY - timedelta(4)), id="rest day"),
        pytest.param(ago(0), ago(1), Streak(1, 0, TODAY), id="rest adds nothing"),
        pytest.param(ago(1), ago(0), Streak(1, 0, TODAY - timedelta(1)), id="rest today"),
        pytest.param(ago(0, 1, 3, 4), frozenset(), Streak(4, 1, TODAY - timedelta(4)), id="a miss"),
        pytest.param(
            ago(2, 3),
            frozenset(),
            Streak(2, 1, TODAY - timedelta(3)),
            id="miss yesterday, today open",
        ),
        pytest.param(
            span(6) - ago(2, 5),
            frozenset(),
            Streak(4, 1, TODAY - timedelta(4)),
            id="2 misses in 4 days",
        ),
        pytest.param(
            span(10) - ago(1, 7),
            frozenset(),
            Streak(6, 1, TODAY - timedelta(6)),
            id="misses 6 apart",
        ),
        pytest.param(
            span(10) - ago(1, 8),
            frozenset(),
            Streak(9, 2, TODAY - timedelta(10)),
            id="misses 7 apart",
        ),
        pytest.param(
            span(10) - ago(1, 2, 8),
            ago(2),
            Streak(8, 2, TODAY - timedelta(10)),
            id="a rest day is no miss",
        ),
        pytest.param(ago(0, 1), frozenset(), Streak(2, 0, TODAY - timedelta(1)), id="before start"),
        pytest.param(ago(0, 3), frozenset(), Streak(1, 0, TODAY), id="slip behind a break"),
        pytest.param(ago(10), frozenset(), Streak(0, 0), id="long gone"),
        pytest.param(ago(0, -1, -2), frozenset(), Streak(1, 0, TODAY), id="future ignored"),
        pytest.param(ago(0, 1), ago(0, 1), Streak(2, 0, TODAY - timedelta(1)), id="did it anyway"),
    ],
)
def test_streak_rules(answered: frozenset[date], rest: frozenset[date], expected: Streak) -> None:
    assert streak(answered, rest, TODAY) == expected


def test_best_streak_finds_an_older_longer_run() -> None:
    answered = span(30, 25) | span(1)  # six days a month ago, two now
    assert streak(answered, frozenset(), TODAY).days == 2
    assert best_streak(answered, frozenset(), TODAY) == Streak(6, 0, TODAY - timedelta(30))


def test_best_streak_of_nothing_is_nothing() -> None:
    assert best_streak(frozenset(), frozenset(), TODAY) == Streak(0, 0)


# --- properties ---------------------------------------------------------------------------------

WINDOW = 45
offsets = st.frozensets(st.integers(min_value=0, max_value=WINDOW), max_size=WINDOW)


def dates(values: frozenset[int]) -> frozenset[date]:
    return ago(*values)


@given(answered=offsets, rest=offsets, extra=st.integers(min_value=0, max_value=WINDOW))
def test_adding_an_answered_day_never_shortens(
    answered: frozenset[int], rest: frozenset[int], extra: int
) -> None:
    before = streak(dates(answered), dates(rest), TODAY)
    after = streak(dates(answered | {extra}), dates(rest), TODAY)
    assert after.days >= before.days


@given(answered=offsets, rest=offsets, extra=st.integers(min_value=0, max_value=WINDOW))
def test_a_rest_day_never_breaks(
    answered: frozenset[int], rest: frozenset[int], extra: int
) -> None:
    before = streak(dates(answered), dates(rest), TODAY)
    after = streak(dates(answered), dates(rest | {extra}), TODAY)
    assert after.days >= before.days


@given(answered=offsets, rest=offsets)
def test_answered_and_rest_days_only_means_no_forgiveness_and_every_day_counts(
    answered: frozenset[int], rest: frozenset[int]
) -> None:
    if not answered:
        return
    first = max(answered)
    rest = frozenset(range(first + 1)) - answered  # every other day since the first is rest
    assert streak(dates(answered), dates(rest), TODAY) == Streak(
        len(answered), 0, TODAY - timedelta(days=first)
    )


@given(
    length=st.integers(min_value=3, max_value=WINDOW),
    later=st.integers(min_value=1, max_value=WINDOW),
    gap=st.integers(min_value=1, max_value=FORGIVE_WINDOW_DAYS - 1),
)
def test_two_misses_within_seven_days_break_it(length: int, later: int, gap: int) -> None:
    earlier = later + gap
    if earlier >= length:
        return
    answered = frozenset(range(length + 1)) - {later, earlier}
    result = streak(dates(answered), frozenset(), TODAY)
    # The walk forgives the later miss, then stops at the earlier one: only the days after it
    # count, and the forgiven miss only if an answered day lies between the two.
    between = gap - 1
    assert result == Streak(
        days=later + between,
        forgiven=1 if between else 0,
        started_on=TODAY - timedelta(days=earlier - 1 if between else later - 1),
    )


@given(answered=offsets, rest=offsets)
def test_misses_inside_a_streak_are_forgiven_and_a_week_apart(
    answered: frozenset[int], rest: frozenset[int]
) -> None:
    result = streak(dates(answered), dates(rest), TODAY)
    if result.started_on is None:
        assert result == Streak(0, 0)
        return
    start = (TODAY - result.started_on).days
    misses = sorted(o for o in range(1, start) if o not in answered and o not in rest)
    assert len(misses) == result.forgiven
    assert all(b - a >= FORGIVE_WINDOW_DAYS for a, b in pairwise(misses))
    assert result.days == sum(1 for o in answered if o <= start)


@given(answered=offsets, rest=offsets)
def test_best_streak_is_the_longest_streak_ending_on_any_answered_day(
    answered: frozenset[int], rest: frozenset[int]
) -> None:
    answered_dates, rest_dates = dates(answered), dates(rest)
    brute = max(
        (
            streak(frozenset(a for a in answered_dates if a <= end), rest_dates, end).days
            for end in answered_dates
        ),
        default=0,
    )
    best = best_streak(answered_dates, rest_dates, TODAY)
    assert best.days == brute
    assert best.days >= streak(answered_dates, rest_dates, TODAY).days
