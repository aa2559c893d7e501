"""The day's plan: one stretch and one strengthening move, chosen from the person's ladders.

Determinism: the planner draws only from the `random.Random` it is given. The caller seeds it
from (user id, local date) with `rng_for`, so re-planning the same day for the same person
and state always gives the same plan, across processes and restarts.

How one ladder offers its move (`prescription_on`): the move at the person's level with the
dose at their dose step; if their screen or equipment rules that move out, the highest
allowed level below it at its top dose (they are past it); if nothing at or below their level
is allowed, the ladder's gentlest allowed move at its first dose (their way into the ladder).
A ladder with no allowed move at all offers nothing. `plan_day` then picks one ladder per
kind: weighted towards the focus, not yesterday's move, and for strength within the weekly
hard/easy rhythm.

A day may honestly have no stretch: every adductor stretch spreads the legs or turns the hip
out, which the screen rules out after a recent groin strain, in pregnancy and after an
anterior hip replacement, so for them `Plan.stretch` is None. Strength work is the core of
the programme: the library must offer everyone a strength move with no equipment, no floor
and no contraindication (a standing squeeze). `plan_day` raises `NoAllowedMoveError` only
when a day would be completely empty for a person whose strength work is not paused.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from bot.domain.library import Area, Kind, Ladder, Library, Move
from bot.domain.safety import allowed, allowed_ids, filter_moves
from bot.domain.state import CoachState, LadderPosition, PastDay, Plan, Prescription

FOCUS_WEIGHT = 3
"""Ladders that serve the person's focus are this many times as likely as the others."""
OTHER_WEIGHT = 1
# EVIDENCE.md: "High-intensity adductor loading on at most three non-consecutive days a
# week" (Ishøi 2016, Harøy 2019 dosed 2-3 sessions a week).
MAX_HARD_DAYS_PER_WEEK = 3
ROLLING_WEEK_DAYS = 7


class PlanningError(Exception):
    """The coach cannot build what was asked for this profile."""


class NoAllowedMoveError(PlanningError):
    """No move of this kind is allowed for the profile: the library lacks a safe standby.

    `plan_day` raises it (for strength) only when the day would have no move at all.
    """

    def __init__(self, kind: Kind) -> None:
        super().__init__(
            f"no {kind.value} move is allowed for this profile; the library needs a standing, "
            "no-equipment, low-intensity move without contraindications on some ladder"
        )
        self.kind = kind


class StrengthPausedError(PlanningError):
    """Strength work is paused after a red flag until the person resumes it."""


def rng_for(user_key: int | str, local_date: date) -> random.Random:
    """The planner's random source for one person's day: the same inputs, the same plan.

    String seeds are hashed with SHA-512 by `random.Random`, so this does not depend on
    PYTHONHASHSEED or the process.
    """
    return random.Random(f"{user_key}:{local_date.isoformat()}")


def step_for(move: Move, position: LadderPosition) -> int:
    """The dose step prescribed for `move` given the person's position on its ladder."""
    top = len(move.doses) - 1
    if move.level == position.level:
        return min(max(position.dose_step, 0), top)
    # Below their level: they are past it, so its top dose. Above: their way in, first dose.
    return top if move.level < position.level else 0


def prescribe(move: Move, position: LadderPosition) -> Prescription:
    """The move with the dose the person's position gives it."""
    return Prescription(move=move, dose=move.doses[step_for(move, position)])


def prescription_on(
    state: CoachState, ladder: Ladder, *, gentle_only: bool = False
) -> Prescription | None:
    """What this ladder offers the person now, or None if nothing on it is allowed.

    `gentle_only` leaves out high-intensity moves, for the easy days between hard ones.
    """
    permitted = frozenset(m.id for m in filter_moves(ladder.moves, state.profile))
    return _offer(ladder, state.position(ladder.id), permitted, gentle_only=gentle_only)


def _offer(
    ladder: Ladder, position: LadderPosition, permitted: frozenset[str], *, gentle_only: bool
) -> Prescription | None:
    """`prescription_on`, given the ids of the moves the person's profile allows."""

    def ok(move: Move) -> bool:
        return move.id in permitted and not (gentle_only and move.high_intensity)

    level = min(max(position.level, 1), ladder.top_level)
    # The highest allowed move at or below their level, else the lowest allowed above it.
    for move in reversed(ladder.moves[:level]):
        if ok(move):
            return prescribe(move, position)
    for move in ladder.moves[level:]:
        if ok(move):
            return prescribe(move, position)
    return None


def plan_day(library: Library, state: CoachState, local_date: date, rng: random.Random) -> Plan:
    """Plan one person's day: a stretch, a strengthening move (unless paused) and the focus.

    The stretch is None when the person's screen allows none. The strength move is None while
    paused, on an easy day with no allowed low-intensity move (a strength rest day rather than
    two hard days in a row or a fourth in a week), or when none is allowed at all but a stretch
    is. With strength paused and no stretch allowed both are None: a rest day. Raises
    `NoAllowedMoveError` (strength) when the day would be empty and strength is not paused.

    History dated on or after `local_date` is ignored, so planning a day again after it was
    recorded gives the same plan.
    """
    past = tuple(day for day in state.history if day.local_date < local_date)
    yesterday = [d for d in past if d.local_date == local_date - timedelta(days=1)]

    stretch = _choose(
        library,
        state,
        Kind.STRETCH,
        rng,
        avoid=frozenset(d.stretch_id for d in yesterday if d.stretch_id),
        gentle_only=False,
    )

    strength: Prescription | None = None
    if not state.profile.strength_paused:
        gentle = is_gentle_day(past, local_date)
        avoid = frozenset(d.strength_id for d in yesterday if d.strength_id)
        strength = _choose(library, state, Kind.STRENGTH, rng, avoid=avoid, gentle_only=gentle)
        if strength is None and stretch is None:
            raise NoAllowedMoveError(Kind.STRENGTH)

    return Plan(
        local_date=local_date,
        stretch=stretch,
        strength=strength,
        focus=_day_focus(state, local_date, stretch, strength),
    )


