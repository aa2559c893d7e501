"""Webhook mode in process: Telegram's POSTs, the secret, redeliveries, health and readiness."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from bot.metrics import Metrics
from bot.playground.emulator import BotApiEmulator
from bot.services.health import Readiness
from bot.storage.migrate import alembic_config
from bot.web.endpoints import RecentIds, build_web_app
from tests.ops.conftest import SECRET, WEBHOOK_URL, RunningBot, rows

ALICE = 3001
MALLORY = 3002


async def test_webhook_is_registered_with_the_secret(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    (call,) = emulator.calls_to("setWebhook")
    assert call.params["url"] == WEBHOOK_URL
    assert call.params["secret_token"] == SECRET
    # Polling is off: the only way in is the webhook.
    assert emulator.calls_to("getUpdates") == []


async def test_update_with_the_right_secret_is_answered(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    update = emulator.inject_message(ALICE, "/start")
    response = await webhook_bot.post_update(update)
    assert response.status_code == 200
    await emulator.wait_for(lambda: emulator.last_message(ALICE) is not None)
    greeting = emulator.messages(ALICE)[0]
    assert greeting.text is not None
    assert "inner-thigh coach" in greeting.text


@pytest.mark.parametrize(("secret", "why"), [(None, "missing"), ("not-the-secret", "wrong")])
async def test_missing_or_wrong_secret_is_rejected_and_never_handled(
    webhook_bot: RunningBot,
    emulator: BotApiEmulator,
    caplog: pytest.LogCaptureFixture,
    secret: str | None,
    why: str,
) -> None:
    update = emulator.inject_message(MALLORY, "/start")
    with caplog.at_level(logging.WARNING, logger="bot.web.endpoints"):
        response = await webhook_bot.post_update(update, secret=secret)
    assert response.status_code == 403
    assert webhook_bot.sample("coach_webhook_requests_total", result="forbidden") == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"webhook request rejected: {why} secret token"
    ]
    # Give a handler every chance to run: nothing was queued, nothing is answered.
    await asyncio.sleep(0.3)
    assert emulator.messages(MALLORY) == []
    assert webhook_bot.sample("coach_updates_total", type="message", outcome="ok") == 0
    assert webhook_bot.app.update_queue.qsize() == 0


async def test_a_redelivered_update_is_handled_once(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    update = emulator.inject_message(ALICE, "/help")
    first = await webhook_bot.post_update(update)
    again = await webhook_bot.post_update(update)
    assert (first.status_code, again.status_code) == (200, 200)
    await emulator.wait_for(
        lambda: webhook_bot.sample("coach_updates_total", type="message", outcome="ok") >= 1
    )
    await asyncio.sleep(0.3)
    assert len(emulator.messages(ALICE)) == 1
    assert webhook_bot.sample("coach_webhook_requests_total", result="duplicate") == 1
    assert webhook_bot.sample("coach_updates_total", type="message", outcome="ok") == 1


async def test_a_body_that_is_not_an_update_is_refused(webhook_bot: RunningBot) -> None:
    response = await webhook_bot.http.post(
        "/telegram/hook", content=b"[1, 2]", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 400
    assert webhook_bot.sample("coach_webhook_requests_total", result="bad_request") == 1


def test_recent_ids_forget_the_oldest_first() -> None:
    recent = RecentIds(capacity=3)
    assert [recent.add(i) for i in (1, 2, 3, 1, 4)] == [True, True, True, False, True]
    assert len(recent) == 3
    assert recent.add(1) is False, "1 was used again, so 2 was the oldest and went"
    assert recent.add(2) is True


async def test_healthz_and_readyz_answer(webhook_bot: RunningBot) -> None:
    health = await webhook_bot.http.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok\n")
    ready = await webhook_bot.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "database": "ok",
        "migrations": "current",
        "telegram": "ok",
    }
    assert webhook_bot.sample("coach_ready") == 1


async def test_readyz_is_503_once_the_schema_is_not_current(
    webhook_bot: RunningBot, db_url: str
) -> None:
    rows(db_url, "drop table alembic_version")
    ready = await webhook_bot.http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["migrations"] == "behind"
    assert ready.json()["ready"] is False
    assert webhook_bot.sample("coach_ready") == 0
    # The process itself is fine: liveness stays green, so nothing restarts it in a loop.
    assert (await webhook_bot.http.get("/healthz")).status_code == 200


async def test_readyz_is_503_when_the_database_is_unreachable() -> None:
    # A file in a folder that does not exist, under a read-only root: no connection possible.
    url = "sqlite+aiosqlite:////proc/no-such-folder/coach.db"
    engine = create_async_engine(url)
    readiness = Readiness(timeout=5)
    readiness.watch(engine, url)
    readiness.telegram_reached = True
    web = build_web_app(metrics=Metrics(), readiness=readiness)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://ops"
        ) as http:
            ready = await http.get("/readyz")
    finally:
        await engine.dispose()
        await _aiosqlite_threads_finished()
    assert ready.status_code == 503
    assert ready.json() == {
        "ready": False,
        "database": "OperationalError",
        "migrations": "unknown",
        "telegram": "ok",
    }


async def _aiosqlite_threads_finished() -> None:
    """aiosqlite stops a failed connection's thread asynchronously; let it end in this loop."""
    for _ in range(200):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            return
        await asyncio.sleep(0.01)


def test_rows_helper_sees_the_same_file(db_url: str) -> None:
    # The tests above read the bot's SQLite file directly; make sure the path maps.
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


async def test_readyz_stays_ready_on_a_schema_from_a_newer_release(
    webhook_bot: RunningBot, db_url: str
) -> None:
    # Rolling upgrade: `coach migrate` ran for the next release while this one still serves.
    rows(db_url, "update alembic_version set version_num = 'from_a_newer_release'")
    ready = await webhook_bot.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["migrations"] == "ahead"


async def test_readyz_is_503_on_an_older_schema(webhook_bot: RunningBot, db_url: str) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(db_url))
    base = scripts.get_base()
    if base == scripts.get_current_head():
        pytest.skip("only one migration so far: no older schema to point at")
    rows(db_url, "update alembic_version set version_num = ?", base)
    ready = await webhook_bot.http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["migrations"] == "behind"


async def test_an_oversized_body_is_refused_unread(webhook_bot: RunningBot) -> None:
    response = await webhook_bot.http.post(
        "/telegram/hook",
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
    )
    assert response.status_code == 413
    assert webhook_bot.sample("coach_webhook_requests_total", result="bad_request") == 1
