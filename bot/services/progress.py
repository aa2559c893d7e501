"""Looking back: the progress picture, the weekly summary, the data export and erasure.

"Done" in the counts here means the same as for the streak: a day whose session has at least
one answer (done, too easy, too hard or it hurt): the person showed up.

Exports come in two shapes:
- JSON is the complete one: every row about the person in every table, as stored, one list
  per table under "tables"; dates and datetimes in ISO 8601 (datetimes in UTC with +00:00).
- CSV is the readable one: the day-by-day history, one row per date with a session or an
  announced rest day, moves by name.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Kind, Library
from bot.domain.safety import PAIN_FINE_MAX
from bot.domain.schedule import local_date_of
from bot.domain.state import LadderPosition, Outcome
from bot.domain.streaks import Streak, best_streak, streak
from bot.services.clock import Clock
from bot.storage.history import (
    DayRecord,
    UserHistory,
    WeeklyStats,
    delete_user,
    export_rows,
    user_history,
    weekly_stats,
)
from bot.storage.repositories import ProgressRepository, UserRepository

GOOD_WEEK_DAYS = 4  # answered days in a week that make it a good week
MANY_TOO_HARD = 2  # "too hard" answers in a week that call for the easier versions


@dataclass(frozen=True, slots=True)
class LadderLevel:
    ladder_id: str
    name: str
    kind: Kind
    level: int
    top_level: int


@dataclass(frozen=True, slots=True)
class ProgressView:
    today: date  # the person's local date
    png: bytes  # 800x600
    streak: Streak
    best_streak: int
    done_last_7: int  # answered days among the last 7 (today included)
    done_last_28: int
    levels: tuple[LadderLevel, ...]  # ladders the person has worked on, in library order


class ExportFormat(StrEnum):
    JSON = "json"  # complete: every row about the person
    CSV = "csv"  # readable: the day-by-day history


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    content: bytes
    mime_type: str


class Suggestion(StrEnum):
    """The one thing the weekly summary suggests; the first rule that applies wins."""

    EASE_OFF = "ease_off"  # "it hurt" or pain above 3 this week: gentler, and mind the pain
    START_SMALL = "start_small"  # no day answered: one small session is enough to restart
    EASIER_VERSIONS = "easier_versions"  # "too hard" twice or more: the easier versions count
    MORE_DAYS = "more_days"  # 1-3 days: aim for GOOD_WEEK_DAYS
    KEEP_GOING = "keep_going"  # a good week


@dataclass(frozen=True, slots=True)
class LevelChange:
    ladder_id: str
    name: str
    from_level: int
    to_level: int

    @property
    def up(self) -> bool:
        return self.to_level > self.from_level


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    week_start: date  # the seven local dates week_start..week_end, today last
    week_end: date
    days_done: int  # answered days
    sessions: int  # sessions that reached the person
    days_rest: int  # announced rest days and "skip today" days
    streak: Streak
    outcomes: Mapping[Outcome, int]
    max_pain: int | None
    level_changes: tuple[LevelChange, ...]
    suggestion: Suggestion


class ProgressService:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], library: Library, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._library = library
        self._clock = clock

    async def progress(self, user_id: int) -> ProgressView | None:
        """The picture and the numbers of /progress; None for a person we don't know."""
        async with self._sessions.begin() as db:
            today = await self._today(db, user_id)
            if today is None:
                return None
            history = await user_history(db, user_id)
            positions = await ProgressRepository(db).positions(user_id)
        # Drawn after the transaction: on SQLite every transaction holds the write lock.
        # In a thread: the drawing is CPU work the event loop should not wait on.
        # matplotlib is imported on the first picture, not at start: it is a third of the
        # process's memory and half a second of start-up that most processes never need.
        from bot.charts import progress_png

        png = await asyncio.to_thread(progress_png, history, self._library, today)
        answered, neutral = history.answered_dates, history.neutral_dates
        return ProgressView(
            today=today,
            png=png,
            streak=streak(answered, neutral, today),
            best_streak=best_streak(answered, neutral, today).days,
            done_last_7=_count_since(answered, today, days=7),
            done_last_28=_count_since(answered, today, days=28),
            levels=current_levels(self._library, history, positions),
        )

    async def weekly_summary(self, user_id: int, today: date) -> WeeklySummary | None:
        """The week of seven local dates ending on `today` (the day the summary goes out)."""
        week_start = today - timedelta(days=6)
        async with self._sessions.begin() as db:
            if await UserRepository(db).get(user_id) is None:
                return None
            stats = await weekly_stats(db, user_id, week_start, today)
            history = await user_history(db, user_id)
            positions = await ProgressRepository(db).positions(user_id)
        return WeeklySummary(
            week_start=week_start,
            week_end=today,
            days_done=stats.days_answered,
            sessions=stats.sessions,
            days_rest=stats.rest_days + stats.days_skipped,
            streak=streak(history.answered_dates, history.neutral_dates, today),
            outcomes=stats.outcomes,
            max_pain=stats.max_pain,
            level_changes=level_changes(self._library, history, positions, week_start, today),
            suggestion=suggest(stats),
        )

    async def export(
        self, user_id: int, fmt: ExportFormat | Literal["json", "csv"]
    ) -> ExportFile | None:
        """The person's data as a file; None for a person we don't know."""
        fmt = ExportFormat(fmt)
        now = self._clock.now()
        async with self._sessions.begin() as db:
            today = await self._today(db, user_id)
            if today is None:
                return None
            if fmt is ExportFormat.CSV:
                history = await user_history(db, user_id)
                return ExportFile(
                    filename=f"inner-thigh-coach-history-{today.isoformat()}.csv",
                    content=history_csv(history, self._library).encode(),
                    mime_type="text/csv",
                )
            rows = await export_rows(db, user_id)
        document = {"exported_at": now, "user_id": user_id, "tables": rows}
        text = json.dumps(document, default=_json_value, ensure_ascii=False, indent=2)
        return ExportFile(
            filename=f"inner-thigh-coach-data-{today.isoformat()}.json",
            content=text.encode(),
            mime_type="application/json",
        )

    async def forget(self, user_id: int) -> dict[str, int]:
        """Delete every row about the person; rows deleted per table (zeros the second time)."""
        async with self._sessions.begin() as db:
            return await delete_user(db, user_id)

    async def _today(self, db: AsyncSession, user_id: int) -> date | None:
        member = await UserRepository(db).get(user_id)
        if member is None:
            return None
        return local_date_of(self._clock.now(), ZoneInfo(member.timezone))


