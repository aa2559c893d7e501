"""Timed nudges (snooze, next-morning pain check, weekly summary) and announced rest days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Nudge, NudgeKind, RestDay


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    id: int
    user_id: int
    kind: NudgeKind
    due_at: datetime
    session_id: int | None
    payload: dict[str, Any]


class NudgeRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(
        self,
        *,
        user_id: int,
        kind: NudgeKind,
        due_at: datetime,
        now: datetime,
        session_id: int | None = None,
        payload: dict[str, Any] | None = None,
        replace: bool = False,
    ) -> None:
        """Schedule a nudge; with `replace`, the person's earlier nudges of this kind go."""
        if replace:
            await self.db.execute(
                delete(Nudge).where(Nudge.user_id == user_id, Nudge.kind == kind.value)
            )
        self.db.add(
            Nudge(
                user_id=user_id,
                kind=kind.value,
                due_at=due_at,
                session_id=session_id,
                payload=payload or {},
                created_at=now,
            )
        )
        await self.db.flush()

    async def claim_due(self, now: datetime, *, limit: int) -> list[NudgeRecord]:
        """Take due nudges out of the table: each is delivered at most once, by one process."""
        rows = (
            await self.db.scalars(
                select(Nudge)
                .where(Nudge.due_at <= now)
                .order_by(Nudge.due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        records = [
            NudgeRecord(r.id, r.user_id, NudgeKind(r.kind), r.due_at, r.session_id, r.payload or {})
            for r in rows
        ]
        if rows:
            await self.db.execute(delete(Nudge).where(Nudge.id.in_([r.id for r in rows])))
        return records

    async def remove(self, nudge_id: int) -> bool:
        """Take one nudge out of the table; False if it was gone already."""
        result = await self.db.execute(delete(Nudge).where(Nudge.id == nudge_id))
        return bool(getattr(result, "rowcount", 0))

    async def pending(self, user_id: int, kind: NudgeKind) -> list[NudgeRecord]:
        rows = await self.db.scalars(
            select(Nudge).where(Nudge.user_id == user_id, Nudge.kind == kind.value)
        )
        return [
            NudgeRecord(r.id, r.user_id, NudgeKind(r.kind), r.due_at, r.session_id, r.payload or {})
            for r in rows
        ]


class RestDayRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, user_id: int, days: list[date]) -> None:
        if not days:
            return
        rows = [{"user_id": user_id, "local_date": d} for d in days]
        insert = pg_insert if self.db.get_bind().dialect.name == "postgresql" else sqlite_insert
        await self.db.execute(insert(RestDay).values(rows).on_conflict_do_nothing())

    async def between(self, user_id: int, start: date, end: date) -> frozenset[date]:
        rows = await self.db.scalars(
            select(RestDay.local_date).where(
                RestDay.user_id == user_id, RestDay.local_date.between(start, end)
            )
        )
        return frozenset(rows)
