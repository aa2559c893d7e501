"""The road not taken: one PTB ``run_daily`` job per person, all due in the same second.

The app is built as usual (rate limit lifted, no dispatcher tick), then N run_daily jobs are
registered on its running JobQueue, each sending one short message to its own chat. The
APScheduler defaults stay as PTB leaves them (misfire_grace_time 1 s, coalesce).
Counted: callbacks that ran, runs APScheduler skipped as misfired (EVENT_JOB_MISSED),
errors, and the sends the emulator process saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent

from bench.botkit import UNLIMITED_RATE, bench_settings, sends_seen
from bench.support import JSONDict, current_rss_mib, peak_rss_mib
from bot.app import build_application
from bot.library import load_library
from bot.playground.lifecycle import start_app, stop_app
from bot.telegram.context import CoachContext


async def run(params: JSONDict) -> JSONDict:
    emulator, n = params["emulator"], int(params["n"])
    lead = timedelta(seconds=float(params["lead_s"]))
    settings = bench_settings(
        emulator,
        f"sqlite+aiosqlite:///{Path(params['work_dir']) / 'jobqueue.db'}",
        send_rate_per_second=UNLIMITED_RATE,
    )
    app = build_application(settings, library=load_library(), run_dispatcher=False)
    counts = {"ran": 0, "sent": 0, "missed": 0, "errors": 0}
    last_done = 0.0
    all_done = asyncio.Event()

    def settle() -> None:
        if counts["sent"] + counts["missed"] + counts["errors"] >= n:
            all_done.set()

    async def remind(context: CoachContext) -> None:
        nonlocal last_done
        counts["ran"] += 1
        job = context.job
        assert job is not None
        assert job.chat_id is not None
        await context.bot.send_message(job.chat_id, "Your inner-thigh session is ready.")
        counts["sent"] += 1
        last_done = time.perf_counter()
        settle()

    late_by: list[float] = []

    def on_event(event: JobExecutionEvent) -> None:
        counts["missed" if event.code == EVENT_JOB_MISSED else "errors"] += 1
        late_by.append((datetime.now(UTC) - event.scheduled_run_time).total_seconds())
        settle()

    await start_app(app)
    try:
        queue = app.job_queue
        assert queue is not None
        queue.scheduler.add_listener(on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        rss_before = current_rss_mib()
        fire_at = (datetime.now(UTC) + lead).replace(microsecond=0)
        started = time.perf_counter()
        for chat_id in range(1, n + 1):
            queue.run_daily(remind, time=fire_at.timetz(), chat_id=chat_id)
        registration_s = time.perf_counter() - started
        registered_late = datetime.now(UTC) >= fire_at
        await asyncio.sleep(0)  # let the scheduler take in what was added
        rss_registered = current_rss_mib()
        wait = (fire_at - datetime.now(UTC)).total_seconds()
        await asyncio.sleep(max(wait, 0.0))
        fired = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_done.wait(), timeout=float(params["deadline_s"]))
        finished_s = (last_done - fired) if last_done else 0.0
    finally:
        await stop_app(app)
    return {
        "n": n,
        "lead_s": lead.total_seconds(),
        "registration_s": round(registration_s, 3),
        "registered_after_fire_time": registered_late,
        "rss_before_jobs_mib": round(rss_before, 1),
        "rss_with_jobs_mib": round(rss_registered, 1),
        "rss_added_mib": round(rss_registered - rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        **counts,
        "last_send_after_fire_s": round(finished_s, 3),
        # How late APScheduler got to the skipped runs (its grace is 1 s).
        "missed_late_by_s": [round(min(late_by), 2), round(max(late_by), 2)] if late_by else [],
        **sends_seen(emulator),
    }
