"""Dispatcher processes sharing one PostgreSQL database, talking HTTP to one emulator.

Each worker (tests/delivery/worker.py) is a separate Python process with the real Dispatcher,
TelegramSender and PTB bot; the emulator runs in the test process and counts what Telegram
accepted, per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.playground.emulator import ApiCall, BotApiEmulator
from bot.services.delivery import DeliveryPolicy
from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.models import DailySession
from tests.delivery.support import person, seed

REPO = Path(__file__).resolve().parents[2]


class Workers:
    """Worker processes, their output in files; every one is killed at the end, pass or fail."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._procs: dict[str, asyncio.subprocess.Process] = {}

    async def start(self, name: str, *args: str) -> asyncio.subprocess.Process:
        with (
            (self._folder / f"{name}.out").open("wb") as out,
            (self._folder / f"{name}.err").open("wb") as err,
        ):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.delivery.worker",
                *args,
                stdout=out,
                stderr=err,
                cwd=REPO,
                env={**os.environ, "PTB_TIMEDELTA": "1"},
            )
        self._procs[name] = proc
        return proc

    async def finish(self, *names: str, timeout: float) -> None:  # noqa: ASYNC109
        """Wait for these workers to exit by themselves; fail with their logs if one does not."""
        try:
            async with asyncio.timeout(timeout):
                for name in names:
                    await self._procs[name].wait()
        except TimeoutError:
            pytest.fail(f"workers still running after {timeout}s:\n{self.logs()}")
        for name in names:
            code = self._procs[name].returncode
            assert code == 0, f"{name} exited {code}:\n{self.logs()}"

    def summary(self, name: str) -> dict[str, Any]:
        lines = (self._folder / f"{name}.out").read_text().splitlines()
        result: dict[str, Any] = json.loads(lines[-1])
        return result

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{(self._folder / f'{name}.err').read_text()[-3000:]}"
            for name in self._procs
        )

    async def kill_all(self) -> None:
        for proc in self._procs.values():
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()


@pytest.fixture
async def workers(tmp_path: Path) -> AsyncIterator[Workers]:
    started = Workers(tmp_path)
    try:
        yield started
    finally:
        await started.kill_all()


class Accepted:
    """Counts the sendMessage calls the emulator accepted, per chat, as they happen."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.per_chat: Counter[int] = Counter()
        self.total = 0
        self.unsubscribe = emulator.subscribe(self._on_call)

    def _on_call(self, call: ApiCall) -> None:
        if call.method == "sendMessage" and call.response_ok:
            self.per_chat[int(call.params["chat_id"])] += 1
            self.total += 1


@pytest.fixture
async def quiet_emulator() -> AsyncIterator[BotApiEmulator]:
    """An emulator for thousands of sends: any private chat, no call log kept."""
    emu = BotApiEmulator(auto_register_chats=True, record_calls=False)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


async def seed_due_now(url: str, count: int) -> None:
    """`count` people due this minute of real time (the workers run on the system clock)."""
    now = datetime.now(UTC)
    # A zone where the local day is not about to end, so "today" stays today during the run.
    zone = "UTC" if 1 <= now.hour <= 21 else "Asia/Tokyo"
    due = now.replace(second=0, microsecond=0)
    reminder = due.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    engine = create_engine(url)
    try:
        await upgrade(engine)
        await seed(
            engine,
            [person(uid, next_at=due, reminder=reminder, zone=zone) for uid in range(1, count + 1)],
        )
    finally:
        await engine.dispose()


async def session_statuses(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(DailySession.status, func.count()).group_by(DailySession.status)
            )
            return {str(status): int(count) for status, count in rows}
    finally:
        await engine.dispose()


def worker_args(url: str, emulator: BotApiEmulator, *extra: str) -> list[str]:
    return [
        "--database-url",
        url,
        "--base-url",
        emulator.base_url,
        "--token",
        emulator.token,
        "--until-idle",
        *extra,
    ]


async def test_three_processes_on_one_postgresql_send_ten_thousand_messages_once(
    pg_url: str, quiet_emulator: BotApiEmulator, workers: Workers
) -> None:
    people = 10_000
    await seed_due_now(pg_url, people)
    accepted = Accepted(quiet_emulator)

    started, cpu_started = time.monotonic(), time.process_time()
    for name in ("a", "b", "c"):
        await workers.start(name, *worker_args(pg_url, quiet_emulator, "--concurrency", "8"))
    await workers.finish("a", "b", "c", timeout=240)  # a safety net, not the goal
    seconds = time.monotonic() - started
    emulator_cpu = time.process_time() - cpu_started  # this process: mostly the emulator

    assert accepted.total == people
    assert accepted.per_chat == dict.fromkeys(range(1, people + 1), 1)
    assert await session_statuses(pg_url) == {"sent": people}
    summaries = {name: workers.summary(name) for name in ("a", "b", "c")}
    sent_by = {name: summary["sent"] for name, summary in summaries.items()}
    assert sum(sent_by.values()) == people
    assert all(sent > 0 for sent in sent_by.values()), sent_by  # SKIP LOCKED shared the work
    cpu = {name: summary["cpu_seconds"] for name, summary in summaries.items()}
    print(
        f"\n3 processes, {people} messages in {seconds:.1f}s; sent per process {sent_by}, "
        f"CPU seconds per process {cpu}, emulator and test {emulator_cpu:.1f}"
    )


async def test_a_process_killed_mid_batch_is_made_good_after_its_lease(
    pg_url: str, quiet_emulator: BotApiEmulator, workers: Workers
) -> None:
    people, concurrency = 3_000, 16
    await seed_due_now(pg_url, people)
    accepted = Accepted(quiet_emulator)
    # A short lease, so the restart need not wait long; small batches, so a claimed batch is
    # sent well within half the lease even on a busy machine (DeliveryPolicy.lease).
    lease_and_pace = ("--lease", "2", "--batch-size", "50", "--concurrency", str(concurrency))
    args = worker_args(pg_url, quiet_emulator, *lease_and_pace)

    doomed = await workers.start("doomed", *args)
    await quiet_emulator.wait_for(lambda: accepted.total >= 500, timeout=60)
    doomed.kill()  # SIGKILL: no cleanup, claims left pending mid-batch
    await doomed.wait()
    at_kill = accepted.total
    assert at_kill < people, "the worker finished before it could be killed"

    await workers.start("heir", *args)
    await workers.finish("heir", timeout=120)

    counts = accepted.per_chat
    assert set(counts) == set(range(1, people + 1)), "someone was never served"
    duplicates = sum(n - 1 for n in counts.values())
    assert max(counts.values()) <= 2
    # Only messages Telegram accepted whose recording the kill interrupted are sent again:
    # at most `concurrency * unrecorded_per_slot` of them are ever unrecorded at once.
    assert duplicates <= concurrency * DeliveryPolicy().unrecorded_per_slot
    assert await session_statuses(pg_url) == {"sent": people}
    heir = workers.summary("heir")
    print(
        f"\nkilled after {at_kill} sends; the heir sent {heir['sent']} in {heir['seconds']}s; "
        f"duplicates: {duplicates} (bound {concurrency * DeliveryPolicy().unrecorded_per_slot})"
    )
