"""Daily delivery: the database is the schedule and the session row is the outbox.

A round claims due people in a batch and, in one short transaction, writes each one's session
for that local date (unique on person and date, so a day is never sent twice) as `pending`
with a lease, moves their next reminder on and commits. Only then does it send, outside any
transaction, and the outcomes are committed in small groups within `record_wait` of being
known: `sent` with the Telegram message id, a later lease for a retry, or `failed`. The next
batch is claimed while this one is being sent, so the sends do not wait for the database.

Catch-up after downtime: of all the reminders a person missed, only their current local
day's can still be sent: once, late, if it is at most `grace` late. Every older day expires
in the same step and the next reminder is computed from now, so a long outage never turns
into a burst of old days.

Retries and several processes: a pending session whose lease has run out is claimed again by
the next round of any process (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so processes share the
work; SQLite has one writer at a time). A transient failure (flood control, 5xx, timeouts,
connection errors) keeps the session pending with a lease that ends after a backoff, never
shorter than Telegram's `retry_after`; a 403 ends it as failed and marks the person inactive.
The grace still applies: a retry that would be too late expires instead.

Duplicates, precisely. A person gets at most one message per local date, except when
Telegram accepted a message but its `sent` was never committed:
- a crash (or a failed recording commit) between Telegram's answer and that commit leaves the
  session pending, and after the lease another round sends it again. A send counts as
  unrecorded until its outcome is committed, and at most `concurrency * unrecorded_per_slot`
  sends per process are ever unrecorded: a crash duplicates at most that many messages;
- a request that times out after Telegram accepted it is retried like any timeout: one
  duplicate per such timeout.
Nothing else sends twice. A round starts a send only while at least half of its lease
remains (otherwise the session waits for the lease to run out), so another process cannot
take over a session mid-send unless one send outlasts half the lease; hence the lease must
exceed a batch's wait for its turn plus the longest flood-control pause of the rate limiter.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Library
from bot.domain.planner import PlanningError, plan_day
from bot.domain.schedule import local_date_of, next_reminder_at, occurrence
from bot.domain.state import Plan
from bot.services.clock import Clock
from bot.services.sessions import plan_seed, session_view, view_of
from bot.services.views import SessionView
from bot.storage.models import SessionStatus, UserStatus
from bot.storage.repositories import (
    DeliveryRepository,
    Member,
    PlannedSession,
    ScheduleMove,
    SessionRecord,
)

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """Base of what a Sender may raise; each kind is handled differently."""


class RecipientGone(DeliveryError):
    """The person blocked the bot or the account is gone (Telegram 403)."""


class RetryLater(DeliveryError):
    """Telegram is busy or failing (429, 5xx, timeouts); try again after `retry_after`."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Undeliverable(DeliveryError):
    """A permanent refusal for this message (for example, chat not found)."""


class Sender(Protocol):
    async def send_session(self, view: SessionView) -> int:
        """Send the session message and return its Telegram message id."""
        ...


