"""Registered users, written straight into a migrated database: SQLite by executemany inside
one transaction, PostgreSQL by COPY. Seeding is timed apart from anything it prepares for.

Every population is deterministic: ``due`` people have their reminder at BENCH_DUE (the same
minute, spread over several time zones), everyone else later that day or the next. Columns
the bench does not choose take the model's own defaults, so the seed follows the schema.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Column, Table
from sqlalchemy.dialects import sqlite

from bot.domain.schedule import next_reminder_at
from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.models import User, UserStatus

BENCH_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday: the minute every burst is due
BENCH_NOW = BENCH_DUE + timedelta(seconds=30)  # where the bench's clock starts
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)
QUARTER_HOURS = tuple(dtime(h, m) for h in range(24) for m in (0, 15, 30, 45))
_LATER = timedelta(hours=1)  # people who are not due stay clear of any bench's window


@dataclass(frozen=True)
class Population:
    total: int
    due: int  # of whom due at BENCH_DUE
    first_id: int = 1


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _explicit_values(zone: str, local: dtime, due_at: datetime) -> dict[str, Any]:
    created = BENCH_DUE - timedelta(days=30)
    return {
        "language_code": "en",
        "timezone": zone,
        "reminder_time": local.strftime("%H:%M"),
        "next_reminder_at": due_at,
        "status": UserStatus.ACTIVE.value,
        "created_at": created,
        "updated_at": created,
    }


def _default_of(column: Column[Any]) -> Any:
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        value = default.arg  # type: ignore[attr-defined]
        return value.value if hasattr(value, "value") else value
    if default is not None and getattr(default, "is_callable", False):
        return default.arg(None)  # type: ignore[attr-defined]
    if column.nullable:
        return None
    raise ValueError(f"the bench does not know what to put in users.{column.name}")


class _Templates:
    """One row template per (zone, local time): 8 zones x 96 quarter-hours, plus the due ones.

    Only the id and chat id differ between people sharing a template, so a million rows cost
    a million tuple concatenations, not a million schedule computations.
    """

    def __init__(self, columns: Sequence[Column[Any]], convert: Callable[[str, Any], Any]) -> None:
        chosen = {"id", "chat_id", *_explicit_values("UTC", dtime(0, 0), BENCH_DUE)}
        self._names = [c.name for c in columns if c.name not in ("id", "chat_id")]
        self._defaults = {c.name: _default_of(c) for c in columns if c.name not in chosen}
        self._convert = convert
        self.due: list[tuple[Any, ...]] = []
        for zone in ZONES:
            tz = ZoneInfo(zone)
            local = BENCH_DUE.astimezone(tz).time().replace(second=0, microsecond=0)
            due_at = next_reminder_at(local, tz, BENCH_DUE - timedelta(minutes=1))
            assert due_at == BENCH_DUE, (zone, due_at)
            self.due.append(self._row(zone, local, due_at))
        self.later = [
            self._row(zone, local, next_reminder_at(local, ZoneInfo(zone), BENCH_NOW + _LATER))
            for zone in ZONES
            for local in QUARTER_HOURS
        ]

    def _row(self, zone: str, local: dtime, due_at: datetime) -> tuple[Any, ...]:
        values = {**self._defaults, **_explicit_values(zone, local, due_at)}
        return tuple(self._convert(name, values[name]) for name in self._names)

    @property
    def column_names(self) -> list[str]:
        return ["id", "chat_id", *self._names]

    def rows(self, population: Population) -> Iterator[tuple[Any, ...]]:
        for offset in range(population.total):
            user_id = population.first_id + offset
            if offset < population.due:
                template = self.due[offset % len(self.due)]
            else:
                template = self.later[(offset * 7919) % len(self.later)]
            yield (user_id, user_id, *template)


def _columns_in(existing: set[str]) -> list[Column[Any]]:
    table = User.__table__
    assert isinstance(table, Table)
    return [c for c in table.columns if c.name in existing]


async def migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------- SQLite


def seed_sqlite(path: Path, population: Population) -> float:
    """Migrate a new SQLite file and insert the population in one transaction; seconds taken."""
    started = time.perf_counter()
    asyncio.run(migrate(sqlite_url(path)))
    dialect = sqlite.dialect()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        existing = {row[1] for row in conn.execute("PRAGMA table_info(users)")}
        columns = _columns_in(existing)
        processors = {c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns}

        def convert(name: str, value: Any) -> Any:
            process = processors[name]
            return value if process is None or value is None else process(value)

        templates = _Templates(columns, convert)
        names = templates.column_names
        sql = f"INSERT INTO users ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"  # noqa: S608
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany(sql, templates.rows(population))
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return time.perf_counter() - started


def sqlite_delivery_counts(path: Path) -> dict[str, int]:
    """What the database says after a burst: sessions by status and any double-sends."""
    conn = sqlite3.connect(path)
    try:
        by_status = dict(
            conn.execute("SELECT status, count(*) FROM daily_sessions GROUP BY status")
        )
        (sessions, people, second_or_later) = conn.execute(
            "SELECT count(*), count(DISTINCT user_id || ':' || local_date),"
            " sum(telegram_message_id > 1) FROM daily_sessions"
        ).fetchone()
        still_due = conn.execute(
            "SELECT count(*) FROM users WHERE next_reminder_at <= ?",
            (BENCH_DUE.strftime("%Y-%m-%d %H:%M:%S.%f"),),
        ).fetchone()[0]
    finally:
        conn.close()
    return {
        "sessions": int(sessions),
        "distinct_user_dates": int(people),
        "sent": int(by_status.get("sent", 0)),
        "pending": int(by_status.get("pending", 0)),
        "failed": int(by_status.get("failed", 0)),
        "expired": int(by_status.get("expired", 0)),
        # Each chat numbers its messages from 1: a recorded id above 1 is a second message.
        "message_id_above_1": int(second_or_later or 0),
        "users_still_due": int(still_due),
    }


# ---------------------------------------------------------------------- PostgreSQL


def plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def create_pg_database(server_url: str, name: str) -> str:
    """A fresh database on the bench's server; its SQLAlchemy URL."""
    admin = await asyncpg.connect(plain_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return server_url.rsplit("/", 1)[0] + "/" + name


async def seed_postgres(url: str, population: Population) -> float:
    """Migrate, COPY the population in, ANALYZE; seconds taken."""
    started = time.perf_counter()
    await migrate(url)
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        existing = {
            r["column_name"]
            for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'users'"
            )
        }
        columns = _columns_in(existing)

        def convert(_name: str, value: Any) -> Any:
            # asyncpg takes Python values natively; JSON columns take their text.
            return json.dumps(value) if isinstance(value, list | dict) else value

        templates = _Templates(columns, convert)
        await conn.copy_records_to_table(
            "users", records=templates.rows(population), columns=templates.column_names
        )
        await conn.execute("ANALYZE users")
    finally:
        await conn.close()
    return time.perf_counter() - started
