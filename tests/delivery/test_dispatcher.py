"""The dispatcher on a real database (SQLite file and PostgreSQL) and the emulator over HTTP."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import make_url

from bot.domain.library import Library
from bot.playground.emulator import ApiCall, BotApiEmulator
from bot.services.clock import ManualClock
from bot.services.delivery import DeliveryPolicy, DispatchReport
from bot.services.sessions import session_view
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import UserStatus
from bot.storage.repositories import DeliveryRepository, SessionRepository, UserRepository
from bot.telegram.keyboards import session_keyboard
from bot.telegram.render import SessionRenderer
from tests.delivery.support import Rig, delivered, person, seed

# The clock fixture: Monday 2 March 2026, 06:00 UTC (07:00 in Berlin).
MONDAY = date(2026, 3, 2)
SIX = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def is_postgres(rig: Rig) -> bool:
    return make_url(rig.url).get_backend_name() == "postgresql"


async def test_due_people_are_served_once_and_their_reminder_moves_on(rig: Rig) -> None:
    due = [person(uid, next_at=SIX, reminder="06:00") for uid in (1, 2, 3, 4, 5)]
    later = person(6, next_at=SIX + timedelta(hours=1), reminder="07:00")
    inactive = person(7, next_at=SIX, reminder="06:00", status=UserStatus.INACTIVE)
    paused = person(8, next_at=SIX, reminder="06:00", status=UserStatus.PAUSED)
    await rig.seed([*due, later, inactive, paused])
    dispatcher = await rig.dispatcher()

    report = await dispatcher.dispatch_due()

    assert (report.claimed, report.sent) == (5, 5)
    assert delivered(rig.emulator) == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    sessions = await rig.sessions()
    assert [(s.user_id, s.local_date, s.status, s.due_at) for s in sessions] == [
        (uid, MONDAY, "sent", SIX) for uid in (1, 2, 3, 4, 5)
    ]
    for s in sessions:
        message = rig.emulator.last_message(s.user_id)
        assert message is not None
        assert s.telegram_message_id == message.message_id
    first = await rig.user(1)
    assert first.next_reminder_at == SIX + timedelta(days=1)
    assert first.last_served_date == MONDAY

    again = await dispatcher.dispatch_due()
    assert (again.claimed, again.sent) == (0, 0)
    assert sum(delivered(rig.emulator).values()) == 5


async def test_the_message_sent_is_the_session_as_the_person_would_see_it(rig: Rig) -> None:
    """The dispatcher draws a fresh session without reading it back: it must match the view
    that /today and the answer buttons build from the stored row."""
    await rig.seed([person(1, next_at=SIX, reminder="06:00")])
    dispatcher = await rig.dispatcher()

    assert (await dispatcher.dispatch_due()).sent == 1

    message = rig.emulator.last_message(1)
    assert message is not None
    async with create_session_factory(rig.engine).begin() as db:
        (stored,) = await rig.sessions()
        member = await UserRepository(db).get(1)
        record = await SessionRepository(db).for_date(1, stored.local_date)
        assert member is not None
        assert record is not None
        view = await session_view(db, rig.library, member, record)
    assert message.text == SessionRenderer(rig.library).session_html(view)
    keyboard = session_keyboard(view)
    assert keyboard is not None
    assert message.reply_markup == keyboard.to_dict()


async def test_more_due_people_than_a_batch_are_all_served_in_one_call(rig: Rig) -> None:
    await rig.seed(person(uid, next_at=SIX, reminder="06:00") for uid in range(1, 41))
    dispatcher = await rig.dispatcher(DeliveryPolicy(batch_size=7, concurrency=4))

    report = await dispatcher.dispatch_due()

    assert report.sent == 40
    assert report.rounds == 6  # 7+7+7+7+7+5: the short batch ends the call
    assert delivered(rig.emulator) == dict.fromkeys(range(1, 41), 1)
    assert {s.status for s in await rig.sessions()} == {"sent"}


async def test_two_dispatchers_racing_send_each_day_once(rig: Rig) -> None:
    await rig.seed(person(uid, next_at=SIX, reminder="06:00") for uid in range(1, 151))
    policy = DeliveryPolicy(batch_size=10, concurrency=8)
    first, second = await rig.dispatcher(policy), await rig.dispatcher(policy)

    one, two = await asyncio.gather(first.dispatch_due(), second.dispatch_due())

    assert one.sent + two.sent == 150
    assert delivered(rig.emulator) == dict.fromkeys(range(1, 151), 1)
    sessions = await rig.sessions()
    assert len({(s.user_id, s.local_date) for s in sessions}) == len(sessions) == 150
    if is_postgres(rig):
        # SKIP LOCKED: each takes rows the other does not hold, so both do part of the work.
        assert one.sent > 0
        assert two.sent > 0


async def test_postgresql_claims_skip_the_rows_another_transaction_holds(
    pg_url: str, clock: ManualClock
) -> None:
    engines = [create_engine(pg_url), create_engine(pg_url)]
    try:
        await upgrade(engines[0])
        await seed(engines[0], [person(uid, next_at=SIX, reminder="06:00") for uid in range(10)])
        first, second = (create_session_factory(e) for e in engines)
        async with first.begin() as db_one, second.begin() as db_two:
            held = await DeliveryRepository(db_one).claim_due_users(clock.now(), limit=4)
            rest = await DeliveryRepository(db_two).claim_due_users(clock.now(), limit=10)
        assert len(held) == 4
        assert len(rest) == 6
        assert {m.id for m in held}.isdisjoint({m.id for m in rest})
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_claim_left_by_a_crash_returns_after_its_lease_and_is_sent_once(
    rig: Rig, clock: ManualClock
) -> None:
    await rig.seed(person(uid, next_at=SIX, reminder="06:00") for uid in (1, 2, 3))
    policy = DeliveryPolicy(lease=timedelta(seconds=30))
    crashed, survivor = await rig.dispatcher(policy), await rig.dispatcher(policy)

    # The first process commits its claim, then dies before sending anything.
    claim = await crashed.claim()
    assert len(claim.outgoing) == 3
    assert [s.status for s in await rig.sessions()] == ["pending"] * 3

    clock.advance(timedelta(seconds=29))
    assert (await survivor.dispatch_due()).sent == 0  # the lease still holds them
    assert delivered(rig.emulator) == {}

    clock.advance(timedelta(seconds=2))
    report = await survivor.dispatch_due()
    assert report.sent == 3
    assert delivered(rig.emulator) == {1: 1, 2: 1, 3: 1}
    assert [(s.status, s.attempts) for s in await rig.sessions()] == [("sent", 1)] * 3

    clock.advance(timedelta(minutes=5))
    assert (await survivor.dispatch_due()).claimed == 0
    assert delivered(rig.emulator) == {1: 1, 2: 1, 3: 1}


async def test_while_outcomes_cannot_be_recorded_at_most_the_bound_are_sent(
    db_url: str, emulator: BotApiEmulator, library: Library, clock: ManualClock
) -> None:
    """The crash-duplicate bound, observed: while the database refuses the outcome commits,
    no more than `unrecorded_bound` messages go out, and all of them are made good after."""
    people = 40
    policy = DeliveryPolicy(batch_size=people, concurrency=2, unrecorded_per_slot=3)
    rig = Rig(db_url, emulator, library, clock)
    await rig.start()
    path = make_url(db_url).database
    assert path is not None
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locked = threading.Event()

    def lock_on_first_send(call: ApiCall) -> None:
        # In the emulator's thread, before its first answer: no outcome can be committed yet.
        if call.method == "sendMessage" and not locked.is_set():
            blocker.execute("BEGIN IMMEDIATE")  # holds SQLite's one write lock
            locked.set()

    unsubscribe = emulator.subscribe(lock_on_first_send)
    tick: asyncio.Task[DispatchReport] | None = None
    try:
        await rig.seed(person(uid, next_at=SIX, reminder="06:00") for uid in range(1, people + 1))
        dispatcher = await rig.dispatcher(policy)
        tick = asyncio.create_task(dispatcher.dispatch_due())
        await emulator.wait_for(lambda: sum(delivered(emulator).values()) >= 1)
        await asyncio.sleep(1.0)  # ample time for more sends, were any allowed
        assert locked.is_set()
        assert sum(delivered(emulator).values()) == policy.unrecorded_bound == 6
        assert not tick.done()

        blocker.execute("ROLLBACK")
        report = await asyncio.wait_for(tick, timeout=30)
    finally:
        unsubscribe()
        blocker.close()  # rolls back, if a failed assertion left the lock held
        if tick is not None and not tick.done():
            tick.cancel()
            await asyncio.gather(tick, return_exceptions=True)
        await rig.close()
    assert report.sent == people
    assert delivered(emulator) == dict.fromkeys(range(1, people + 1), 1)


# Catch-up after downtime. Berlin: 07:00 local is 06:00 UTC until 29 March, 05:00 UTC after.
BERLIN = "Europe/Berlin"


def downtime(
    case: str,
    *,
    due: datetime,
    now: datetime,
    sent_for: tuple[date, datetime] | None,
    next_at: datetime,
    reminder: str = "07:00",
) -> object:
    return pytest.param(due, reminder, now, sent_for, next_at, id=case)


@pytest.mark.parametrize(
    ("due", "reminder", "now", "sent_for", "next_at"),
    [
        downtime(
            "late within the grace: sent once, late",
            due=SIX,
            now=SIX + timedelta(hours=2, minutes=59),
            sent_for=(MONDAY, SIX),
            next_at=SIX + timedelta(days=1),
        ),
        downtime(
            "later than the grace: expired",
            due=SIX,
            now=SIX + timedelta(hours=3, minutes=1),
            sent_for=None,
            next_at=SIX + timedelta(days=1),
        ),
        downtime(
            "the day is over, though within the grace: expired",
            due=datetime(2026, 3, 1, 22, 0, tzinfo=UTC),  # 23:00 Sunday in Berlin
            reminder="23:00",
            now=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),  # 00:30 Monday in Berlin
            sent_for=None,
            next_at=datetime(2026, 3, 2, 22, 0, tzinfo=UTC),
        ),
        downtime(
            "three days down, back within today's grace: today's only",
            due=SIX - timedelta(days=3),
            now=SIX + timedelta(hours=1),
            sent_for=(MONDAY, SIX),
            next_at=SIX + timedelta(days=1),
        ),
        downtime(
            "three days down, back after today's grace: nothing",
            due=SIX - timedelta(days=3),
            now=SIX + timedelta(hours=6),
            sent_for=None,
            next_at=SIX + timedelta(days=1),
        ),
        downtime(
            "three days down, back before today's time: today's on time",
            due=SIX - timedelta(days=3),
            now=SIX - timedelta(hours=1),
            sent_for=None,
            next_at=SIX,
        ),
        downtime(
            "down over the spring-forward weekend: today's, at the summer-time instant",
            due=datetime(2026, 3, 27, 6, 0, tzinfo=UTC),
            now=datetime(2026, 3, 30, 5, 30, tzinfo=UTC),
            sent_for=(date(2026, 3, 30), datetime(2026, 3, 30, 5, 0, tzinfo=UTC)),
            next_at=datetime(2026, 3, 31, 5, 0, tzinfo=UTC),
        ),
    ],
)
async def test_after_downtime_at_most_todays_reminder_is_sent(
    rig: Rig,
    clock: ManualClock,
    due: datetime,
    reminder: str,
    now: datetime,
    sent_for: tuple[date, datetime] | None,
    next_at: datetime,
) -> None:
    await rig.seed([person(1, next_at=due, reminder=reminder, zone=BERLIN)])
    dispatcher = await rig.dispatcher(DeliveryPolicy(grace=timedelta(hours=3)))
    clock.set(now)

    report = await dispatcher.dispatch_due()
    # A second tick finds nothing more: one step skips every stale day.
    again = await dispatcher.dispatch_due()

    expected = [] if sent_for is None else [(1, *sent_for, "sent")]
    assert [(s.user_id, s.local_date, s.due_at, s.status) for s in await rig.sessions()] == (
        expected
    )
    assert delivered(rig.emulator) == ({} if sent_for is None else {1: 1})
    assert report.sent == len(expected)
    assert again.claimed == again.sent == 0
    assert (await rig.user(1)).next_reminder_at == next_at
    if next_at <= now + timedelta(hours=1):
        # Back before today's time: today's reminder is sent when it falls due, once.
        clock.set(next_at)
        assert (await dispatcher.dispatch_due()).sent == 1
        assert delivered(rig.emulator) == {1: 1}
        assert [s.local_date for s in await rig.sessions()] == [MONDAY]
