"""Shared fixtures: a real emulator on 127.0.0.1, a real SQLite file, the real Application."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.app import build_application
from bot.domain.library import Library
from bot.library import load_library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.telegram.context import CoachApplication
from tests.pg import start_postgres
from tests.support import settings_for, start_app, stop_app

# PTB's timedelta durations, as the composition root opts in; set before any test builds a bot.
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"


@pytest.fixture
def clock() -> ManualClock:
    # A Monday morning in winter: 06:00 UTC is 07:00 in Berlin.
    return ManualClock(datetime(2026, 3, 2, 6, 0, tzinfo=UTC))


@pytest.fixture
async def running_app(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> AsyncIterator[CoachApplication]:
    app = build_application(
        settings_for(emulator, db_url), library=library, clock=clock, run_dispatcher=False
    )
    await start_app(app)
    try:
        yield app
    finally:
        await stop_app(app)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server for the whole run: TEST_POSTGRES_URL, or one the suite starts."""
    given = os.environ.get("TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        server = start_postgres()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL for the PostgreSQL tests: {exc}")
        pytest.skip(f"no PostgreSQL server binaries here: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


def _plain_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def pg_url(pg_server: str) -> AsyncIterator[str]:
    """A fresh, empty database on the shared server, dropped afterwards."""
    name = f"coach_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_plain_dsn(pg_server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield pg_server.rsplit("/", 1)[0] + "/" + name
    admin = await asyncpg.connect(_plain_dsn(pg_server))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'coach.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url
