"""Concurrency: many updates from one person at once, taps racing the daily send, /forget
racing a reminder. Exactly one recorded answer, one session per day, no orphan rows; on an
SQLite file and on PostgreSQL (where two bot processes could race for real)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.library import Library
from bot.domain.state import Outcome
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.services.nudges import NudgeService
from bot.services.views import FeedbackStatus, Slot
from bot.texts import text
from tests.reliability.figures import record
from tests.reliability.harness import World, running_world
from tests.reliability.test_isolation import rows_of

ALICE, BOB = 8101, 8102
DAILY = "Your inner-thigh session"


async def _today(world: World, user_id: int) -> tuple[int, int]:
    await world.say(user_id, "/today")
    message = world.emulator.last_message(user_id)
    assert message is not None
    assert message.inline_keyboard
    data = str(message.inline_keyboard[0][0]["callback_data"])
    return message.message_id, int(data.split(":")[1])


async def _latest(world: World, user_id: int) -> tuple[int, int]:
    """The person's newest session: (its message id, its id)."""
    sessions = (await rows_of(world.db_url, user_id))["daily_sessions"]
    newest = max(sessions, key=lambda s: str(s["local_date"]))
    return int(newest["telegram_message_id"]), int(newest["id"])


async def _answers(world: World, session_id: int) -> Counter[str]:
    rows = (await rows_of(world.db_url, ALICE))["feedback"]
    return Counter(str(r["move_id"]) for r in rows if r["session_id"] == session_id)


async def test_twenty_double_taps_record_one_answer(
    emulator: BotApiEmulator, any_db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, any_db_url, clock, library) as world:
        message_id, session_id = await _today(world, ALICE)
        taps = [
            emulator.inject_callback(ALICE, message_id, f"fb:{session_id}:s:d") for _ in range(20)
        ]
        await world.until_handled([t["update_id"] for t in taps])
        toasts = Counter(
            a.get("text")
            for a in emulator.callback_answers()
            if a["callback_query_id"] in {t["callback_query"]["id"] for t in taps}
        )
        assert toasts == {text("toast.recorded"): 1, text("toast.already"): 19}
        assert list((await _answers(world, session_id)).values()) == [1]

        # What a second bot process would do: the same answer raced past the person's lock,
        # straight into the service, every outcome at once.
        coach = world.app.bot_data.services.coach
        outcomes = [Outcome.DONE, Outcome.TOO_EASY, Outcome.TOO_HARD] * 7
        results = await asyncio.gather(
            *(coach.record_feedback(ALICE, session_id, Slot.STRENGTH, o) for o in outcomes)
        )
        statuses = Counter(r.status for r in results)
        assert statuses == {FeedbackStatus.RECORDED: 1, FeedbackStatus.ALREADY_ANSWERED: 20}
        assert sorted((await _answers(world, session_id)).values()) == [1, 1]
        await world.check()
    record("concurrency.double_taps", "20 taps at once + 21 racing service calls: 1 answer each")


async def test_taps_racing_the_daily_send(
    emulator: BotApiEmulator, any_db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, any_db_url, clock, library) as world:
        await world.say(ALICE, "/timezone UTC")
        await world.say(ALICE, "/time 06:00")  # the clock starts at 06:00 UTC
        await world.say(ALICE, "/today")
        rounds, sent = 6, 0
        for day in range(rounds):
            message_id, yesterday = await _latest(world, ALICE)
            clock.advance(timedelta(days=1))  # the next morning, at the reminder time
            updates = [
                *(
                    emulator.inject_callback(ALICE, message_id, f"fb:{yesterday}:{s}:{o}")
                    for s, o in ("sd", "gd", "se", "gh", "sd", "gp")
                ),
                emulator.inject_message(ALICE, "/today"),
                emulator.inject_message(ALICE, "done"),
                emulator.inject_message(ALICE, "too easy"),
            ]
            if day % 2:  # the tick first, or the taps first
                await asyncio.sleep(0)
            dispatcher = world.app.bot_data.services.dispatcher
            report, _ = await asyncio.gather(
                dispatcher.dispatch_due(), world.until_handled([u["update_id"] for u in updates])
            )
            assert report.failed == 0
            sent += report.sent
            sessions = (await rows_of(world.db_url, ALICE))["daily_sessions"]
            dates = Counter(str(s["local_date"]) for s in sessions)
            assert set(dates.values()) == {1}, dates
            assert all(n <= 1 for n in (await _answers(world, yesterday)).values())
            await world.check()
    record(
        "concurrency.taps_vs_daily_send",
        f"{rounds} mornings: 9 updates racing the tick, one session a day, one answer a move",
    )


async def test_forget_racing_a_reminder_leaves_nothing(
    emulator: BotApiEmulator, any_db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, any_db_url, clock, library) as world:
        services = world.app.bot_data.services
        rounds = 6
        for day in range(rounds):
            await world.say(ALICE, "/timezone UTC")
            await world.say(ALICE, "/time 06:00")  # the clock is at 06:00: due in a day
            await world.say(BOB, "/time 06:00")
            await _today(world, ALICE)  # yesterday's data, about to be forgotten
            await world.say(ALICE, "/forget")
            ask = emulator.last_message(ALICE)
            assert ask is not None
            clock.advance(timedelta(days=1))  # Alice's and Bob's reminders are due now
            tap = emulator.inject_callback(ALICE, ask.message_id, "fg:y")
            if day % 2:
                await asyncio.sleep(0)
            await asyncio.gather(
                services.dispatcher.dispatch_due(), world.until_handled([tap["update_id"]])
            )
            assert all(rows == [] for rows in (await rows_of(world.db_url, ALICE)).values())
            sends = len(emulator.calls_to("sendMessage"))
            clock.advance(timedelta(days=1))
            await services.dispatcher.dispatch_due()
            await services.nudges.dispatch_due()
            to_alice = [
                c for c in emulator.calls_to("sendMessage")[sends:] if c.params["chat_id"] == ALICE
            ]
            assert to_alice == [], "nothing comes back by itself after /forget"
            assert (await rows_of(world.db_url, BOB))["daily_sessions"], "Bob is still served"
            await world.check()
    record(
        "concurrency.forget_vs_reminder",
        f"{rounds} races of /forget with the tick: no row left, nothing sent after",
    )


async def test_forget_between_a_nudge_claim_and_its_follow_up(
    emulator: BotApiEmulator,
    any_db_url: str,
    clock: ManualClock,
    library: Library,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_world(emulator, any_db_url, clock, library) as world:
        await world.say(ALICE, "/today")  # a session this week: the summary has news
        services = world.app.bot_data.services
        deliver = NudgeService._deliver

        async def forgotten_first(self: NudgeService, nudge: Any, member: Any, now: Any) -> bool:
            await services.progress.forget(member.id)  # /forget lands right after the claim
            return await deliver(self, nudge, member, now)

        monkeypatch.setattr(NudgeService, "_deliver", forgotten_first)
        clock.set(datetime(2026, 3, 8, 18, 1, tzinfo=UTC))  # Sunday 18:01: the weekly summary
        report = await services.nudges.dispatch_due()
        assert report.claimed == 1
        assert all(rows == [] for rows in (await rows_of(world.db_url, ALICE)).values())
        assert world.logs.errors() == []