# --- pure helpers -------------------------------------------------------------------------------


def _count_since(dates: frozenset[date], today: date, *, days: int) -> int:
    first = today - timedelta(days=days - 1)
    return sum(1 for d in dates if first <= d <= today)


def current_levels(
    library: Library, history: UserHistory, positions: Mapping[str, LadderPosition]
) -> tuple[LadderLevel, ...]:
    """The level on each ladder the person has a position on or was sent a move from."""
    seen = set(positions)
    for record in history.days:
        seen.update(library.moves[m].ladder for m in record.move_ids if m in library.moves)
    return tuple(
        LadderLevel(
            ladder_id=ladder_id,
            name=ladder.name,
            kind=ladder.kind,
            level=positions.get(ladder_id, LadderPosition(ladder=ladder_id)).level,
            top_level=ladder.top_level,
        )
        for ladder_id, ladder in library.ladders.items()
        if ladder_id in seen
    )


def level_changes(
    library: Library,
    history: UserHistory,
    positions: Mapping[str, LadderPosition],
    week_start: date,
    week_end: date,
) -> tuple[LevelChange, ...]:
    """Ladders whose level changed during the week, from where the week began to now.

    A ladder counts when its position records a level change dated inside the week. Where it
    began is the level of the last move sent from it before the week, or else of the first
    one sent in the week (the schema keeps no log of levels, only the last change date).
    """
    before: dict[str, int] = {}
    first_in_week: dict[str, int] = {}
    for record in history.days:
        if record.local_date > week_end:
            break
        for move_id in record.move_ids:
            move = library.moves.get(move_id)
            if move is None:
                continue
            if record.local_date < week_start:
                before[move.ladder] = move.level
            else:
                first_in_week.setdefault(move.ladder, move.level)
    changes = []
    for ladder_id, ladder in library.ladders.items():
        position = positions.get(ladder_id)
        if position is None or position.level_changed_on is None:
            continue
        if not week_start <= position.level_changed_on <= week_end:
            continue
        began = before.get(ladder_id, first_in_week.get(ladder_id))
        if began is not None and began != position.level:
            changes.append(LevelChange(ladder_id, ladder.name, began, position.level))
    return tuple(changes)


def suggest(stats: WeeklyStats) -> Suggestion:
    hurt = stats.outcomes.get(Outcome.HURT, 0) > 0
    if hurt or (stats.max_pain is not None and stats.max_pain > PAIN_FINE_MAX):
        return Suggestion.EASE_OFF
    if stats.days_answered == 0:
        return Suggestion.START_SMALL
    if stats.outcomes.get(Outcome.TOO_HARD, 0) >= MANY_TOO_HARD:
        return Suggestion.EASIER_VERSIONS
    if stats.days_answered < GOOD_WEEK_DAYS:
        return Suggestion.MORE_DAYS
    return Suggestion.KEEP_GOING


CSV_COLUMNS = (
    "date",
    "status",
    "focus",
    "stretch",
    "stretch_answer",
    "stretch_pain",
    "strength",
    "strength_answer",
    "strength_pain",
    "skipped",
    "rest_day",
)


def history_csv(history: UserHistory, library: Library) -> str:
    """One row per date with a session or an announced rest day, oldest first."""
    by_date: dict[date, DayRecord | None] = dict.fromkeys(history.rest_dates)
    by_date.update({record.local_date: record for record in history.days})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for day in sorted(by_date):
        record = by_date[day]
        rest = "yes" if day in history.rest_dates else ""
        if record is None:
            writer.writerow([day.isoformat(), "", "", "", "", "", "", "", "", "", rest])
            continue
        writer.writerow(
            [
                day.isoformat(),
                record.status.value,
                record.focus.value,
                *_move_cells(record, record.stretch_id, library),
                *_move_cells(record, record.strength_id, library),
                "yes" if record.skipped else "",
                rest,
            ]
        )
    return out.getvalue()


def _move_cells(record: DayRecord, move_id: str | None, library: Library) -> list[str]:
    if move_id is None:
        return ["", "", ""]
    move = library.moves.get(move_id)
    answer = record.answers.get(move_id)
    return [
        move.name if move else move_id,
        answer.outcome.value if answer else "",
        "" if answer is None or answer.pain is None else str(answer.pain),
    ]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