def is_gentle_day(history: Sequence[PastDay], local_date: date) -> bool:
    """Whether `local_date` must not be a high-intensity strength day.

    Not two hard days in a row, and at most three in any rolling seven days: the window that
    ends today already holds three hard days among the six before it.
    """
    hard_days = {d.local_date for d in history if d.high_intensity and d.local_date < local_date}
    if local_date - timedelta(days=1) in hard_days:
        return True
    window_start = local_date - timedelta(days=ROLLING_WEEK_DAYS - 1)
    recent = sum(1 for d in hard_days if d >= window_start)
    return recent >= MAX_HARD_DAYS_PER_WEEK


def plan_extra(
    library: Library,
    state: CoachState,
    area: Area | None,
    kind: Kind,
    rng: random.Random,
) -> Prescription:
    """One extra move of `kind` for "/more", serving `area` where any allowed move does.

    Extra strength work is always low intensity so that "/more" never adds a hard day to the
    weekly rhythm. Today's (the latest recorded) moves are avoided when there is another.
    Raises StrengthPausedError for strength while paused, NoAllowedMoveError if nothing fits.
    """
    if kind is Kind.STRENGTH and state.profile.strength_paused:
        raise StrengthPausedError("strength work is paused; resume it first")
    gentle = kind is Kind.STRENGTH
    offers = _offers(library, state, kind, gentle_only=gentle)
    if not offers:
        raise NoAllowedMoveError(kind)
    if area is not None:
        serving = [p for p in offers if area in p.move.areas]
        offers = serving or offers
    if state.history:
        latest = max(state.history, key=lambda d: d.local_date)
        recent = {latest.stretch_id, latest.strength_id}
        offers = [p for p in offers if p.move.id not in recent] or offers
    return rng.choice(offers)


def easier_option(library: Library, state: CoachState, move: Move) -> Prescription | None:
    """The easier version to offer at once after "too hard" on `move`.

    A lower dose of the same move; else the highest allowed lower level at its top dose;
    else (already at the gentlest allowed point of this ladder) another ladder's gentlest
    allowed low-intensity move of the same kind; else None.
    """
    ladder = library.ladders[move.ladder]
    position = state.position(ladder.id)
    step = step_for(move, position)
    if step > 0:
        return Prescription(move=move, dose=move.doses[step - 1])
    lower = [m for m in ladder.moves[: move.level - 1] if allowed(m, state.profile)]
    if lower:
        return Prescription(move=lower[-1], dose=lower[-1].doses[-1])
    for other in library.ladders_of(move.kind):
        if other.id == ladder.id:
            continue
        gentle = [m for m in other.moves if allowed(m, state.profile) and not m.high_intensity]
        if gentle:
            return Prescription(move=gentle[0], dose=gentle[0].doses[0])
    return None


# What a ladder offers depends only on the level and dose step, the allowed moves and
# `gentle_only`: few combinations, so `_offers` remembers them per library (bounded).
OFFER_MEMO_SIZE = 4096
_FIRST = LadderPosition(ladder="")  # where everyone starts on a ladder they have not climbed


def _offers(
    library: Library, state: CoachState, kind: Kind, *, gentle_only: bool
) -> list[Prescription]:
    permitted = allowed_ids(library, state.profile)
    memo = library.offer_memo
    offers = []
    for ladder in library.ladders_of(kind):
        position = state.positions.get(ladder.id, _FIRST)
        key = (ladder.id, position.level, position.dose_step, permitted, gentle_only)
        if key in memo:
            offer = memo[key]
        else:
            if len(memo) >= OFFER_MEMO_SIZE:
                memo.clear()
            offer = memo[key] = _offer(ladder, position, permitted, gentle_only=gentle_only)
        if offer is not None:
            offers.append(offer)
    return offers


def _choose(
    library: Library,
    state: CoachState,
    kind: Kind,
    rng: random.Random,
    *,
    avoid: frozenset[str],
    gentle_only: bool,
) -> Prescription | None:
    offers = _offers(library, state, kind, gentle_only=gentle_only)
    fresh = [p for p in offers if p.move.id not in avoid]
    # Variety: yesterday's move only when it is the only one left.
    pool = fresh or offers
    if not pool:
        return None
    focus = state.profile.focus
    weights = [
        FOCUS_WEIGHT if focus is not None and focus in p.move.areas else OTHER_WEIGHT for p in pool
    ]
    # Weighted towards the focus, never only it: the other ladders keep the habit rounded.
    return rng.choices(pool, weights=weights, k=1)[0]


def _day_focus(
    state: CoachState,
    local_date: date,
    stretch: Prescription | None,
    strength: Prescription | None,
) -> Area:
    if state.profile.focus is not None:
        return state.profile.focus
    areas: set[Area] = set(stretch.move.areas) if stretch is not None else set()
    if strength is not None:
        # What both moves serve if they share something, else what either serves.
        shared = areas & strength.move.areas
        areas = shared or (areas | strength.move.areas)
    # Rotate by date through what the moves serve, so a person without a focus hears about
    # each benefit in turn; no rng, so the reason line never changes a plan's draws.
    choices = sorted(areas) or sorted(Area)
    return choices[local_date.toordinal() % len(choices)]
