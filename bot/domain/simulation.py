"""Simulated people answering the coach day after day, to see the rules at work.

Personas are data: a profile and phases of answers. `simulate` runs the same pure functions
the bot runs (plan, feedback, next-morning check), one day at a time, and `format_simulation`
prints one line a day. `coach simulate --persona NAME --days N` shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.domain.library import Area, Contraindication, Dose, Equipment, Library
from bot.domain.planner import plan_day, rng_for
from bot.domain.progression import Change, apply_feedback, morning_check
from bot.domain.state import CoachState, LadderPosition, Outcome, PastDay, Prescription, Profile

HISTORY_DAYS = 14  # CoachState.history: "the last 14 days are enough"


@dataclass(frozen=True, slots=True)
class Answer:
    outcome: Outcome | None  # None: no answer that day
    pain: int | None = None


@dataclass(frozen=True, slots=True)
class Phase:
    days: int | None  # None: until the end of the simulation
    stretch: Answer
    strength: Answer


@dataclass(frozen=True, slots=True)
class Persona:
    name: str
    description: str
    profile: Profile
    phases: tuple[Phase, ...]
    morning_pain: int = 1  # what they say when asked the morning after a painful session

    def answers_on(self, day_index: int) -> Phase:
        """The phase that holds day `day_index` (0-based); the last one goes on for ever."""
        start = 0
        for phase in self.phases:
            if phase.days is None or day_index < start + phase.days:
                return phase
            start += phase.days
        return self.phases[-1]


ALL_EQUIPMENT = frozenset(Equipment)
_DONE = Answer(Outcome.DONE)


def _always(outcome: Outcome | None) -> tuple[Phase, ...]:
    return (Phase(None, Answer(outcome), Answer(outcome)),)


PERSONAS: Mapping[str, Persona] = {
    p.name: p
    for p in (
        Persona(
            name="always-done",
            description="Does both moves every day; has all the equipment.",
            profile=Profile(equipment=ALL_EQUIPMENT),
            phases=_always(Outcome.DONE),
        ),
        Persona(
            name="always-too-hard",
            description="Finds every move too hard, every day.",
            profile=Profile(equipment=ALL_EQUIPMENT),
            phases=_always(Outcome.TOO_HARD),
        ),
        Persona(
            name="done-then-hurt",
            description=(
                "Done for three weeks, then the strength move hurts (pain 5/10), then done; "
                "feels better (2/10) the next morning."
            ),
            profile=Profile(equipment=ALL_EQUIPMENT),
            phases=(
                Phase(21, _DONE, _DONE),
                Phase(1, _DONE, Answer(Outcome.HURT, pain=5)),
                Phase(None, _DONE, _DONE),
            ),
            morning_pain=2,
        ),
        Persona(
            name="balance-no-floor",
            description="Wants better balance, cannot get down to the floor, always done.",
            profile=Profile(
                focus=Area.BALANCE,
                equipment=frozenset(
                    {Equipment.NONE, Equipment.CHAIR, Equipment.WALL, Equipment.PILLOW}
                ),
                contraindications=frozenset({Contraindication.NO_FLOOR}),
            ),
            phases=_always(Outcome.DONE),
        ),
        Persona(
            name="groin-strain",
            description=(
                "Has a recent groin strain: pain-free strengthening only and, with the real "
                "library, no stretch at all; always done."
            ),
            profile=Profile(
                equipment=ALL_EQUIPMENT,
                contraindications=frozenset({Contraindication.RECENT_GROIN_STRAIN}),
            ),
            phases=_always(Outcome.DONE),
        ),
        Persona(
            name="silent",
            description="Never answers: nothing should move.",
            profile=Profile(equipment=ALL_EQUIPMENT),
            phases=_always(None),
        ),
    )
}


@dataclass(frozen=True, slots=True)
class SimMove:
    move_id: str
    ladder: str
    level: int
    dose: Dose
    high_intensity: bool
    outcome: Outcome | None
    pain: int | None
    change: Change | None  # None when there was no answer


@dataclass(frozen=True, slots=True)
class SimDay:
    day: int  # 1 = the first simulated day
    local_date: date
    focus: Area
    stretch: SimMove | None  # None when the persona's screen allows no stretch
    strength: SimMove | None  # None while strength work is paused, or a strength rest day
    morning_pain: int | None  # the morning check asked today, if one was
    morning_change: Change | None
    check_next_morning: bool
    red_flag: bool
    strength_paused: bool  # after today's answers
    positions: Mapping[str, LadderPosition]  # every ladder, after today's answers


def simulate(
    library: Library,
    persona: Persona,
    days: int = 56,
    *,
    start: date,
    seed: int,
) -> list[SimDay]:
    """Run `persona` through `days` days from `start`; the same seed gives the same run."""
    state = CoachState(profile=persona.profile)
    pending: dict[str, int | None] = {}  # ladder -> pain yesterday, for tomorrow's check
    worse_yesterday: dict[str, bool] = {}
    result: list[SimDay] = []
    for index in range(days):
        today = start + timedelta(days=index)
        red_flag = False
        morning_pain: int | None = None
        morning_change: Change | None = None
        checks, pending = pending, {}
        for ladder_id, pain_yesterday in sorted(checks.items()):
            check = morning_check(
                state,
                library.ladders[ladder_id],
                persona.morning_pain,
                pain_yesterday,
                today=today,
                previous_morning_worse=worse_yesterday.get(ladder_id, False),
            )
            state = check.state
            worse_yesterday[ladder_id] = check.worse
            morning_pain, morning_change = persona.morning_pain, check.changed
            red_flag |= check.red_flag
            if check.check_again:
                pending[ladder_id] = persona.morning_pain

        plan = plan_day(library, state, today, rng_for(seed, today))
        past = PastDay(
            local_date=today,
            stretch_id=plan.stretch.move.id if plan.stretch else None,
            strength_id=plan.strength.move.id if plan.strength else None,
            high_intensity=bool(plan.strength and plan.strength.move.high_intensity),
        )
        state = replace(state, history=(*state.history, past)[-HISTORY_DAYS:])

        phase = persona.answers_on(index)
        moves: list[SimMove | None] = []
        for prescription, answer in (
            (plan.stretch, phase.stretch),
            (plan.strength, phase.strength),
        ):
            if prescription is None:
                moves.append(None)
                continue
            change: Change | None = None
            if answer.outcome is not None:
                feedback = apply_feedback(
                    library,
                    state,
                    prescription.move.id,
                    answer.outcome,
                    today=today,
                    pain=answer.pain,
                )
                state, change = feedback.state, feedback.changed
                red_flag |= feedback.red_flag
                if feedback.check_next_morning:
                    pending[prescription.move.ladder] = answer.pain
            moves.append(_sim_move(prescription, answer, change))

        stretch_move, strength_move = moves
        result.append(
            SimDay(
                day=index + 1,
                local_date=today,
                focus=plan.focus,
                stretch=stretch_move,
                strength=strength_move,
                morning_pain=morning_pain,
                morning_change=morning_change,
                check_next_morning=bool(pending),
                red_flag=red_flag,
                strength_paused=state.profile.strength_paused,
                positions={ladder: state.position(ladder) for ladder in sorted(library.ladders)},
            )
        )
    return result


def _sim_move(prescription: Prescription, answer: Answer, change: Change | None) -> SimMove:
    move = prescription.move
    return SimMove(
        move_id=move.id,
        ladder=move.ladder,
        level=move.level,
        dose=prescription.dose,
        high_intensity=move.high_intensity,
        outcome=answer.outcome,
        pain=answer.pain,
        change=change,
    )


_CHANGE_MARKS: Mapping[Change, str] = {
    Change.DOSE_UP: "+dose",
    Change.LEVEL_UP: "+LEVEL",
    Change.DOSE_DOWN: "-dose",
    Change.LEVEL_DOWN: "-LEVEL",
    Change.NONE: "",
    Change.CAPPED_WEEKLY: "capped",
    Change.AT_TOP: "top",
    Change.AT_BOTTOM: "bottom",
}


def format_dose(dose: Dose) -> str:
    """A dose in a few characters: "2x30s", "1x8/side"."""
    amount = f"{dose.hold_seconds}s" if dose.hold_seconds is not None else f"{dose.reps}"
    return f"{dose.sets}x{amount}{'/side' if dose.per_side else ''}"


def _cell(move: SimMove | None, *, empty: str) -> str:
    if move is None:
        return empty
    answer = "-" if move.outcome is None else move.outcome.value
    if move.pain is not None:
        answer += f" {move.pain}/10"
    mark = _CHANGE_MARKS[move.change] if move.change is not None else ""
    intensity = " HI" if move.high_intensity else ""
    return f"{move.move_id} {format_dose(move.dose)}{intensity} {answer} {mark}".rstrip()


def format_simulation(result: Sequence[SimDay]) -> str:
    """One line a day (date, focus, both moves with dose, answer and change), then where
    each ladder ended up."""
    lines = [f"{'day':>3} {'date':<14} {'focus':<8} {'stretch':<36} {'strength':<44} notes"]
    for day in result:
        notes = []
        if day.morning_pain is not None:
            mark = _CHANGE_MARKS[day.morning_change] if day.morning_change else ""
            notes.append(f"morning {day.morning_pain}/10 {mark}".rstrip())
        if day.check_next_morning:
            notes.append("ask tomorrow")
        if day.red_flag:
            notes.append("RED FLAG")
        stretch = _cell(day.stretch, empty="—")  # no stretch is allowed for this persona
        strength = _cell(day.strength, empty="(paused)")
        lines.append(
            f"{day.day:>3} {day.local_date:%Y-%m-%d %a} {day.focus.value:<8} "
            f"{stretch:<36} {strength:<44} {'; '.join(notes)}".rstrip()
        )
    if result:
        last = result[-1]
        lines.append("final positions:")
        for ladder, position in last.positions.items():
            lines.append(
                f"  {ladder:<14} level {position.level}  dose step {position.dose_step}"
                f"  streak {position.clean_streak}"
            )
        if last.strength_paused:
            lines.append("  strength work paused")
    return "\n".join(lines)
