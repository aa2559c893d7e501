"""How answers move a person along a ladder (DESIGN.md "Adapting difficulty", EVIDENCE.md).

- done (pain 0-3): counts as a clean session; after CLEAN_SESSIONS_TO_PROGRESS in a row at a
  dose the dose goes up; after the top dose of a level, the next level at its first dose.
- too easy: one step up now (next dose, else next level).
- too hard: one step down now (previous dose, else the previous level's top dose), and the
  easier version is offered at once.
- it hurt, or pain above 3 of 10 with any answer: a level down (its first dose) and a check
  the next morning. Pain above 5, or a red flag: also pause strength work.
- no answer: nothing changes. There is deliberately no function for it, so a missed day can
  never move anyone.
- levels the person's screen or equipment rules out are skipped both ways: the next level
  up is the next one they can do, the level down the highest one below they can do.

Ladders with `max_levels_per_week` (Copenhagen) change level at most that often: with one a
week, six levels take at least 35 days from the first session. `level_changed_on` is read as
"the date the person arrived at this level"; the first answer on a ladder sets it, which
starts the week for level 1 too. A step up that the cap blocks reports CAPPED_WEEKLY and
keeps the person at the top dose, ready to move when the week is up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.domain.library import Ladder, Library, Move
from bot.domain.planner import easier_option, step_for
from bot.domain.safety import PAIN_ACCEPTABLE_MAX, PAIN_FINE_MAX, PAIN_SCALE_MAX, allowed
from bot.domain.state import CoachState, LadderPosition, Outcome, Prescription, Profile

# EVIDENCE.md: "Progress a move after two consecutive clean sessions at the top of its range".
CLEAN_SESSIONS_TO_PROGRESS = 2
DAYS_PER_WEEK = 7


class Change(StrEnum):
    """What an answer did to the person's position on the move's ladder."""

    DOSE_UP = "dose_up"
    LEVEL_UP = "level_up"
    DOSE_DOWN = "dose_down"
    LEVEL_DOWN = "level_down"
    NONE = "none"  # nothing moved (a clean session may still have been counted)
    CAPPED_WEEKLY = "capped_weekly"  # ready to move up, but this ladder's weekly cap says wait
    AT_TOP = "at_top"  # would move up, but this is the ladder's last level and dose
    AT_BOTTOM = "at_bottom"  # would move down, but this is the gentlest point already


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    state: CoachState
    changed: Change
    position: LadderPosition  # the new position on the move's ladder
    easier: Prescription | None = None  # after "too hard": offer this at once
    check_next_morning: bool = False
    red_flag: bool = False  # strength is now paused; advise a professional check


@dataclass(frozen=True, slots=True)
class MorningCheckResult:
    state: CoachState
    changed: Change
    worse: bool  # worse than yesterday: remember it and pass it back tomorrow
    red_flag: bool
    check_again: bool  # ask again tomorrow morning


def apply_feedback(
    library: Library,
    state: CoachState,
    move_id: str,
    outcome: Outcome,
    *,
    today: date,
    pain: int | None = None,
    red_flag: bool = False,
) -> FeedbackResult:
    """Apply one answer about one move and return the new state and what changed.

    `pain` is the 0-10 score if the person gave one; `red_flag` is True when
    `safety.find_red_flags` found something in their words. Raises KeyError for a move id
    the library does not have and ValueError for a pain score outside 0-10.
    """
    _check_pain(pain)
    move = library.move(move_id)
    ladder = library.ladders[move.ladder]
    old = _clamped(ladder, state.position(ladder.id))
    is_red = red_flag or (pain is not None and pain > PAIN_ACCEPTABLE_MAX)
    hurt = is_red or outcome is Outcome.HURT or (pain is not None and pain > PAIN_FINE_MAX)

    if (
        move.level < old.level
        and allowed(ladder.move_at(old.level), state.profile)
        and not hurt
        and outcome is not Outcome.TOO_HARD
    ):
        # A gentle-day fallback below their own level, which they can still do on hard days:
        # doing the easier move well says nothing new, so their position waits.
        new, change = old, Change.NONE
    else:
        base = _as_done(ladder, old, move, today)
        if hurt:
            new, change = _level_down(ladder, base, today, state.profile)
        elif outcome is Outcome.TOO_HARD:
            new, change = _step_down(ladder, base, today, state.profile)
        elif outcome is Outcome.TOO_EASY:
            new, change = _step_up(ladder, base, today, state.profile)
        else:
            new, change = _count_clean(ladder, base, today, state.profile)

    easier = None
    if outcome is Outcome.TOO_HARD and not hurt:
        easier = easier_option(library, state, move)
    profile = state.profile
    if is_red:
        profile = replace(profile, strength_paused=True)
    return FeedbackResult(
        state=replace(state, profile=profile, positions={**state.positions, ladder.id: new}),
        changed=change,
        position=new,
        easier=easier,
        check_next_morning=hurt,
        red_flag=is_red,
    )


def resume_strength(state: CoachState) -> CoachState:
    """Lift the pause a red flag set; positions stay where the red flag left them."""
    return replace(state, profile=replace(state.profile, strength_paused=False))


def morning_check(
    state: CoachState,
    ladder: Ladder,
    pain_now: int,
    pain_yesterday: int | None,
    *,
    today: date,
    previous_morning_worse: bool = False,
) -> MorningCheckResult:
    """Apply the next-morning pain check after a painful session on `ladder`.

    EVIDENCE.md stop rules: pain worse than yesterday means less load next time (one step
    down); worse two mornings running, or above 5 of 10, is a red flag that pauses strength
    work. Any pain still there stops progress for now (the clean streak restarts).
    `pain_yesterday` is the score given after yesterday's session (or at yesterday's check);
    `previous_morning_worse` is the `worse` of yesterday's check, which the caller keeps.
    """
    _check_pain(pain_now)
    _check_pain(pain_yesterday)
    old = _clamped(ladder, state.position(ladder.id))
    worse = pain_yesterday is not None and pain_now > pain_yesterday
    is_red = pain_now > PAIN_ACCEPTABLE_MAX or (worse and previous_morning_worse)
    if worse or is_red:
        new, change = _step_down(ladder, old, today, state.profile)
    else:
        new, change = (replace(old, clean_streak=0) if pain_now > 0 else old), Change.NONE
    profile = replace(state.profile, strength_paused=True) if is_red else state.profile
    return MorningCheckResult(
        state=replace(state, profile=profile, positions={**state.positions, ladder.id: new}),
        changed=change,
        worse=worse,
        red_flag=is_red,
        check_again=not is_red and (worse or pain_now > PAIN_FINE_MAX),
    )


def _check_pain(pain: int | None) -> None:
    if pain is not None and not 0 <= pain <= PAIN_SCALE_MAX:
        raise ValueError(f"pain must be 0-{PAIN_SCALE_MAX}, got {pain}")


def _top_step(ladder: Ladder, level: int) -> int:
    return len(ladder.move_at(level).doses) - 1


def _clamped(ladder: Ladder, position: LadderPosition) -> LadderPosition:
    # Content can change under a stored position (a level or dose removed): never index past
    # the ladder, never below level 1 or dose 0.
    level = min(max(position.level, 1), ladder.top_level)
    step = min(max(position.dose_step, 0), _top_step(ladder, level))
    streak = min(max(position.clean_streak, 0), CLEAN_SESSIONS_TO_PROGRESS)
    if (level, step, streak) == (position.level, position.dose_step, position.clean_streak):
        return position
    return replace(position, level=level, dose_step=step, clean_streak=streak)


def _as_done(ladder: Ladder, old: LadderPosition, move: Move, today: date) -> LadderPosition:
    """The position the answer is about: where the person actually was for this move.

    A move above their level is the ladder's gentlest one their profile allows, so it is
    their real starting point; a move below it stood in for a level their profile rules out,
    so that is where they really are. Either way the answer counts from there.
    """
    base = old
    if move.level != old.level:
        base = LadderPosition(
            ladder=ladder.id,
            level=move.level,
            dose_step=step_for(move, old),
            clean_streak=0,
            level_changed_on=old.level_changed_on,
        )
    if base.level_changed_on is None:
        base = replace(base, level_changed_on=today)
    return base


def _next_level(ladder: Ladder, level: int, profile: Profile) -> int | None:
    # Levels the person's screen or equipment rules out are skipped: the next level for
    # them is the next one they can do.
    return next((m.level for m in ladder.moves[level:] if allowed(m, profile)), None)


def _previous_level(ladder: Ladder, level: int, profile: Profile) -> int | None:
    lower = [m.level for m in ladder.moves[: level - 1] if allowed(m, profile)]
    return lower[-1] if lower else None


def _capped(ladder: Ladder, position: LadderPosition, today: date) -> bool:
    if ladder.max_levels_per_week is None or position.level_changed_on is None:
        return False
    # N levels a week, spaced at least ceil(7 / N) days apart, is never more than N in any
    # seven days; the position only remembers the last change, so spacing is what we can check.
    spacing = math.ceil(DAYS_PER_WEEK / ladder.max_levels_per_week)
    return (today - position.level_changed_on).days < spacing


def _count_clean(
    ladder: Ladder, base: LadderPosition, today: date, profile: Profile
) -> tuple[LadderPosition, Change]:
    streak = base.clean_streak + 1
    counted = replace(base, clean_streak=min(streak, CLEAN_SESSIONS_TO_PROGRESS))
    if streak < CLEAN_SESSIONS_TO_PROGRESS:
        return counted, Change.NONE
    return _step_up(ladder, counted, today, profile)


def _step_up(
    ladder: Ladder, base: LadderPosition, today: date, profile: Profile
) -> tuple[LadderPosition, Change]:
    if base.dose_step < _top_step(ladder, base.level):
        return replace(base, dose_step=base.dose_step + 1, clean_streak=0), Change.DOSE_UP
    level = _next_level(ladder, base.level, profile)
    if level is None:
        return base, Change.AT_TOP
    if _capped(ladder, base, today):
        # Ready to move: the first clean answer after the week is up moves them.
        return replace(base, clean_streak=CLEAN_SESSIONS_TO_PROGRESS), Change.CAPPED_WEEKLY
    return (
        replace(base, level=level, dose_step=0, clean_streak=0, level_changed_on=today),
        Change.LEVEL_UP,
    )


def _step_down(
    ladder: Ladder, base: LadderPosition, today: date, profile: Profile
) -> tuple[LadderPosition, Change]:
    if base.dose_step > 0:
        return replace(base, dose_step=base.dose_step - 1, clean_streak=0), Change.DOSE_DOWN
    level = _previous_level(ladder, base.level, profile)
    if level is None:
        return replace(base, clean_streak=0), Change.AT_BOTTOM
    lower = replace(
        base,
        level=level,
        dose_step=_top_step(ladder, level),
        clean_streak=0,
        level_changed_on=today,
    )
    return lower, Change.LEVEL_DOWN


def _level_down(
    ladder: Ladder, base: LadderPosition, today: date, profile: Profile
) -> tuple[LadderPosition, Change]:
    # Pain is a stronger signal than "too hard": the level below from its first dose.
    level = _previous_level(ladder, base.level, profile)
    if level is not None:
        lower = replace(base, level=level, dose_step=0, clean_streak=0, level_changed_on=today)
        return lower, Change.LEVEL_DOWN
    if base.dose_step > 0:
        return replace(base, dose_step=0, clean_streak=0), Change.DOSE_DOWN
    return replace(base, clean_streak=0), Change.AT_BOTTOM
