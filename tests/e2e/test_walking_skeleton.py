"""The whole path, as a person meets it: Telegram update in, database row, message out."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.app import build_application
from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.telegram.context import CoachApplication
from tests.support import settings_for, start_app, stop_app

ALICE = 1001


def _rows(db_url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


async def _say(emulator: BotApiEmulator, user: int, text: str, until: str = "") -> None:
    """Send a message and wait for a new reply containing `until` (any reply if empty)."""
    before = len(emulator.messages(user))
    emulator.inject_message(user, text)
    await emulator.wait_for(lambda: any(until in m.text for m in emulator.messages(user)[before:]))


async def test_start_today_and_too_hard_tap(
    running_app: CoachApplication, emulator: BotApiEmulator, db_url: str, library: Library
) -> None:
    await _say(emulator, ALICE, "/start", until="When should your session arrive")
    assert any("inner-thigh coach" in m.text for m in emulator.messages(ALICE))
    assert _rows(db_url, "select id, timezone, status from users") == [(ALICE, "UTC", "active")]

    await _say(emulator, ALICE, "/today", until="Your inner-thigh session")
    session_message = emulator.last_message(ALICE)
    assert session_message is not None
    assert session_message.reply_markup is not None
    # The message reaches Telegram a moment before the bot records that it was sent.
    await emulator.wait_for(
        lambda: _rows(db_url, "select status from daily_sessions") == [("sent",)]
    )
    (session_id, stretch_id, strength_id, status, message_id) = _rows(
        db_url,
        "select id, stretch_id, strength_id, status, telegram_message_id from daily_sessions",
    )[0]
    assert status == "sent"
    assert message_id == session_message.message_id
    assert library.move(str(stretch_id)).name in session_message.text
    assert library.move(str(strength_id)).name in session_message.text

    buttons = [b for row in session_message.reply_markup["inline_keyboard"] for b in row]
    too_hard = next(b for b in buttons if b["callback_data"] == f"fb:{session_id}:g:h")
    emulator.inject_callback(ALICE, session_message.message_id, too_hard["callback_data"])
    await emulator.wait_for(lambda: bool(emulator.callback_answers()))
    await emulator.wait_for(lambda: emulator.last_message(ALICE).edited)  # type: ignore[union-attr]

    assert _rows(db_url, "select move_id, outcome from feedback") == [(strength_id, "too_hard")]
    edited = emulator.last_message(ALICE)
    assert edited is not None
    assert "Too hard" in edited.text
    remaining = [b["callback_data"] for row in edited.reply_markup["inline_keyboard"] for b in row]
    assert all(":g:" not in data for data in remaining), "the answered move keeps no buttons"
    assert any(":s:" in data for data in remaining), "the stretch can still be answered"


def _daily_sends(emulator: BotApiEmulator) -> list[object]:
    return [
        call
        for call in emulator.calls_to("sendMessage")
        if "Your inner-thigh session" in str(call.params.get("text"))
    ]


async def test_daily_reminder_sent_once_per_local_date_across_ticks_and_restarts(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    settings = settings_for(emulator, db_url)
    app = build_application(settings, library=library, clock=clock, run_dispatcher=False)
    await start_app(app)
    try:
        await _say(emulator, ALICE, "/start", until="When should your session arrive")
        await _say(emulator, ALICE, "/timezone Europe/Berlin", until="Time zone set")
        await _say(emulator, ALICE, "/time 07:30", until="your session will arrive")
        dispatcher = app.bot_data.services.dispatcher

        # 06:00 UTC is 07:00 in Berlin: not yet.
        assert (await dispatcher.dispatch_due()).sent == 0
        clock.advance(timedelta(minutes=30))  # 07:30 Berlin
        assert (await dispatcher.dispatch_due()).sent == 1
        assert (await dispatcher.dispatch_due()).sent == 0
        clock.advance(timedelta(minutes=10))
        assert (await dispatcher.dispatch_due()).sent == 0
        assert len(_daily_sends(emulator)) == 1
    finally:
        await stop_app(app)

    # A new process on the same database file: still one message for that local date.
    restarted = build_application(settings, library=library, clock=clock, run_dispatcher=False)
    await start_app(restarted)
    try:
        dispatcher = restarted.bot_data.services.dispatcher
        assert (await dispatcher.dispatch_due()).sent == 0
        assert len(_daily_sends(emulator)) == 1
        clock.advance(timedelta(days=1))  # the next morning at 07:40 Berlin
        assert (await dispatcher.dispatch_due()).sent == 1
        assert len(_daily_sends(emulator)) == 2
    finally:
        await stop_app(restarted)
    dates = _rows(db_url, "select local_date, status from daily_sessions order by local_date")
    assert dates == [("2026-03-02", "sent"), ("2026-03-03", "sent")]
