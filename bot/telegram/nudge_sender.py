"""Sending the timed nudges through PTB, with the same error mapping as daily sessions."""

from __future__ import annotations

from html import escape

from telegram import Bot
from telegram.constants import ParseMode

from bot.services.progress import Suggestion, WeeklySummary
from bot.services.views import SessionView
from bot.telegram.keyboards import morning_keyboard
from bot.telegram.sender import TelegramSender, delivery_errors
from bot.texts import text

_TIPS = {
    Suggestion.EASE_OFF: "tip.ease_off",
    Suggestion.START_SMALL: "tip.start_small",
    Suggestion.EASIER_VERSIONS: "tip.easier_versions",
    Suggestion.MORE_DAYS: "tip.more_days",
    Suggestion.KEEP_GOING: "tip.keep_going",
}


def weekly_summary_html(summary: WeeklySummary, lang: str | None) -> str:
    lines = [
        text("weekly.title", lang),
        text(
            "weekly.body",
            lang,
            done=summary.days_done,
            days=7,
            streak=summary.streak.days,
        ),
    ]
    ups = [escape(change.name) for change in summary.level_changes if change.up]
    if ups:
        lines.append(text("weekly.levels_up", lang, ladders=", ".join(ups)))
    lines.append(text(_TIPS[summary.suggestion], lang))
    return "\n".join(lines)


class TelegramNudgeSender:
    def __init__(self, bot: Bot, sessions: TelegramSender) -> None:
        self._bot = bot
        self._sessions = sessions

    async def send_session(self, view: SessionView) -> int:
        return await self._sessions.send_session(view)

    async def send_morning_check(
        self, chat_id: int, lang: str | None, session_id: int, pain: int, worse: bool
    ) -> None:
        async with delivery_errors():
            await self._bot.send_message(
                chat_id,
                text("morning.ask", lang),
                parse_mode=ParseMode.HTML,
                reply_markup=morning_keyboard(session_id, pain, worse),
            )

    async def send_weekly_summary(
        self, chat_id: int, lang: str | None, summary: WeeklySummary
    ) -> None:
        async with delivery_errors():
            await self._bot.send_message(
                chat_id, weekly_summary_html(summary, lang), parse_mode=ParseMode.HTML
            )
