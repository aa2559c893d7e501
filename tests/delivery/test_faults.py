"""Telegram misbehaving: flood control, server errors and a person who blocked the bot.

The PTB bot here is built as the composition root builds it (AIORateLimiter with two
retries): a 429 first pauses every send for Telegram's retry_after, inside PTB; only a 429
that outlasts those retries reaches the dispatcher, which holds the session back with its own
backoff. The ManualClock moves the dispatcher past its backoffs; PTB's pause is real time
(1.1 s per 429 here).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.clock import ManualClock
from bot.services.delivery import DeliveryPolicy
from tests.delivery.support import Rig, delivered, person

SIX = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
BLOCKED, FLOODED, FLOODED_ONCE, BROKEN, BAD_GATEWAY = 3, 5, 6, 8, 9
EVERYONE = range(1, 13)


async def test_faults_are_retried_until_sent_and_a_blocked_person_is_let_go(
    rig: Rig, clock: ManualClock
) -> None:
    await rig.seed(person(uid, next_at=SIX, reminder="06:00") for uid in EVERYONE)
    emulator = rig.emulator
    emulator.block_user(BLOCKED)
    flood = "Too Many Requests: retry after 1"
    # Outlasts PTB's own two retries, so the dispatcher must hold it back.
    emulator.fail_next(
        "sendMessage", error_code=429, description=flood, retry_after=1, chat_id=FLOODED, times=3
    )
    # Absorbed by PTB's rate limiter: one pause, then sent in the same tick.
    emulator.fail_next(
        "sendMessage", error_code=429, description=flood, retry_after=1, chat_id=FLOODED_ONCE
    )
    emulator.fail_next(
        "sendMessage",
        error_code=500,
        description="Internal Server Error",
        chat_id=BROKEN,
        times=2,
    )
    emulator.fail_next(
        "sendMessage", error_code=502, description="Bad Gateway", chat_id=BAD_GATEWAY
    )
    dispatcher = await rig.dispatcher(DeliveryPolicy(backoff=(5.0, 15.0, 60.0)))

    first = await dispatcher.dispatch_due()

    assert (first.sent, first.retried, first.blocked, first.failed) == (8, 3, 1, 0)
    blocked = await rig.user(BLOCKED)
    assert blocked.status == "inactive"
    by_user = {s.user_id: s for s in await rig.sessions()}
    assert by_user[BLOCKED].status == "failed"
    assert {by_user[uid].status for uid in (FLOODED, BROKEN, BAD_GATEWAY)} == {"pending"}

    clock.advance(timedelta(seconds=4))  # the backoff (5 s) is not over
    assert (await dispatcher.dispatch_due()).claimed == 0

    clock.advance(timedelta(seconds=2))
    second = await dispatcher.dispatch_due()
    assert (second.sent, second.retried) == (2, 1)  # the 500 fails once more

    clock.advance(timedelta(seconds=14))  # the second backoff (15 s) is not over
    assert (await dispatcher.dispatch_due()).claimed == 0
    clock.advance(timedelta(seconds=2))
    third = await dispatcher.dispatch_due()
    assert (third.sent, third.retried) == (1, 0)

    # Nothing lost, nothing doubled: everyone but the blocked person has exactly one message
    # and one sent session; the blocked one is not tried again.
    served = [uid for uid in EVERYONE if uid != BLOCKED]
    assert delivered(emulator) == dict.fromkeys(served, 1)
    sessions = await rig.sessions()
    assert [(s.user_id, s.status) for s in sessions] == [
        (uid, "failed" if uid == BLOCKED else "sent") for uid in EVERYONE
    ]
    attempts = {s.user_id: s.attempts for s in sessions}
    assert (attempts[FLOODED], attempts[BROKEN], attempts[BAD_GATEWAY]) == (2, 3, 2)
    for s in sessions:
        message = emulator.last_message(s.user_id)
        expected = None if s.user_id == BLOCKED else message and message.message_id
        assert s.telegram_message_id == expected
    clock.advance(timedelta(hours=1))
    assert (await dispatcher.dispatch_due()).claimed == 0
    assert delivered(emulator) == dict.fromkeys(served, 1)


async def test_a_send_that_keeps_failing_expires_with_the_grace(
    rig: Rig, clock: ManualClock
) -> None:
    await rig.seed([person(1, next_at=SIX, reminder="06:00")])
    rig.emulator.fail_next(
        "sendMessage", error_code=500, description="Internal Server Error", times=1000
    )
    dispatcher = await rig.dispatcher(
        DeliveryPolicy(grace=timedelta(hours=1), backoff=(600.0,), max_attempts=100)
    )

    tries = 0
    for _ in range(10):
        report = await dispatcher.dispatch_due()
        tries += report.claimed
        if report.expired:
            break
        clock.advance(timedelta(minutes=10, seconds=1))

    assert tries == 6  # at 0, 10, 20, 30, 40 and 50 minutes late; at 60 it is too late
    assert [s.status for s in await rig.sessions()] == ["expired"]
    assert len(rig.emulator.calls_to("sendMessage")) == 6
    clock.advance(timedelta(hours=1))
    assert (await dispatcher.dispatch_due()).claimed == 0
    assert len(rig.emulator.calls_to("sendMessage")) == 6


async def test_retries_stop_after_max_attempts(rig: Rig, clock: ManualClock) -> None:
    await rig.seed([person(1, next_at=SIX, reminder="06:00")])
    rig.emulator.fail_next(
        "sendMessage", error_code=500, description="Internal Server Error", times=1000
    )
    dispatcher = await rig.dispatcher(DeliveryPolicy(backoff=(1.0,), max_attempts=3))

    for _ in range(5):
        await dispatcher.dispatch_due()
        clock.advance(timedelta(seconds=2))

    assert [(s.status, s.attempts) for s in await rig.sessions()] == [("failed", 3)]
    assert len(rig.emulator.calls_to("sendMessage")) == 3
