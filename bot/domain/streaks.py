"""Streaks that forgive: a run of answered days that rest, skips and one slip a week don't end.

The rules, walking back one day at a time from `today`:

- an answered day (any answer about that day's session) adds one day to the streak;
- a neutral day neither adds nor breaks: a rest day announced in advance, a day skipped with
  "skip today", a day the bot itself failed to deliver (the caller puts all of these in
  `rest`), and today while it is not yet answered;
- any other day is a miss. A miss is forgiven when no other miss was forgiven within the six
  days after it (the days already walked), so at most one miss in any seven consecutive days
  is forgiven. The first miss that cannot be forgiven ends the walk;
- the walk also ends before the first answered day, and forgiven misses only count when an
  answered day lies behind them: a slip before the streak began is not part of it.

An answered day wins over a rest mark for the same date (the person did it anyway).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta

FORGIVE_WINDOW_DAYS = 7  # at most one forgiven miss in any seven consecutive days

_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    days: int  # answered days in the streak
    forgiven: int  # misses forgiven inside it
    started_on: date | None = None  # the first answered day of the streak; None if no streak


NO_STREAK = Streak(days=0, forgiven=0)


def streak(answered: Set[date], rest: Set[date], today: date) -> Streak:
    """The streak that reaches `today` (answered days after `today` are ignored)."""
    return _walk(answered, rest, end=today, end_is_today=True)


def best_streak(answered: Set[date], rest: Set[date], today: date) -> Streak:
    """The longest streak ever reached up to `today` (ties: the most recent)."""
    best = NO_STREAK
    for day in sorted(d for d in answered if d <= today):
        # A streak ending on `day` is one shorter than the one ending the day after, when that
        # day is answered too (the walk from `day` is the same): only run ends need a walk.
        if day + _DAY in answered and day + _DAY <= today:
            continue
        found = _walk(answered, rest, end=day, end_is_today=False)
        if found.days >= best.days:
            best = found
    return best


def _walk(answered: Set[date], rest: Set[date], *, end: date, end_is_today: bool) -> Streak:
    earlier = [d for d in answered if d <= end]
    if not earlier:
        return NO_STREAK
    first = min(earlier)
    days = 0
    forgiven = 0
    pending = 0  # forgiven misses not yet followed (further back) by an answered day
    last_forgiven: date | None = None
    started_on: date | None = None
    day = end
    while day >= first:
        if day in answered:
            days += 1
            forgiven += pending
            pending = 0
            started_on = day
        elif day in rest or (end_is_today and day == end):
            pass
        elif last_forgiven is None or (last_forgiven - day).days >= FORGIVE_WINDOW_DAYS:
            last_forgiven = day
            pending += 1
        else:
            break
        day -= _DAY
    return Streak(days=days, forgiven=forgiven, started_on=started_on)
