"""What operators see: the day's usage for /stats and the dispatcher's lag for the metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.storage.repositories import OperationsRepository


@dataclass(frozen=True, slots=True)
class UsageStats:
    """One UTC day of use; rates are None when there is nothing to divide by."""

    day: str  # the UTC date, ISO
    users: int
    active: int
    sent_today: int
    answered_today: int
    answers_today: int
    too_hard_today: int

    @property
    def answered_rate(self) -> float | None:
        return self.answered_today / self.sent_today if self.sent_today else None

    @property
    def too_hard_rate(self) -> float | None:
        return self.too_hard_today / self.answers_today if self.answers_today else None


class StatsService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def usage_today(self) -> UsageStats:
        """Users, active users, and today's (UTC) sends, answers and "too hard" answers."""
        now = self._clock.now().astimezone(UTC)
        start = datetime.combine(now.date(), time(0), tzinfo=UTC)
        async with self._sessions() as db:
            counts = await OperationsRepository(db).usage(start, start + timedelta(days=1))
        return UsageStats(
            day=start.date().isoformat(),
            users=counts.users,
            active=counts.active,
            sent_today=counts.sent,
            answered_today=counts.answered,
            answers_today=counts.answers,
            too_hard_today=counts.too_hard,
        )

    async def dispatcher_lag(self) -> timedelta:
        """Now minus the oldest reminder still due; zero when nobody is waiting."""
        now = self._clock.now()
        async with self._sessions() as db:
            oldest = await OperationsRepository(db).oldest_due_reminder(now)
        return max(now - oldest, timedelta(0)) if oldest is not None else timedelta(0)