@dataclass
class DispatchReport:
    claimed: int = 0  # sends this call started or queued
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    blocked: int = 0
    skipped_already_served: int = 0
    deferred: int = 0  # claimed, but too little lease was left to start the send
    rounds: int = 0

    def add(self, other: DispatchReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class DeliveryPolicy:
    batch_size: int = 200
    grace: timedelta = timedelta(hours=3)  # a reminder this late is still sent, once
    # How long a claim is held before others may take it. It must cover a batch waiting for
    # its turn (up to 1.5 batches are queued ahead of its last message) plus one send, with
    # margin: 1.5 * batch_size / send rate well under half of it (12 s of 60 at 25/s).
    lease: timedelta = timedelta(minutes=2)
    max_attempts: int = 6
    # Sends in flight at once. The rate limiter sets the real pace; more in flight only slows
    # httpcore's connection pool (bench/: raw PTB 311 msg/s at 64 against 742 at 8).
    concurrency: int = 8
    # Sent but not yet recorded, at most `unrecorded_bound` (the only messages a crash can
    # send twice). Several sends' outcomes share one commit (about 1.8 ms of CPU each through
    # SQLAlchemy and aiosqlite, bench/). A group is committed at half the bound, so sending
    # goes on while it commits; under full load a commit takes 30 to 140 ms (each trip to
    # the SQLite thread waits for a turn of the busy event loop, and SQLite's one writer may
    # be a claim), so the other half must cover that many sends, or the workers stop.
    unrecorded_per_slot: int = 16
    # Seconds the recorder gathers outcomes before committing. At Telegram's real pace (25/s)
    # the groups close on this wait; at full speed, on the count.
    record_wait: float = 0.2
    max_rounds: int = 50  # batches per tick, so one tick cannot run forever
    backoff: Sequence[float] = field(default=(5.0, 15.0, 60.0, 180.0, 600.0))

    @property
    def unrecorded_bound(self) -> int:
        return self.concurrency * self.unrecorded_per_slot

    @classmethod
    def for_rate(cls, send_rate: float, **values: Any) -> DeliveryPolicy:
        """A quarter of a second's worth of sends in flight, 4 to 16 (8 at 30/s).

        At Telegram's real round trip (tens of milliseconds) 16 in flight carry a few hundred
        messages a second, about what one core can send; more only makes each send dearer
        (bench/: 1.9 ms of CPU per reminder at 8 in flight, 3.2 ms at 32).
        """
        return cls(concurrency=min(16, max(4, math.ceil(send_rate * 0.25))), **values)


class DueOutcome(StrEnum):
    SEND = "send"
    EXPIRED = "expired"
    ALREADY_SERVED = "already_served"


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a claim does for one due person: send (a reminder instant) or not, and move on."""

    outcome: DueOutcome
    due_at: datetime | None  # the reminder to send now, for SEND
    local_date: date  # the local date this claim settles: the next reminder comes after it
    next_reminder_at: datetime


def settle_due(member: Member, now: datetime, grace: timedelta) -> Settlement:
    """Decide what a person whose reminder is due gets now: at most one message.

    `next_reminder_at` may be days old after downtime. Only today's reminder (in the person's
    zone) can still be sent, and only if it is at most `grace` late; every older day expires
    here, in one step, and the next reminder is computed from `now`, past all of them.
    """
    if member.next_reminder_at is None:
        raise ValueError("a claimed person has a next reminder")
    zone = ZoneInfo(member.timezone)
    today = local_date_of(now, zone)
    due: datetime | None = member.next_reminder_at
    settled = local_date_of(member.next_reminder_at, zone)
    if settled != today:
        # Missed days: today's reminder may be the one to send, if its time has come.
        todays = occurrence(today, member.reminder_time, zone)
        due = todays if todays <= now else None
    if due is not None:
        settled = local_date_of(due, zone)
    if member.last_served_date is not None and member.last_served_date >= settled:
        outcome, settled = DueOutcome.ALREADY_SERVED, member.last_served_date
    elif due is None or now - due > grace:
        outcome = DueOutcome.EXPIRED
    else:
        outcome = DueOutcome.SEND
    return Settlement(
        outcome=outcome,
        due_at=due if outcome is DueOutcome.SEND else None,
        local_date=settled,
        next_reminder_at=next_reminder_at(member.reminder_time, zone, now, last_served=settled),
    )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed session on its way out."""

    view: SessionView
    attempts: int  # sends tried before this one
    lease_until: datetime


