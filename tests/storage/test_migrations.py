"""Migrations on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.storage.db import create_engine
from bot.storage.migrate import current_revision, downgrade, head_revision, is_current, upgrade
from bot.storage.models import Base


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_to_head_creates_every_model_table(any_db_url: str) -> None:
    engine = create_engine(any_db_url)
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head_revision(any_db_url)
        assert await is_current(engine)
        async with engine.connect() as conn:
            tables = await conn.run_sync(_tables)
        assert set(Base.metadata.tables) <= tables
    finally:
        await engine.dispose()


async def test_latest_revision_downgrades_and_upgrades_again(any_db_url: str) -> None:
    engine = create_engine(any_db_url)
    try:
        await upgrade(engine)
        await downgrade(engine, "-1")
        assert await current_revision(engine) != head_revision(any_db_url)
        await upgrade(engine)
        assert await is_current(engine)
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(any_db_url: str) -> None:
    """Autogenerate finds nothing to do at head: no model change without a revision."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(any_db_url)
    try:
        await upgrade(engine)

        def diff(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 5000
    finally:
        await engine.dispose()
