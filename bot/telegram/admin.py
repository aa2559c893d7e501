"""Operator commands. Registered only for ADMIN_USER_IDS: anyone else who sends them gets the
ordinary unknown-command answer, because no handler here ever sees their update."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.services.stats import StatsService, UsageStats
from bot.telegram.context import CoachContext


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def stats_html(stats: UsageStats) -> str:
    """The /stats reply: plain numbers for an operator, in English."""
    return "\n".join(
        [
            f"<b>Stats for {escape(stats.day)} (UTC)</b>",
            f"People: {stats.users} ({stats.active} active)",
            f"Sessions sent today: {stats.sent_today}",
            f"Answered: {stats.answered_today} ({_percent(stats.answered_rate)})",
            f"Too hard: {_percent(stats.too_hard_rate)} of {stats.answers_today} answers",
        ]
    )


class AdminCommands:
    def __init__(self, stats: StatsService) -> None:
        self._stats = stats

    async def on_stats(self, update: Update, context: CoachContext) -> None:
        """Show an operator today's numbers."""
        message = update.effective_message
        if message is None:
            return
        await message.reply_html(stats_html(await self._stats.usage_today()), do_quote=False)
