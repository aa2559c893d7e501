"""Daily delivery: the database is the schedule and the session row is the outbox.

One tick claims due people in batches, writes each one's session for that local date (unique on
person and date, so a day is never sent twice), advances their next reminder and commits;
only then does it send, outside any transaction. A pending session carries a lease: if the
process dies before recording the send, or Telegram asks to retry later, the lease runs out
and a later tick (in any process) picks the session up again. The one duplicate this allows is
a crash between Telegram accepting a message and the commit that records it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Library
from bot.domain.schedule import local_date_of, next_reminder_at
from bot.services.clock import Clock
from bot.services.sessions import create_session, session_view
from bot.services.views import SessionView
from bot.storage.models import SessionStatus, UserStatus
from bot.storage.repositories import DeliveryRepository, Member, UserRepository

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
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    blocked: int = 0
    skipped_already_served: int = 0
    rounds: int = 0

    def add(self, other: DispatchReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class DeliveryPolicy:
    batch_size: int = 200
    grace: timedelta = timedelta(hours=3)  # a reminder this late is still sent, once
    lease: timedelta = timedelta(minutes=2)  # how long a claim is held before others may retry
    max_attempts: int = 6
    concurrency: int = 64  # sends in flight at once; the rate limiter sets the real pace
    max_rounds: int = 50  # batches per tick, so one tick cannot run forever
    backoff: Sequence[float] = field(default=(5.0, 15.0, 60.0, 180.0, 600.0))


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

    async def dispatch_due(self) -> DispatchReport:
        """Serve everyone due now, batch after batch; a tick already running is not doubled."""
        report = DispatchReport()
        if self._lock.locked():
            return report
        async with self._lock:
            for _ in range(self._policy.max_rounds):
                round_report, claimed_full_batch = await self._one_round()
                report.add(round_report)
                report.rounds += 1
                if not claimed_full_batch:
                    break
        return report

    async def _one_round(self) -> tuple[DispatchReport, bool]:
        now = self._clock.now()
        report = DispatchReport()
        async with self._sessions.begin() as db:
            due_members = await DeliveryRepository(db).claim_due_users(
                now, limit=self._policy.batch_size
            )
            to_send: list[SessionView] = []
            for member in due_members:
                view = await self._serve_member(db, member, now, report)
                if view is not None:
                    to_send.append(view)
            retries = await DeliveryRepository(db).claim_expired_leases(
                now, limit=self._policy.batch_size, lease_until=now + self._policy.lease
            )
            for record, member in retries:
                if self._too_late(record.due_at, record.local_date, member, now):
                    await DeliveryRepository(db).finish(record.id, SessionStatus.EXPIRED)
                    report.expired += 1
                else:
                    to_send.append(await session_view(db, self._library, member, record))
        report.claimed = len(to_send)
        if to_send:
            await self._send_all(to_send, report)
        full = (
            len(due_members) >= self._policy.batch_size or len(retries) >= self._policy.batch_size
        )
        return report, full

    async def _serve_member(
        self, db: AsyncSession, member: Member, now: datetime, report: DispatchReport
    ) -> SessionView | None:
        """Write this person's session for the due local date and move their reminder on."""
        assert member.next_reminder_at is not None  # the claim selects only scheduled people
        zone = ZoneInfo(member.timezone)
        due = member.next_reminder_at
        local_date = local_date_of(due, zone)
        delivery = DeliveryRepository(db)
        view = None
        if await delivery.session_exists(member.id, local_date):
            report.skipped_already_served += 1  # /today got there first
        elif self._too_late(due, local_date, member, now):
            report.expired += 1
            log.info("reminder expired", extra={"user_id": member.id, "due": due.isoformat()})
        else:
            record = await create_session(
                db, self._library, member, local_date, due_at=due, now=now
            )
            await delivery.lease(record.id, until=now + self._policy.lease)
            view = await session_view(db, self._library, member, record)
        await UserRepository(db).update(
            member.id,
            now=now,
            last_served_date=local_date,
            next_reminder_at=next_reminder_at(
                member.reminder_time, zone, now, last_served=local_date
            ),
        )
        return view

    def _too_late(self, due: datetime, local_date: date, member: Member, now: datetime) -> bool:
        """Late by more than the grace, or the person's day is already over: never a burst."""
        today = local_date_of(now, ZoneInfo(member.timezone))
        return now - due > self._policy.grace or today != local_date

    async def _send_all(self, views: list[SessionView], report: DispatchReport) -> None:
        limit = asyncio.Semaphore(self._policy.concurrency)

        async def send(view: SessionView) -> tuple[SessionView, int | DeliveryError]:
            async with limit:
                try:
                    return view, await self._sender.send_session(view)
                except DeliveryError as exc:
                    return view, exc
                except Exception as exc:  # a bug must not lose the rest of the batch
                    log.exception("unexpected error while sending", extra={"user_id": view.user_id})
                    return view, RetryLater(type(exc).__name__)

        results = await asyncio.gather(*(send(v) for v in views))
        now = self._clock.now()
        async with self._sessions.begin() as db:
            delivery = DeliveryRepository(db)
            for view, outcome in results:
                if isinstance(outcome, int):
                    await delivery.mark_sent(view.session_id, message_id=outcome, now=now)
                    report.sent += 1
                elif isinstance(outcome, RecipientGone):
                    await delivery.finish(view.session_id, SessionStatus.FAILED)
                    await UserRepository(db).update(
                        view.user_id, now=now, status=UserStatus.INACTIVE
                    )
                    report.blocked += 1
                elif isinstance(outcome, RetryLater):
                    attempts = await delivery.bump_attempts(view.session_id)
                    if attempts >= self._policy.max_attempts:
                        await delivery.finish(view.session_id, SessionStatus.FAILED)
                        report.failed += 1
                    else:
                        wait = self._backoff(attempts, outcome.retry_after)
                        await delivery.lease(view.session_id, until=now + timedelta(seconds=wait))
                        report.retried += 1
                else:
                    await delivery.finish(view.session_id, SessionStatus.FAILED)
                    report.failed += 1
                    log.warning(
                        "session undeliverable",
                        extra={"user_id": view.user_id, "reason": str(outcome)},
                    )

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        steps = self._policy.backoff
        wait = steps[min(attempts - 1, len(steps) - 1)]
        return max(wait, retry_after or 0.0)
