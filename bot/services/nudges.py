"""Timed messages other than the daily session: snoozes, pain checks, weekly summaries.

Each is a row with a due time (DESIGN.md: never an in-memory job per person). A tick takes
the due rows out of the table in one transaction, then sends; a nudge is delivered at most
once. A failed send is rescheduled a little later unless the person is gone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.schedule import local_date_of, occurrence
from bot.services.clock import Clock
from bot.services.coaching import MORNING_CHECK, OPEN_QUESTION, CoachService
from bot.services.delivery import RecipientGone, RetryLater
from bot.services.progress import ProgressService, WeeklySummary
from bot.services.scheduling import next_weekly
from bot.services.views import SessionView
from bot.storage.models import NudgeKind, UserStatus
from bot.storage.nudges import NudgeRecord, NudgeRepository
from bot.storage.repositories import Member, UserRepository

log = logging.getLogger(__name__)

RETRY_DELAY = timedelta(minutes=5)


class NudgeSender(Protocol):
    async def send_session(self, view: SessionView) -> int: ...

    async def send_morning_check(
        self, chat_id: int, lang: str | None, session_id: int, pain: int, worse: bool
    ) -> None: ...

    async def send_weekly_summary(
        self, chat_id: int, lang: str | None, summary: WeeklySummary
    ) -> None: ...


@dataclass
class NudgeReport:
    claimed: int = 0
    sent: int = 0
    dropped: int = 0  # nothing left to say (answered already, person gone or paused)
    retried: int = 0


class NudgeService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        coach: CoachService,
        progress: ProgressService,
        sender: NudgeSender,
        *,
        batch_size: int = 200,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._coach = coach
        self._progress = progress
        self._sender = sender
        self._batch = batch_size

    async def dispatch_due(self) -> NudgeReport:
        now = self._clock.now()
        report = NudgeReport()
        async with self._sessions.begin() as db:
            due = await NudgeRepository(db).claim_due(now, limit=self._batch)
            members = {n.user_id: await UserRepository(db).get(n.user_id) for n in due}
        report.claimed = len(due)
        for nudge in due:
            member = members.get(nudge.user_id)
            if member is None or member.status is UserStatus.INACTIVE:
                if member is not None and nudge.kind is NudgeKind.WEEKLY_SUMMARY:
                    # Not this week (they blocked the bot), but still after they come back.
                    await self._again_weekly(member, now)
                report.dropped += 1
                continue
            try:
                sent = await self._deliver(nudge, member, now)
            except RecipientGone:
                await self._coach.set_reachable(member.id, reachable=False)
                report.dropped += 1
                continue
            except RetryLater:
                await self._again(nudge, now + RETRY_DELAY)
                report.retried += 1
                continue
            except Exception:  # one bad nudge must not stop the others
                log.exception("nudge %s (%s) failed", nudge.id, nudge.kind.value)
                report.dropped += 1
                continue
            if sent:
                report.sent += 1
            else:
                report.dropped += 1
        return report

    async def _deliver(self, nudge: NudgeRecord, member: Member, now: datetime) -> bool:
        if nudge.kind is NudgeKind.SNOOZE:
            return await self._snoozed_session(nudge, member)
        if nudge.kind is NudgeKind.PAIN_CHECK:
            if nudge.session_id is None or nudge.payload.get(OPEN_QUESTION):
                return False  # yesterday's question, never answered: no reply, no change
            await self._sender.send_morning_check(
                member.chat_id,
                member.language_code,
                nudge.session_id,
                int(nudge.payload.get("pain", 4)),
                bool(nudge.payload.get("worse", False)),
            )
            await self._await_answer(nudge, member, now)
            return True
        # The weekly summary comes back every week, whatever happens to this one.
        await self._again_weekly(member, now)
        if member.status is UserStatus.PAUSED:
            return False
        today = local_date_of(now, ZoneInfo(member.timezone))
        summary = await self._progress.weekly_summary(member.id, today)
        if summary is None or summary.sessions == 0:
            return False  # nothing happened this week: no nagging
        await self._sender.send_weekly_summary(member.chat_id, member.language_code, summary)
        return True

    async def _snoozed_session(self, nudge: NudgeRecord, member: Member) -> bool:
        if nudge.session_id is None:
            return False
        view = await self._coach.session_for(member.id, nudge.session_id)
        if view is None or view.skipped or not view.open_slots:
            return False  # answered or skipped meanwhile: nothing to remind
        message_id = await self._sender.send_session(view)
        await self._coach.mark_sent(view.session_id, message_id)
        return True

    async def _again(self, nudge: NudgeRecord, due: datetime) -> None:
        await self._schedule(
            user_id=nudge.user_id,
            kind=nudge.kind,
            due_at=due,
            session_id=nudge.session_id,
            payload=nudge.payload,
        )

    async def _await_answer(self, nudge: NudgeRecord, member: Member, now: datetime) -> None:
        """Keep the question open until the next morning, so it is answered at most once."""
        zone = ZoneInfo(member.timezone)
        tomorrow = local_date_of(now, zone) + timedelta(days=1)
        await self._schedule(
            user_id=nudge.user_id,
            kind=NudgeKind.PAIN_CHECK,
            due_at=occurrence(tomorrow, MORNING_CHECK, zone),
            session_id=nudge.session_id,
            payload={**nudge.payload, OPEN_QUESTION: True},
            replace=True,
        )

    async def _again_weekly(self, member: Member, now: datetime) -> None:
        await self._schedule(
            user_id=member.id,
            kind=NudgeKind.WEEKLY_SUMMARY,
            due_at=next_weekly(member, now + timedelta(minutes=1)),
            replace=True,
        )

    async def _schedule(
        self,
        *,
        user_id: int,
        kind: NudgeKind,
        due_at: datetime,
        session_id: int | None = None,
        payload: dict[str, Any] | None = None,
        replace: bool = False,
    ) -> None:
        """Schedule a follow-up, unless the person asked to be forgotten meanwhile."""
        try:
            async with self._sessions.begin() as db:
                if await UserRepository(db).get(user_id) is None:
                    return
                await NudgeRepository(db).add(
                    user_id=user_id,
                    kind=kind,
                    due_at=due_at,
                    now=self._clock.now(),
                    session_id=session_id,
                    payload=payload,
                    replace=replace,
                )
        except IntegrityError:
            # /forget committed between the check and the insert (another process): the
            # follow-up has no one left to go to, which is exactly what they asked for.
            log.info("follow-up %s dropped: the person is gone", kind.value)
