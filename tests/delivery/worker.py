"""One dispatcher process, for the multi-process tests: the real Dispatcher, TelegramSender and
PTB bot (AIORateLimiter, overall rate lifted) against the emulator, on a shared database.

    python -m tests.delivery.worker --database-url URL --base-url URL --until-idle

With --until-idle it dispatches until nobody is due and no session is pending anywhere (a
crashed process's claims included, once their lease runs out), then prints its totals as one
JSON line and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.library import load_library
from bot.services.clock import SystemClock
from bot.services.delivery import DeliveryPolicy, Dispatcher, DispatchReport
from bot.storage.db import create_engine, create_session_factory
from bot.storage.models import DailySession, SessionStatus, User, UserStatus
from bot.telegram.render import SessionRenderer
from bot.telegram.sender import TelegramSender
from tests.delivery.support import make_bot


async def _work_left(sessions: async_sessionmaker[AsyncSession], clock: SystemClock) -> int:
    async with sessions() as db:
        due = await db.scalar(
            select(func.count())
            .select_from(User)
            .where(User.status == UserStatus.ACTIVE, User.next_reminder_at <= clock.now())
        )
        pending = await db.scalar(
            select(func.count())
            .select_from(DailySession)
            .where(DailySession.status == SessionStatus.PENDING)
        )
        return (due or 0) + (pending or 0)


async def run(args: argparse.Namespace) -> DispatchReport:
    policy = DeliveryPolicy(
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        lease=timedelta(seconds=args.lease),
        max_rounds=1_000_000,
    )
    library = load_library()
    engine = create_engine(args.database_url)
    clock = SystemClock()
    sessions = create_session_factory(engine)
    bot = make_bot(args.base_url, args.token, concurrency=policy.concurrency)
    totals = DispatchReport()
    try:
        await bot.initialize()
        dispatcher = Dispatcher(
            sessions, library, clock, TelegramSender(bot, SessionRenderer(library)), policy
        )
        print("ready", file=sys.stderr, flush=True)
        deadline = time.monotonic() + args.max_seconds
        while time.monotonic() < deadline:
            report = await dispatcher.dispatch_due()
            totals.add(report)
            if report.claimed:
                continue
            if not args.until_idle or not await _work_left(sessions, clock):
                break
            await asyncio.sleep(0.05)  # another process's leases must run out in real time
    finally:
        await bot.shutdown()
        await engine.dispose()
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.delivery.worker")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--base-url", required=True, help="the emulator's Bot API base URL")
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--lease", type=float, default=120.0, help="seconds")
    parser.add_argument("--until-idle", action="store_true")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    started = time.monotonic()
    totals = asyncio.run(run(args))
    summary = {
        **totals.__dict__,
        "seconds": round(time.monotonic() - started, 2),
        "cpu_seconds": round(time.process_time(), 2),
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
