"""/metrics: the named series exist, and they move when updates and reminders flow."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.services.stats import StatsService
from bot.storage.db import create_engine, create_session_factory
from tests.ops.conftest import RunningBot, rows, sample, seed_due_users, start_bot

ALICE = 3101
BOB = 3102
CAROL = 3103

SERIES = [
    "coach_updates_total",
    "coach_update_handling_seconds",
    "coach_webhook_requests_total",
    "coach_reminders_due_total",
    "coach_reminders_total",
    "coach_users_blocked_total",
    "coach_dispatcher_lag_seconds",
    "coach_dispatch_tick_seconds",
    "coach_telegram_request_seconds",
    "coach_telegram_rate_limited_total",
    "coach_telegram_retry_after_seconds",
    "coach_database_errors_total",
]


async def test_metrics_exposes_the_named_series(webhook_bot: RunningBot) -> None:
    response = await webhook_bot.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    types = {line.split()[2] for line in response.text.splitlines() if line.startswith("# TYPE")}
    assert set(SERIES) <= types, set(SERIES) - types


async def test_updates_are_counted_by_type_and_outcome_and_timed(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    await webhook_bot.post_update(emulator.inject_message(ALICE, "/start"))
    await emulator.wait_for(lambda: emulator.last_message(ALICE) is not None)
    # The reply goes out before the handler returns and the update is counted.
    await emulator.wait_for(
        lambda: webhook_bot.sample("coach_updates_total", type="message", outcome="ok") == 1
    )
    text = (await webhook_bot.http.get("/metrics")).text
    assert sample(text, "coach_update_handling_seconds_count", type="message") == 1
    assert sample(text, "coach_update_handling_seconds_sum", type="message") > 0
    assert sample(text, "coach_telegram_request_seconds_count", method="sendMessage") >= 1
    assert sample(text, "coach_webhook_requests_total", result="accepted") == 1


async def test_a_failing_handler_counts_as_error_and_the_database_error_is_counted(
    webhook_bot: RunningBot, emulator: BotApiEmulator, db_url: str
) -> None:
    rows(db_url, "drop table users")  # every handler that knows the person now fails
    await webhook_bot.post_update(emulator.inject_message(ALICE, "/start"))
    # The error handler still answers the person kindly.
    await emulator.wait_for(lambda: emulator.last_message(ALICE) is not None)
    await emulator.wait_for(
        lambda: webhook_bot.sample("coach_updates_total", type="message", outcome="error") == 1
    )
    assert webhook_bot.sample("coach_updates_total", type="message", outcome="ok") == 0
    assert webhook_bot.sample("coach_database_errors_total") >= 1


async def test_429s_and_retry_after_are_counted(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    emulator.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    await webhook_bot.post_update(emulator.inject_message(ALICE, "/help"))
    # PTB's rate limiter waits and retries by itself: the person still gets the answer.
    await emulator.wait_for(lambda: emulator.last_message(ALICE) is not None, timeout=10)
    await emulator.wait_for(
        lambda: webhook_bot.sample("coach_updates_total", type="message", outcome="ok") == 1
    )
    assert webhook_bot.sample("coach_telegram_rate_limited_total", method="sendMessage") == 1
    assert webhook_bot.sample("coach_telegram_retry_after_seconds_count") == 1
    assert webhook_bot.sample("coach_telegram_retry_after_seconds_sum") == 1.0


async def test_reminders_move_the_reminder_series_and_the_lag(
    emulator: BotApiEmulator, db_url: str, library: Library, clock: ManualClock
) -> None:
    await seed_due_users(db_url, [ALICE, BOB, CAROL], now=clock.now() - timedelta(minutes=4))
    for user in (ALICE, BOB, CAROL):
        emulator.register_chat(user)
    emulator.block_user(CAROL)
    bot = await start_bot(
        emulator,
        db_url,
        library,
        clock,
        run_dispatcher=True,
        dispatch_interval_seconds=0.2,
    )
    try:
        await emulator.wait_for(
            lambda: bot.sample("coach_reminders_total", outcome="blocked") == 1, timeout=10
        )
        await emulator.wait_for(lambda: bot.sample("coach_dispatch_tick_seconds_count") >= 2)
        text = (await bot.http.get("/metrics")).text
    finally:
        await bot.http.aclose()
        await bot.runner.stop()
    assert sample(text, "coach_reminders_due_total") == 3
    assert sample(text, "coach_reminders_total", outcome="sent") == 2
    assert sample(text, "coach_users_blocked_total") == 1
    # Everyone was served by the first tick, so the next one found nobody waiting.
    assert sample(text, "coach_dispatcher_lag_seconds") == 0.0
    assert sample(text, "coach_dispatch_last_tick_timestamp_seconds") > 0
    assert len(emulator.messages(ALICE)) == 1
    assert len(emulator.messages(BOB)) == 1


async def test_dispatcher_lag_is_now_minus_the_oldest_due_reminder(
    db_url: str, clock: ManualClock
) -> None:
    await seed_due_users(db_url, [ALICE], now=clock.now() - timedelta(minutes=4))
    await seed_due_users(db_url, [BOB], now=clock.now())
    engine = create_engine(db_url)
    try:
        stats = StatsService(create_session_factory(engine), clock)
        assert await stats.dispatcher_lag() == timedelta(minutes=5)
        clock.advance(timedelta(minutes=1))
        assert await stats.dispatcher_lag() == timedelta(minutes=6)
    finally:
        await engine.dispose()
