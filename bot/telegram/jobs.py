"""The one repeating job: serve whoever is due (DESIGN.md, "Daily delivery")."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot.metrics import Metrics
from bot.services.delivery import DispatchReport
from bot.services.stats import StatsService
from bot.telegram.context import CoachContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchMonitor:
    """What the tick reports to the metrics; handed to the job as its `data`."""

    metrics: Metrics
    stats: StatsService

    async def measure_lag(self) -> None:
        try:
            lag = await self.stats.dispatcher_lag()
        except Exception:  # a failed probe must not stop the sends; the DB error is counted
            log.warning("could not measure the dispatcher lag", exc_info=True)
            return
        self.metrics.dispatcher_lag.set(lag.total_seconds())

    def record(self, report: DispatchReport, seconds: float) -> None:
        m = self.metrics
        m.dispatch_seconds.observe(seconds)
        m.dispatch_last_tick.set(time.time())
        m.reminders_due.inc(report.claimed + report.expired)
        for outcome, count in (
            ("sent", report.sent),
            ("retried", report.retried),
            ("failed", report.failed),
            ("expired", report.expired),
            ("blocked", report.blocked),
        ):
            if count:
                m.reminders.labels(outcome).inc(count)
        if report.blocked:
            m.users_blocked.inc(report.blocked)


async def dispatch_tick(context: CoachContext) -> None:
    """Send the sessions that are due now."""
    job = context.job
    monitor = job.data if job is not None and isinstance(job.data, DispatchMonitor) else None
    if monitor is not None:
        await monitor.measure_lag()
    started = time.perf_counter()
    report = await context.services.dispatcher.dispatch_due()
    if monitor is not None:
        monitor.record(report, time.perf_counter() - started)
    if report.claimed or report.expired or report.skipped_already_served:
        log.info(
            "dispatch: claimed=%d sent=%d retried=%d failed=%d blocked=%d expired=%d",
            report.claimed,
            report.sent,
            report.retried,
            report.failed,
            report.blocked,
            report.expired,
        )
    # The same tick serves the other timed messages (snoozes, pain checks, weekly summaries).
    nudged = await context.services.nudges.dispatch_due()
    if nudged.claimed:
        log.info(
            "nudges: claimed=%d sent=%d dropped=%d retried=%d",
            nudged.claimed,
            nudged.sent,
            nudged.dropped,
            nudged.retried,
        )
