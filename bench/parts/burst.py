"""Everyone due in the same minute, drained the way production drains it: the app's own
JobQueue tick (run_repeating every DISPATCH_INTERVAL_SECONDS) calling the dispatcher.

The tick is timed from outside (each call of dispatch_due), so the report can split the
drain into time spent dispatching and time the queue sat idle between ticks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.botkit import UNLIMITED_RATE, Window, bench_settings, report_dict, sends_seen
from bench.seed import BENCH_NOW, sqlite_delivery_counts
from bench.support import JSONDict, OffsetClock
from bot.app import build_application
from bot.library import load_library
from bot.playground.lifecycle import start_app, stop_app
from bot.services.delivery import DispatchReport


async def run(params: JSONDict) -> JSONDict:
    emulator, n = params["emulator"], int(params["n"])
    deadline_s = float(params["deadline_s"])
    settings = bench_settings(emulator, params["database_url"], send_rate_per_second=UNLIMITED_RATE)
    app = build_application(
        settings, library=load_library(), clock=OffsetClock(BENCH_NOW), run_dispatcher=True
    )
    dispatcher = app.bot_data.services.dispatcher
    total = DispatchReport()
    busy: list[float] = []
    all_done = asyncio.Event()
    real_dispatch: Callable[[], Awaitable[DispatchReport]] = dispatcher.dispatch_due

    async def timed_dispatch() -> DispatchReport:
        started = time.perf_counter()
        report = await real_dispatch()
        if report.claimed or report.expired or report.skipped_already_served:
            busy.append(time.perf_counter() - started)
        total.add(report)
        if total.sent + total.failed + total.blocked + total.expired >= n:
            all_done.set()
        return report

    dispatcher.dispatch_due = timed_dispatch  # type: ignore[method-assign]
    await start_app(app)
    timed_out = False
    try:
        with Window(emulator["pid"]) as window:
            try:
                await asyncio.wait_for(all_done.wait(), timeout=deadline_s)
            except TimeoutError:
                timed_out = True
        # Nothing may be left for a later tick: one more, straight away, must find nobody.
        leftover = await real_dispatch()
    finally:
        await stop_app(app)
    return {
        "n": n,
        "interval_s": settings.dispatch_interval_seconds,
        "timed_out": timed_out,
        "ticks_with_work": len(busy),
        "dispatching_s": round(sum(busy), 3),
        "idle_between_ticks_s": round(window.wall_s - sum(busy), 3),
        "back_to_back_per_second": round(total.sent / sum(busy), 1) if busy else 0.0,
        "report": report_dict(total),
        "leftover_claimed": leftover.claimed,
        **window.figures(total.sent),
        **sends_seen(emulator),
        "database": sqlite_delivery_counts(Path(params["database_path"])),
    }
