"""The one repeating job: serve whoever is due (DESIGN.md, "Daily delivery")."""

from __future__ import annotations

import logging

from bot.telegram.context import CoachContext

log = logging.getLogger(__name__)


async def dispatch_tick(context: CoachContext) -> None:
    """Send the sessions that are due now."""
    report = await context.services.dispatcher.dispatch_due()
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
