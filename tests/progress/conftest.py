"""A database migrated to head, and two people with a few weeks of history in it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import upgrade
from tests.progress.seed import Seeded, seed_alice, seed_bob


async def _migrated(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def sqlite_sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async for factory in _migrated(db_url):
        yield factory


@pytest.fixture
async def any_sessions(any_db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async for factory in _migrated(any_db_url):
        yield factory


@pytest.fixture
async def people(
    any_sessions: async_sessionmaker[AsyncSession],
) -> tuple[Seeded, Seeded]:
    """Alice and Bob on SQLite and on PostgreSQL."""
    return await seed_alice(any_sessions), await seed_bob(any_sessions)


@pytest.fixture
async def sqlite_people(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> tuple[Seeded, Seeded]:
    return await seed_alice(sqlite_sessions), await seed_bob(sqlite_sessions)
