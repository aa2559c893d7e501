"""A person's history, their data export and their erasure. Takes an AsyncSession, never commits.

Which tables hold rows about a person is read from `Base.metadata`: every table with a foreign
key to `users.id`, and every table with a foreign key to a row about the person (a nudge about
one of their sessions), however deep. A table added later is exported and erased without a
change here; `personal_tables()` is what the tests check against the whole metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Table, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.library import Area
from bot.domain.state import Outcome
from bot.storage.models import Base, DailySession, Feedback, RestDay, SessionStatus, User

USERS: Table = User.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class DayAnswer:
    outcome: Outcome
    pain: int | None


@dataclass(frozen=True, slots=True)
class DayRecord:
    """One local date with a session: what was sent and what the person answered."""

    local_date: date
    session_id: int
    status: SessionStatus
    focus: Area
    stretch_id: str | None  # None on a day when no stretch was safe for the person
    strength_id: str | None
    skipped: bool
    answers: Mapping[str, DayAnswer] = field(default_factory=dict)  # by move id

    @property
    def answered(self) -> bool:
        return bool(self.answers)

    @property
    def move_ids(self) -> tuple[str, ...]:
        return tuple(m for m in (self.stretch_id, self.strength_id) if m is not None)

    @property
    def excused(self) -> bool:
        """Not the person's doing, so never counted against them: "skip today", a session
        the bot failed to deliver, or a day the bot itself gave as rest (no move to do)."""
        return (
            self.skipped
            or self.status in (SessionStatus.FAILED, SessionStatus.EXPIRED)
            or not self.move_ids
        )


@dataclass(frozen=True, slots=True)
class UserHistory:
    user_id: int
    since: date | None
    days: tuple[DayRecord, ...]  # by local date, oldest first
    rest_dates: frozenset[date]  # announced rest days

    @property
    def answered_dates(self) -> frozenset[date]:
        return frozenset(d.local_date for d in self.days if d.answered)

    @property
    def neutral_dates(self) -> frozenset[date]:
        """Days that neither add to nor break a streak: announced rest, and excused days."""
        excused = {d.local_date for d in self.days if d.excused}
        return self.rest_dates | excused

    def day(self, local_date: date) -> DayRecord | None:
        for record in self.days:
            if record.local_date == local_date:
                return record
        return None


@dataclass(frozen=True, slots=True)
class WeeklyStats:
    """Counts over the local dates week_start..week_end, both included."""

    week_start: date
    week_end: date
    sessions: int  # sessions that reached the person (sent)
    days_answered: int
    days_skipped: int
    rest_days: int
    outcomes: Mapping[Outcome, int]  # answers by outcome, every outcome present
    max_pain: int | None


async def user_history(db: AsyncSession, user_id: int, since: date | None = None) -> UserHistory:
    """Sessions with their answers, and rest days, from `since` (None: everything)."""
    query = select(DailySession).where(DailySession.user_id == user_id)
    rest_query = select(RestDay.local_date).where(RestDay.user_id == user_id)
    answer_query = (
        select(Feedback.session_id, Feedback.move_id, Feedback.outcome, Feedback.pain)
        .join(DailySession, DailySession.id == Feedback.session_id)
        .where(DailySession.user_id == user_id)
    )
    if since is not None:
        query = query.where(DailySession.local_date >= since)
        rest_query = rest_query.where(RestDay.local_date >= since)
        answer_query = answer_query.where(DailySession.local_date >= since)
    sessions = (await db.scalars(query.order_by(DailySession.local_date))).all()
    answers: dict[int, dict[str, DayAnswer]] = {}
    for session_id, move_id, outcome, pain in await db.execute(answer_query):
        answers.setdefault(session_id, {})[move_id] = DayAnswer(Outcome(outcome), pain)
    days = tuple(
        DayRecord(
            local_date=row.local_date,
            session_id=row.id,
            status=SessionStatus(row.status),
            focus=Area(row.focus),
            stretch_id=row.stretch_id,
            strength_id=row.strength_id,
            skipped=row.skipped,
            answers=answers.get(row.id, {}),
        )
        for row in sessions
    )
    rest = frozenset(await db.scalars(rest_query))
    return UserHistory(user_id=user_id, since=since, days=days, rest_dates=rest)


async def weekly_stats(
    db: AsyncSession, user_id: int, week_start: date, week_end: date
) -> WeeklyStats:
    in_week = (
        DailySession.user_id == user_id,
        DailySession.local_date >= week_start,
        DailySession.local_date <= week_end,
    )
    sessions = await db.scalar(
        select(func.count())
        .select_from(DailySession)
        .where(*in_week, DailySession.status == SessionStatus.SENT)
    )
    skipped = await db.scalar(
        select(func.count()).select_from(DailySession).where(*in_week, DailySession.skipped)
    )
    answered = await db.scalar(
        select(func.count(func.distinct(Feedback.session_id)))
        .join(DailySession, DailySession.id == Feedback.session_id)
        .where(*in_week)
    )
    by_outcome = await db.execute(
        select(Feedback.outcome, func.count(), func.max(Feedback.pain))
        .join(DailySession, DailySession.id == Feedback.session_id)
        .where(*in_week)
        .group_by(Feedback.outcome)
    )
    outcomes = dict.fromkeys(Outcome, 0)
    pains: list[int] = []
    for outcome, count, pain in by_outcome:
        outcomes[Outcome(outcome)] = count
        if pain is not None:
            pains.append(pain)
    rest = await db.scalar(
        select(func.count())
        .select_from(RestDay)
        .where(
            RestDay.user_id == user_id,
            RestDay.local_date >= week_start,
            RestDay.local_date <= week_end,
        )
    )
    return WeeklyStats(
        week_start=week_start,
        week_end=week_end,
        sessions=sessions or 0,
        days_answered=answered or 0,
        days_skipped=skipped or 0,
        rest_days=rest or 0,
        outcomes=outcomes,
        max_pain=max(pains) if pains else None,
    )


# --- every row about a person ------------------------------------------------------------------


def personal_tables() -> tuple[Table, ...]:
    """Tables holding rows about a person, parents before children (users first)."""
    return tuple(table for table, _ in _personal_rows(0))


def _personal_rows(user_id: int) -> list[tuple[Table, ColumnElement[bool]]]:
    found = []
    for table in Base.metadata.sorted_tables:
        condition = _about(table, user_id)
        if condition is not None:
            found.append((table, condition))
    return found


def _about(
    table: Table, user_id: int, path: frozenset[str] = frozenset()
) -> ColumnElement[bool] | None:
    """A WHERE clause selecting the rows of `table` about the person, or None if it has none.

    A row is about the person if any of its foreign keys points at them or at a row about them.
    """
    if table is USERS:
        return USERS.c.id == user_id
    conditions: list[ColumnElement[bool]] = []
    for fk in sorted(table.foreign_keys, key=lambda k: (k.parent.name, k.target_fullname)):
        target = fk.column.table
        if target.name in path or target is table:
            continue  # a cycle or a self-reference adds no new way to reach the person
        if target is USERS:
            if fk.column is USERS.c.id:
                conditions.append(fk.parent == user_id)
            continue
        inner = _about(target, user_id, path | {table.name})
        if inner is not None:
            conditions.append(fk.parent.in_(select(fk.column).where(inner)))
    return or_(*conditions) if conditions else None


def _key(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


async def export_rows(db: AsyncSession, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the person, by table name (users first), columns by name, as stored."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for table, about in _personal_rows(user_id):
        rows = await db.execute(select(table).where(about).order_by(*_key(table)))
        exported[table.name] = [dict(row) for row in rows.mappings()]
    return exported


async def delete_user(db: AsyncSession, user_id: int) -> dict[str, int]:
    """Delete every row about the person, children first; rows deleted per table.

    Explicit deletes rather than ON DELETE CASCADE alone: the counts are exact, and nothing
    depends on the connection having foreign keys switched on. Running it again deletes
    nothing and returns zeros.
    """
    # The person's row lock first, as every other per-person update takes it (PostgreSQL;
    # SQLite's single writer already serialises). ON DELETE CASCADE catches a row added by a
    # transaction that slipped in before the lock.
    await db.execute(select(USERS.c.id).where(USERS.c.id == user_id).with_for_update())
    personal = _personal_rows(user_id)
    counts: dict[str, int] = {}
    for table, about in reversed(personal):
        result = await db.execute(delete(table).where(about))
        counts[table.name] = max(cast("CursorResult[Any]", result).rowcount, 0)
    return {table.name: counts[table.name] for table, _ in personal}
