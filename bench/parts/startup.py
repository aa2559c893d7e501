"""Start-up time and memory with N registered people (a seeded SQLite file).

Start-up is build_application (content loaded, app wired) plus the documented manual start
(initialize, post_init: migrations check and setMyCommands, start, polling): the moment the
first tick can run. The first tick itself (BATCH people due among N) is timed on its own.
The bot is imported inside run() so the import is timed too, apart from start-up.
"""

from __future__ import annotations

import time

from bench.support import JSONDict, current_rss_mib


async def run(params: JSONDict) -> JSONDict:
    t0 = time.perf_counter()
    from bench.botkit import UNLIMITED_RATE, bench_settings, report_dict
    from bench.seed import BENCH_NOW
    from bench.support import OffsetClock
    from bot.app import build_application
    from bot.playground.lifecycle import start_app, stop_app

    import_s = time.perf_counter() - t0
    rss_imported = current_rss_mib()
    settings = bench_settings(
        params["emulator"], params["database_url"], send_rate_per_second=UNLIMITED_RATE
    )
    t1 = time.perf_counter()
    app = build_application(settings, clock=OffsetClock(BENCH_NOW), run_dispatcher=False)
    built_s = time.perf_counter() - t1
    await start_app(app)
    startup_s = time.perf_counter() - t1
    rss_ready = current_rss_mib()
    try:
        t2 = time.perf_counter()
        report = await app.bot_data.services.dispatcher.dispatch_due()
        first_tick_s = time.perf_counter() - t2
        rss_after_tick = current_rss_mib()
    finally:
        await stop_app(app)
    return {
        "users": int(params["users"]),
        "import_s": round(import_s, 3),
        "build_s": round(built_s, 3),
        "startup_s": round(startup_s, 3),
        "first_tick_s": round(first_tick_s, 3),
        "first_tick": report_dict(report),
        "rss_imported_mib": round(rss_imported, 1),
        "rss_ready_mib": round(rss_ready, 1),
        "rss_after_first_tick_mib": round(rss_after_tick, 1),
    }
