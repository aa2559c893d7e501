"""What the delivery tests share: seeding people, reading rows, real dispatchers on a database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import Clock
from bot.services.delivery import DeliveryPolicy, Dispatcher
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import DailySession, User, UserStatus
from bot.telegram.render import SessionRenderer
from bot.telegram.sender import TelegramSender


def person(
    user_id: int,
    *,
    next_at: datetime,
    reminder: str,
    zone: str = "UTC",
    status: UserStatus = UserStatus.ACTIVE,
    last_served: date | None = None,
) -> dict[str, Any]:
    """A users row as onboarding leaves it; the chat id is the user id, as in private chats."""
    return {
        "id": user_id,
        "chat_id": user_id,
        "language_code": "en",
        "timezone": zone,
        "reminder_time": reminder,
        "next_reminder_at": next_at,
        "last_served_date": last_served,
        "status": status.value,
        "created_at": next_at,
        "updated_at": next_at,
    }


async def seed(engine: AsyncEngine, people: Sequence[dict[str, Any]]) -> None:
    """Insert people straight into the table: one executemany, fast even for thousands."""
    async with engine.begin() as connection:
        await connection.execute(insert(User), list(people))


@dataclass(frozen=True)
class SessionRow:
    user_id: int
    local_date: date
    status: str
    due_at: datetime
    attempts: int
    telegram_message_id: int | None


async def sessions_of(engine: AsyncEngine) -> list[SessionRow]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(
                DailySession.user_id,
                DailySession.local_date,
                DailySession.status,
                DailySession.due_at,
                DailySession.attempts,
                DailySession.telegram_message_id,
            ).order_by(DailySession.user_id, DailySession.local_date)
        )
        return [SessionRow(*row) for row in rows]


@dataclass(frozen=True)
class UserRow:
    id: int
    status: str
    next_reminder_at: datetime | None
    last_served_date: date | None


async def user(engine: AsyncEngine, user_id: int) -> UserRow:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(User.id, User.status, User.next_reminder_at, User.last_served_date).where(
                    User.id == user_id
                )
            )
        ).one()
        return UserRow(*row)


def delivered(emulator: BotApiEmulator) -> Counter[int]:
    """Messages Telegram accepted, per chat."""
    return Counter(
        int(call.params["chat_id"]) for call in emulator.calls_to("sendMessage") if call.response_ok
    )


def make_bot(base_url: str, token: str, *, concurrency: int, rate: float = 0) -> ExtBot[int]:
    """A PTB bot as the composition root builds it: AIORateLimiter, retries after a 429.

    `rate` 0 lifts the overall limit (the per-second pace); RetryAfter is still honoured.
    """
    return ExtBot(
        token,
        base_url=base_url,
        request=HTTPXRequest(connection_pool_size=concurrency + 8),
        rate_limiter=AIORateLimiter(overall_max_rate=rate, max_retries=2),
    )


@dataclass
class Rig:
    """Real dispatchers on one database, each with its own engine and PTB bot, as processes
    would have; everything it builds is closed by `close()`."""

    url: str
    emulator: BotApiEmulator
    library: Library
    clock: Clock
    engine: AsyncEngine = field(init=False)
    _engines: list[AsyncEngine] = field(default_factory=list)
    _bots: list[ExtBot[int]] = field(default_factory=list)

    async def start(self) -> None:
        self.engine = self._engine()
        await upgrade(self.engine)

    def _engine(self) -> AsyncEngine:
        engine = create_engine(self.url)
        self._engines.append(engine)
        return engine

    async def dispatcher(self, policy: DeliveryPolicy | None = None) -> Dispatcher:
        policy = policy or DeliveryPolicy()
        bot = make_bot(self.emulator.base_url, self.emulator.token, concurrency=policy.concurrency)
        await bot.initialize()
        self._bots.append(bot)
        return Dispatcher(
            create_session_factory(self._engine()),
            self.library,
            self.clock,
            TelegramSender(bot, SessionRenderer(self.library)),
            policy,
        )

    async def seed(self, people: Iterable[dict[str, Any]]) -> None:
        await seed(self.engine, list(people))

    async def sessions(self) -> list[SessionRow]:
        return await sessions_of(self.engine)

    async def user(self, user_id: int) -> UserRow:
        return await user(self.engine, user_id)

    async def close(self) -> None:
        for bot in self._bots:
            await bot.shutdown()
        for engine in self._engines:
            await engine.dispose()