@dataclass
class Claim:
    """What one round claimed and committed; `full` when there may be more waiting."""

    outgoing: list[Outgoing]
    full: bool
    report: DispatchReport


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        library: Library,
        clock: Clock,
        sender: Sender,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._library = library
        self._clock = clock
        self._sender = sender
        self._policy = policy or DeliveryPolicy()
        self._lock = asyncio.Lock()
        self._in_flight: set[int] = set()  # session ids this process is sending right now

    @property
    def policy(self) -> DeliveryPolicy:
        return self._policy

    async def dispatch_due(self) -> DispatchReport:
        """Serve everyone due now, batch after batch; a tick already running is not doubled."""
        report = DispatchReport()
        if self._lock.locked():
            return report
        async with self._lock:
            outbox = _Outbox(
                sessions=self._sessions,
                clock=self._clock,
                sender=self._sender,
                policy=self._policy,
                in_flight=self._in_flight,
                report=report,
            )
            try:
                for _ in range(self._policy.max_rounds):
                    claim = await self.claim()
                    report.add(claim.report)
                    report.rounds += 1
                    for item in claim.outgoing:
                        await outbox.submit(item)
                    if not claim.full:
                        break
            finally:
                await outbox.close()
        return report

    async def claim(self) -> Claim:
        """One round's first half: claim a batch, write its sessions, commit; no sending.

        The sessions come back pending and leased to this dispatcher; if it never sends them
        (a crash right after this commit), they return to any dispatcher after the lease.
        """
        now = self._clock.now()
        lease_until = now + self._policy.lease
        limit = self._policy.batch_size
        report = DispatchReport()
        async with self._sessions.begin() as db:
            delivery = DeliveryRepository(db)
            members = await delivery.claim_due_users(now, limit=limit)
            outgoing = await self._serve_due(delivery, members, now, lease_until, report)
            retries = await delivery.claim_expired_leases(now, limit=limit, lease_until=lease_until)
            outgoing += await self._retry(db, delivery, retries, now, lease_until, report)
        report.claimed = len(outgoing)
        return Claim(outgoing, len(members) >= limit or len(retries) >= limit, report)

    async def _serve_due(
        self,
        delivery: DeliveryRepository,
        members: Sequence[Member],
        now: datetime,
        lease_until: datetime,
        report: DispatchReport,
    ) -> list[Outgoing]:
        """Write the batch's sessions and move everyone's reminder on, a statement each."""
        settled = [(member, settle_due(member, now, self._policy.grace)) for member in members]
        to_plan = [(m, s) for m, s in settled if s.outcome is DueOutcome.SEND]
        states = await delivery.coach_states([(m, s.local_date) for m, s in to_plan])
        planned: list[tuple[Member, PlannedSession]] = []
        for member, settlement in to_plan:
            assert settlement.due_at is not None  # SEND always carries its reminder instant
            try:
                plan = plan_day(
                    self._library,
                    states[member.id],
                    settlement.local_date,
                    plan_seed(member.id, settlement.local_date),
                )
            except PlanningError:
                # One person's impossible profile must not hold the batch up every tick.
                log.exception("cannot plan the day", extra={"user_id": member.id})
                report.failed += 1
                continue
            planned.append((member, PlannedSession(member.id, plan, settlement.due_at)))
        created = await delivery.add_pending(
            [p for _, p in planned], lease_until=lease_until, now=now
        )
        await delivery.advance_schedules(
            [ScheduleMove(m.id, s.next_reminder_at, s.local_date) for m, s in settled], now=now
        )
        for _, settlement in settled:
            if settlement.outcome is DueOutcome.EXPIRED:
                report.expired += 1
            elif settlement.outcome is DueOutcome.ALREADY_SERVED:
                report.skipped_already_served += 1
        outgoing = []
        for member, item in planned:
            session_id = created.get(member.id)
            if session_id is None:
                report.skipped_already_served += 1  # /today or another process got there first
                continue
            outgoing.append(Outgoing(_fresh_view(session_id, member, item.plan), 0, lease_until))
        return outgoing

    async def _retry(
        self,
        db: AsyncSession,
        delivery: DeliveryRepository,
        retries: Sequence[tuple[SessionRecord, Member]],
        now: datetime,
        lease_until: datetime,
        report: DispatchReport,
    ) -> list[Outgoing]:
        outgoing = []
        expired = []
        for record, member in retries:
            if record.id in self._in_flight:
                continue  # still being sent by this process: the claim only extended its lease
            if (
                member.status is not UserStatus.ACTIVE
                or record.skipped  # "skip today" came before we could send it
                or self._too_late(record, member, now)
            ):
                expired.append(record.id)
                continue
            view = await session_view(db, self._library, member, record)
            outgoing.append(Outgoing(view, record.attempts, lease_until))
        await delivery.finish(expired, SessionStatus.EXPIRED)
        report.expired += len(expired)
        return outgoing

    def _too_late(self, record: SessionRecord, member: Member, now: datetime) -> bool:
        """Late by more than the grace, or the person's day is already over: never a burst."""
        today = local_date_of(now, ZoneInfo(member.timezone))
        return now - record.due_at > self._policy.grace or today != record.local_date


def _fresh_view(session_id: int, member: Member, plan: Plan) -> SessionView:
    """A just-planned session as the person sees it: nothing answered yet (no query needed)."""
    return view_of(
        member,
        session_id=session_id,
        local_date=plan.local_date,
        focus=plan.focus,
        stretch=plan.stretch,
        strength=plan.strength,
    )


_Result = tuple[Outgoing, int | DeliveryError]


def backoff_seconds(policy: DeliveryPolicy, attempts: int, retry_after: float | None) -> float:
    """How long a session waits after its `attempts`-th failed send: Telegram's word wins."""
    steps = policy.backoff
    return max(steps[min(attempts - 1, len(steps) - 1)], retry_after or 0.0)


