"""Faults: the database locked or gone, Telegram failing or slow, the Bot API server restarted
under a long poll, a handler crashing. The bot answers "try again" or waits, writes nothing
half-way, logs, and the next update works: the process never dies from one bad update."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TimedOut

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.storage import db as storage_db
from bot.texts import text
from tests.pg import PgServer, start_postgres
from tests.reliability.figures import record
from tests.reliability.harness import Stopwatch, World, running_world

ALICE, BOB = 6101, 6102
TRY_AGAIN = text("error.generic")


def _path(db_url: str) -> str:
    return db_url.removeprefix("sqlite+aiosqlite:///")


async def _session_message(world: World, user_id: int) -> tuple[int, int]:
    """Today's session for the person: (message id, session id)."""
    await world.say(user_id, "/today")
    message = world.emulator.last_message(user_id)
    assert message is not None
    assert message.inline_keyboard
    data = str(message.inline_keyboard[0][0]["callback_data"])
    return message.message_id, int(data.split(":")[1])


def _feedback(world: World, user_id: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(_path(world.db_url)) as conn:
        return conn.execute(
            "select session_id, move_id, outcome from feedback where user_id = ?", (user_id,)
        ).fetchall()


def _answers(world: World, query_id: str) -> list[str | None]:
    return [
        a.get("text")
        for a in world.emulator.callback_answers()
        if a.get("callback_query_id") == query_id
    ]


@asynccontextmanager
async def _write_lock(db_url: str) -> AsyncIterator[None]:
    """Another process holding SQLite's write lock (BEGIN IMMEDIATE) while the block runs."""
    holder = sqlite3.connect(_path(db_url), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def test_a_tap_waits_for_a_locked_database_and_is_recorded_once(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        message_id, session_id = await _session_message(world, ALICE)
        watch = Stopwatch()
        async with _write_lock(db_url):
            update = emulator.inject_callback(ALICE, message_id, f"fb:{session_id}:s:d")
            await asyncio.sleep(1.5)  # the fault: another writer keeps the lock this long
            assert update["update_id"] not in world.handled, "the tap waits for the lock"
        await world.until_handled([update["update_id"]])
        waited = watch.seconds
        assert _answers(world, update["callback_query"]["id"]) == [text("toast.recorded")]
        assert len(_feedback(world, ALICE)) == 1
        await world.check()
    record("faults.sqlite_locked_1_5s", f"tap waited {waited:.1f} s, then recorded once")


async def test_a_lock_held_past_the_busy_timeout_gets_try_again_and_writes_nothing(
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(storage_db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    async with running_world(emulator, db_url, clock, library) as world:
        message_id, session_id = await _session_message(world, ALICE)
        logs_before = len(world.logs.records)
        async with _write_lock(db_url):
            tap = emulator.inject_callback(ALICE, message_id, f"fb:{session_id}:g:d")
            words = emulator.inject_message(ALICE, "done")
            await world.until_handled([tap["update_id"], words["update_id"]], within=10)
        assert _answers(world, tap["callback_query"]["id"]) == [TRY_AGAIN[:200]]
        assert emulator.last_message(ALICE).text == TRY_AGAIN  # type: ignore[union-attr]
        assert _feedback(world, ALICE) == [], "nothing half-written"
        errors = world.logs.errors(since=logs_before)
        assert len(errors) == 2, errors
        assert all("failed" in e for e in errors), errors
        assert "database is locked" in str(world.logs.records[-1].exc_info)

        # The lock is gone: the same tap now works, once.
        since = len(world.logs.records)
        await world.tap(ALICE, message_id, f"fb:{session_id}:g:d")
        assert len(_feedback(world, ALICE)) == 1
        await world.check(since_log=since, failed_updates=2)
    record("faults.sqlite_locked_past_timeout", "2 updates: try-again answer, no row written")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pg_ctl(server: PgServer, *args: str) -> None:
    assert server.pg_ctl is not None
    assert server.data_dir is not None
    subprocess.run(
        [*server.run_as, server.pg_ctl, "-D", str(server.data_dir), *args],
        check=True,
        capture_output=True,
    )


async def _pg_database(server: PgServer) -> str:
    import asyncpg

    admin = await asyncpg.connect(server.url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await admin.execute('CREATE DATABASE "faults"')
    finally:
        await admin.close()
    return server.url.rsplit("/", 1)[0] + "/faults"


@pytest.fixture
def own_postgres() -> Iterator[PgServer]:
    """A PostgreSQL server of this test's own, so it can be stopped and started again."""
    try:
        server = start_postgres()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no PostgreSQL server binaries here: {exc}")
    try:
        yield server
    finally:
        server.stop()


async def test_postgres_going_away_and_coming_back(
    emulator: BotApiEmulator,
    own_postgres: PgServer,
    clock: ManualClock,
    library: Library,
) -> None:
    url = await _pg_database(own_postgres)
    port = url.rsplit(":", 1)[1].split("/")[0]
    socket_dir = str(Path(str(own_postgres.data_dir)).parent)
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={socket_dir} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    async with running_world(emulator, url, clock, library) as world:
        await world.say(ALICE, "/start")
        message_id, session_id = await _session_message(world, ALICE)
        since = len(world.logs.records)

        _pg_ctl(own_postgres, "-m", "fast", "-w", "stop")  # the database server goes away
        down = emulator.inject_message(ALICE, "done")
        tap = emulator.inject_callback(ALICE, message_id, f"fb:{session_id}:g:d")
        await world.until_handled([down["update_id"], tap["update_id"]], within=20)
        assert emulator.last_message(ALICE).text == TRY_AGAIN  # type: ignore[union-attr]
        assert _answers(world, tap["callback_query"]["id"]) == [TRY_AGAIN[:200]]
        with pytest.raises((OSError, SQLAlchemyError)):  # the tick fails whole; the next retries
            await world.app.bot_data.services.dispatcher.dispatch_due()
        failed = len(world.logs.errors(since=since))

        log = f"{socket_dir}/restart.log"  # the server's output, away from our pipes
        _pg_ctl(own_postgres, "-o", options, "-l", log, "-w", "start")  # back, on its port
        after = len(world.logs.records)
        await world.tap(ALICE, message_id, f"fb:{session_id}:g:d")
        await world.say(ALICE, "done")
        await world.app.bot_data.services.dispatcher.dispatch_due()
        answers = _answers(world, emulator.callback_answers()[-1]["callback_query_id"])
        assert answers == [text("toast.recorded")]
        await world.check(since_log=after, failed_updates=2)
    record(
        "faults.postgres_down",
        f"2 updates answered try-again ({failed} error logs), "
        "then the same tap recorded once after the restart",
    )


async def test_telegram_failing_during_replies_is_survived(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        message_id, session_id = await _session_message(world, ALICE)
        since = len(world.logs.records)
        tried = 0
        for outcome, code, description in (
            ("d", 500, "Internal Server Error"),
            ("h", 502, "Bad Gateway"),
            ("e", 504, "Gateway Timeout"),
        ):
            emulator.fail_next("sendMessage", error_code=code, description=description)
            await world.say(ALICE, "/help")
            assert emulator.last_message(ALICE).text == TRY_AGAIN  # type: ignore[union-attr]
            emulator.fail_next("editMessageText", error_code=code, description=description)
            tap = await world.tap(ALICE, message_id, f"fb:{session_id}:s:{outcome}")
            assert tap in world.handled
            tried += 2
        # The failed edit's update then tries to answer its tap a second time: refused.
        world.allow("Internal Server Error", "Bad Gateway", "Gateway Timeout", "query is too old")
        # An answer is recorded before its message is redrawn: the failed edit loses nothing.
        assert len(_feedback(world, ALICE)) == 1
        assert len(world.logs.errors(since=since)) == tried
        # Each failure was one update: the next one works.
        since = len(world.logs.records)
        await world.say(ALICE, "/help")
        assert "/today" in (emulator.last_message(ALICE).text or "")  # type: ignore[union-attr]
        await world.check(since_log=since, failed_updates=tried)
    record(
        "faults.telegram_5xx",
        f"{tried} replies failed with 500/502/504: each one logged, the next update answered",
    )


async def test_a_reply_that_times_out_is_survived(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    """The Bot API takes longer than PTB's read timeout (5 s) to answer one sendMessage."""
    original = emulator._api
    slow = {"sendMessage": 1}

    async def slow_once(token: str, method: str, params: dict[str, Any]) -> Any:
        if slow.get(method):
            slow[method] -= 1
            await asyncio.sleep(5.5)
        return await original(token, method, params)

    async with running_world(emulator, db_url, clock, library) as world:
        await world.say(ALICE, "/start")
        since = len(world.logs.records)
        emulator._api = slow_once  # type: ignore[method-assign]
        watch = Stopwatch()
        await world.say(ALICE, "/help")
        took = watch.seconds
        errors = world.logs.errors(since=since)
        assert len(errors) == 1, errors
        assert "failed" in errors[0], errors
        assert any(
            r.exc_info and isinstance(r.exc_info[1], TimedOut) for r in world.logs.records[since:]
        )
        # The person was told to try again, and the slow reply still arrived in the end (a
        # request that timed out may have been delivered: Telegram can't say).
        texts = lambda: [m.text or "" for m in emulator.messages(ALICE)]  # noqa: E731
        assert TRY_AGAIN in texts()
        await emulator.wait_for(lambda: sum("/today" in t for t in texts()) >= 1, timeout=3)
        since = len(world.logs.records)
        await world.say(ALICE, "/help")
        assert world.app.running
        assert world.app.updater is not None
        assert world.app.updater.running
        await world.check(since_log=since, failed_updates=1)
    record(
        "faults.telegram_timeout",
        f"1 reply timed out after {took:.1f} s: logged, the next update answered",
    )


@pytest.mark.parametrize(
    "description",
    [
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message",
        "Bad Request: message to edit not found",
    ],
)
async def test_benign_edit_refusals_are_not_errors(
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
    description: str,
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        message_id, session_id = await _session_message(world, ALICE)
        emulator.fail_next("editMessageText", error_code=400, description=description)
        update_id = await world.tap(ALICE, message_id, f"fb:{session_id}:s:d")
        query_id = emulator.callback_answers()[-1]["callback_query_id"]
        assert _answers(world, query_id) == [text("toast.recorded")]
        assert len(_feedback(world, ALICE)) == 1
        refused = [c for c in emulator.calls_to("editMessageText") if not c.response_ok]
        assert len(refused) == 1
        assert update_id in world.handled
        await world.check()
    record("faults.benign_edit_refusals", "not modified, not found: answered, no error")


async def test_polling_recovers_when_the_bot_api_server_restarts(
    db_url: str, clock: ManualClock, library: Library
) -> None:
    emulator = BotApiEmulator(port=_free_port())
    await emulator.start()
    try:
        async with running_world(emulator, db_url, clock, library) as world:
            await world.say(ALICE, "/start")
            await emulator.wait_for(lambda: emulator.is_polling)
            since = len(world.logs.records)
            watch = Stopwatch()
            await emulator.stop()  # mid long-poll
            await asyncio.sleep(1.0)  # the fault: the server is away this long
            await emulator.start()  # same port, same state
            await world.say(ALICE, "/help")
            recovered = watch.seconds
            polling_errors = [
                r for r in world.logs.records[since:] if r.name.startswith("telegram.ext")
            ]
            assert all(r.name == "telegram.ext.Updater" for r in polling_errors)
            assert world.app.updater is not None
            assert world.app.updater.running
            await world.check(since_log=len(world.logs.records))
    finally:
        await emulator.stop()
    record(
        "faults.bot_api_restart",
        f"server away 1.0 s; a message answered {recovered:.1f} s after it went away "
        f"({len(polling_errors)} polling error logs)",
    )


async def test_a_handler_crash_is_one_update_not_the_process(
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        await world.say(BOB, "/start")
        coach = world.app.bot_data.services.coach
        real: Callable[..., Awaitable[Any]] = coach.todays_session

        async def crash(user_id: int, *args: Any, **kwargs: Any) -> Any:
            if user_id == ALICE:
                raise RuntimeError("a bug that only Alice's data triggers")
            return await real(user_id, *args, **kwargs)

        monkeypatch.setattr(coach, "todays_session", crash)
        since = len(world.logs.records)
        updates = [emulator.inject_message(who, "/today") for who in (ALICE, BOB, ALICE, BOB)]
        await world.until_handled([u["update_id"] for u in updates])
        assert emulator.last_message(ALICE).text == TRY_AGAIN  # type: ignore[union-attr]
        assert "Your inner-thigh session" in (emulator.last_message(BOB).text or "")  # type: ignore[union-attr]
        assert len(world.logs.errors(since=since)) == 2
        await world.check(since_log=len(world.logs.records), failed_updates=2)
    record("faults.handler_crash", "2 crashing updates answered try-again; the others served")
