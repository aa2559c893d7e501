"""/stats for operators; for anyone else it does not exist."""

from __future__ import annotations

from bot.playground.emulator import BotApiEmulator
from tests.ops.conftest import RunningBot

ADMIN = 4242  # the webhook_bot fixture's ADMIN_USER_IDS
SOMEONE = 3201


def _handled(bot: RunningBot) -> float:
    return sum(bot.sample("coach_updates_total", outcome=o) for o in ("ok", "error"))


async def _say(bot: RunningBot, emulator: BotApiEmulator, user: int, text: str) -> str:
    """Send a message, wait until it is fully handled, return the bot's last reply."""
    handled = _handled(bot)
    await bot.post_update(emulator.inject_message(user, text))
    await emulator.wait_for(lambda: _handled(bot) > handled)
    reply = emulator.last_message(user)
    assert reply is not None
    assert reply.plain_text is not None
    return reply.plain_text


async def test_an_operator_gets_the_days_numbers(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    await _say(webhook_bot, emulator, SOMEONE, "/start")
    await _say(webhook_bot, emulator, ADMIN, "/start")
    stats = await _say(webhook_bot, emulator, ADMIN, "/stats")
    assert stats.splitlines() == [
        "Stats for 2026-03-02 (UTC)",
        "People: 2 (2 active)",
        "Sessions sent today: 0",
        "Answered: 0 (–)",
        "Too hard: – of 0 answers",
    ]


async def test_stats_from_anyone_else_is_an_unknown_command(
    webhook_bot: RunningBot, emulator: BotApiEmulator
) -> None:
    await _say(webhook_bot, emulator, SOMEONE, "/start")
    unknown = await _say(webhook_bot, emulator, SOMEONE, "/nosuchcommand")
    stats = await _say(webhook_bot, emulator, SOMEONE, "/stats")
    assert stats == unknown
    assert "People:" not in stats