class _Outbox:
    """Sends claimed sessions with `concurrency` workers and records every outcome.

    Each worker sends one message at a time and starts its next as soon as Telegram answers,
    the way a plain PTB send loop does, so a tick runs `concurrency` long-lived tasks rather
    than one per message. A send counts as unrecorded until its outcome is committed;
    unrecorded sends are bounded by `unrecorded_bound`, which bounds what a crash can
    duplicate. One recorder task commits outcomes in groups, gathering for up to
    `record_wait` seconds or half the bound, whichever comes first.
    """

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        sender: Sender,
        policy: DeliveryPolicy,
        in_flight: set[int],
        report: DispatchReport,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._sender = sender
        self._policy = policy
        self._in_flight = in_flight
        self._report = report
        self._limit = policy.unrecorded_bound
        self._unrecorded = asyncio.Semaphore(self._limit)
        # Half a batch: the next batch is claimed while half of this one still waits, so the
        # workers never wait for a claim (the lease covers 1.5 batches' wait, see `lease`).
        self._queue: asyncio.Queue[Outgoing | None] = asyncio.Queue(
            maxsize=max(policy.concurrency, policy.batch_size // 2)
        )
        self._results: asyncio.Queue[_Result | None] = asyncio.Queue()
        self._workers = [asyncio.create_task(self._work()) for _ in range(policy.concurrency)]
        self._recorder = asyncio.create_task(self._record_all())

    async def submit(self, item: Outgoing) -> None:
        """Queue `item` for the next free worker (waits while the queue is full)."""
        self._in_flight.add(item.view.session_id)
        await self._queue.put(item)

    async def close(self) -> None:
        """Wait for the queued sends and for their outcomes to be committed."""
        try:
            for _ in self._workers:
                await self._queue.put(None)
            await asyncio.gather(*self._workers, return_exceptions=True)
        finally:
            for worker in self._workers:
                worker.cancel()  # only if close() itself was cancelled while waiting
            while not self._queue.empty():  # never sent: the lease brings them back
                left = self._queue.get_nowait()
                if left is not None:
                    self._in_flight.discard(left.view.session_id)
            self._results.put_nowait(None)
            await self._recorder

    async def _work(self) -> None:
        while (item := await self._queue.get()) is not None:
            if self._clock.now() >= item.lease_until - self._policy.lease / 2:
                # Too little of the lease left to be sure nobody takes it over mid-send: leave
                # it pending, the lease brings it back.
                self._report.deferred += 1
                self._in_flight.discard(item.view.session_id)
                continue
            await self._unrecorded.acquire()
            try:
                outcome = await self._attempt(item.view)
            except BaseException:
                self._unrecorded.release()
                self._in_flight.discard(item.view.session_id)
                raise
            self._results.put_nowait((item, outcome))  # the recorder releases the slot

    async def _attempt(self, view: SessionView) -> int | DeliveryError:
        try:
            return await self._sender.send_session(view)
        except DeliveryError as exc:
            return exc
        except Exception as exc:  # a bug must not lose the rest of the batch
            log.exception("unexpected error while sending", extra={"user_id": view.user_id})
            return RetryLater(type(exc).__name__)

    async def _record_all(self) -> None:
        loop = asyncio.get_running_loop()
        # Commit at half the bound: the other half keeps the workers sending while it runs.
        cap = max(1, self._limit // 2)
        stop = False
        while not stop:
            first = await self._results.get()
            if first is None:
                return
            group = [first]
            deadline = loop.time() + self._policy.record_wait
            while len(group) < cap:
                if self._results.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        async with asyncio.timeout(remaining):
                            result = await self._results.get()
                    except TimeoutError:
                        break
                else:  # already waiting: taken without a trip through the event loop
                    result = self._results.get_nowait()
                if result is None:
                    stop = True
                    break
                group.append(result)
            try:
                await self._record(group)
            except Exception:
                # The sessions stay pending: their leases bring them back (maybe as duplicates).
                log.exception("could not record %d send outcomes", len(group))
            finally:
                for item, _ in group:
                    self._in_flight.discard(item.view.session_id)
                    self._unrecorded.release()

    async def _record(self, group: Sequence[_Result]) -> None:
        now = self._clock.now()
        sent: list[tuple[int, int]] = []
        retry: list[tuple[int, datetime]] = []
        failed: list[int] = []
        gone: list[SessionView] = []
        for item, outcome in group:
            view = item.view
            attempts = item.attempts + 1
            if isinstance(outcome, int):
                sent.append((view.session_id, outcome))
            elif isinstance(outcome, RecipientGone):
                gone.append(view)
            elif isinstance(outcome, RetryLater) and attempts < self._policy.max_attempts:
                wait = backoff_seconds(self._policy, attempts, outcome.retry_after)
                retry.append((view.session_id, now + timedelta(seconds=wait)))
            else:
                failed.append(view.session_id)
                log.warning(
                    "session not delivered",
                    extra={"user_id": view.user_id, "reason": str(outcome)},
                )
        async with self._sessions.begin() as db:
            delivery = DeliveryRepository(db)
            await delivery.mark_sent(sent, now=now)
            await delivery.retry_later(retry)
            await delivery.finish(
                failed + [view.session_id for view in gone], SessionStatus.FAILED, attempted=True
            )
            await delivery.deactivate([view.user_id for view in gone], now=now)
        report = self._report
        report.sent += len(sent)
        report.retried += len(retry)
        report.failed += len(failed)
        report.blocked += len(gone)
