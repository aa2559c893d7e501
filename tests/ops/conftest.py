"""Production operation, in process: the real Application behind the real HTTP server."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import build_application
from bot.domain.library import Library
from bot.metrics import Metrics
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import Clock, ManualClock
from bot.services.health import Readiness
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import upgrade
from bot.storage.repositories import UserRepository
from bot.telegram.context import CoachApplication
from bot.web.endpoints import SECRET_HEADER
from bot.web.runner import BotRunner
from tests.support import settings_for

SECRET = "s3cret-Webhook_token"
WEBHOOK_URL = "https://coach.example.test/telegram/hook"
WEBHOOK_PATH = "/telegram/hook"


@dataclass
class RunningBot:
    runner: BotRunner
    metrics: Metrics
    http: httpx.AsyncClient

    @property
    def app(self) -> CoachApplication:
        return self.runner.app

    async def post_update(
        self, update: dict[str, object], *, secret: str | None = SECRET
    ) -> httpx.Response:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return await self.http.post(WEBHOOK_PATH, json=update, headers=headers)

    def sample(self, name: str, **labels: str) -> float:
        """The current value of one series, 0 when it has not appeared yet."""
        return sample(self.metrics.render().decode(), name, **labels)


def sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def rows(db_url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


async def seed_due_users(
    db_url: str, user_ids: list[int], *, now: datetime, ago: timedelta = timedelta(minutes=1)
) -> None:
    """People whose reminder came due `ago` before `now`, written with the bot's own storage."""
    engine = create_engine(db_url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        due = now - ago
        async with sessions.begin() as db:
            for user_id in user_ids:
                await UserRepository(db).create(
                    user_id=user_id,
                    chat_id=user_id,
                    language_code="en",
                    timezone="UTC",
                    reminder_time=time(due.hour, due.minute),
                    next_reminder_at=due,
                    now=now,
                )
    finally:
        await engine.dispose()


async def start_bot(
    emulator: BotApiEmulator,
    db_url: str,
    library: Library,
    clock: Clock,
    *,
    webhook: bool = True,
    run_dispatcher: bool = False,
    **overrides: object,
) -> RunningBot:
    if webhook:
        overrides = {
            "webhook_url": WEBHOOK_URL,
            "webhook_secret": SECRET,
            "webhook_port": 0,
            **overrides,
        }
    else:
        overrides = {"metrics_port": 0, **overrides}
    settings = settings_for(emulator, db_url, **overrides)
    metrics, readiness = Metrics(), Readiness()
    app = build_application(
        settings,
        library=library,
        clock=clock,
        run_dispatcher=run_dispatcher,
        metrics=metrics,
        readiness=readiness,
    )
    runner = BotRunner(app, settings, metrics=metrics, readiness=readiness)
    await runner.start()
    assert runner.server is not None
    http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{runner.server.port}", timeout=10)
    return RunningBot(runner, metrics, http)


@pytest.fixture
async def webhook_bot(
    emulator: BotApiEmulator, db_url: str, library: Library, clock: ManualClock
) -> AsyncIterator[RunningBot]:
    bot = await start_bot(emulator, db_url, library, clock, admin_user_ids=[4242])
    try:
        yield bot
    finally:
        await bot.http.aclose()
        await bot.runner.stop()


def utc_now() -> datetime:
    return datetime.now(UTC)
