"""Engine and session factory, with the SQLite settings that make it a safe embedded default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout runs without setup."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite: WAL, busy timeout, foreign keys, write-first transactions."""
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    ensure_sqlite_dir(url)
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so every transaction can begin IMMEDIATE:
        # a deferred transaction that later writes is what makes WAL answer "database is locked".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class ForeignKeysBroken(RuntimeError):
    """A schema change left rows pointing at rows that do not exist; it was rolled back."""


@asynccontextmanager
async def schema_change(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One transaction for migrations; on SQLite with foreign keys off while it runs.

    Alembic's batch mode changes an SQLite table by copying it, dropping the old one and
    renaming the copy. With foreign keys on, dropping the old `users` deletes every row that
    references it (ON DELETE CASCADE): every session, answer and ladder position. The pragma
    is a no-op inside a transaction, so it is switched off before, on again after, and the
    keys are checked before the commit.
    """
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.run_sync(_pragma, "foreign_keys=OFF")
        try:
            async with connection.begin():
                yield connection
                if sqlite:
                    broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise ForeignKeysBroken(
                            f"{len(broken)} rows would point at missing rows, first: {broken[0]}"
                        )
        finally:
            if sqlite:
                await connection.run_sync(_pragma, "foreign_keys=ON")


def _pragma(connection: Connection, setting: str) -> None:
    # On the driver's own cursor: through SQLAlchemy it would open a transaction first.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA {setting}")
    finally:
        cursor.close()
