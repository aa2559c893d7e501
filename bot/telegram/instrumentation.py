"""Metrics, log context, concurrency and abuse control for PTB, from outside the handlers.

- `MeasuredUpdateProcessor` wraps the handling of every update: it runs updates of different
  people concurrently and each person's in order, drops a person's updates over their rate
  limit (one polite notice per episode), stamps log records with the update id, times the
  handlers and counts the update by type and outcome.
- `count_failed_update`, registered as the last error handler, marks the update being handled
  as failed; it runs in the same task as the processor, so a context variable links the two.
- `MeasuredRateLimiter` sees every Bot API attempt (except getUpdates): latency by method, and
  the 429 answers with the retry_after Telegram asked for, including those the rate limiter
  retries by itself and that the dispatcher never sees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from time import monotonic, perf_counter
from typing import Any

from prometheus_client import Counter
from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, BaseUpdateProcessor

from bot.logs import current_update_id
from bot.metrics import Metrics
from bot.telegram.context import CoachContext
from bot.telegram.sender import retry_seconds
from bot.texts import text

log = logging.getLogger(__name__)

# PTB's own semaphore bounds the updates admitted (waiting for their person, or running); ours
# bounds those running. Waiting for one's own earlier update must not take a running slot, or
# one person's burst would hold every slot while it queues behind itself.
ADMITTED_PER_RUNNING_SLOT = 32
# Telegram sends these about the person, not from them: never dropped.
_NEVER_THROTTLED = ("my_chat_member", "chat_member")

JSONish = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass
class _Handling:
    failed: bool = False


_handling: ContextVar[_Handling | None] = ContextVar("update_handling", default=None)


def update_type(update: object) -> str:
    """The Telegram update type ("message", "callback_query", ...): a bounded label."""
    if not isinstance(update, Update):
        return "other"
    for kind in Update.ALL_TYPES:
        if getattr(update, kind, None) is not None:
            return kind
    return "unknown"


class Admission(Enum):
    ADMIT = "admit"
    DROP = "drop"  # over the limit, the person was already told
    DROP_AND_NOTIFY = "drop_and_notify"  # over the limit: the first drop of an episode


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    noticed: bool = False  # the notice of the current throttling episode went out


class PersonRateLimiter:
    """A token bucket per person: `burst` updates at once, refilled at `per_second`.

    A throttling episode starts with the first update over the limit and ends once the bucket
    has filled up again (the person was quiet for burst/per_second seconds); one notice per
    episode, however many updates are dropped. A full bucket is the same as none, so buckets
    are forgotten once full: memory follows the people active in the last refill period.
    """

    def __init__(
        self,
        burst: int,
        per_second: float,
        *,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        if burst < 1 or per_second <= 0:
            raise ValueError("burst must be at least 1 and per_second above 0")
        self.burst = float(burst)
        self.per_second = per_second
        self._clock = clock
        self._buckets: dict[Hashable, _Bucket] = {}
        # Sweeping more often than a full refill would find nothing more to forget.
        self._sweep_every = min(self.burst / per_second, 60.0)
        self._last_sweep = clock()

    def __len__(self) -> int:
        return len(self._buckets)

    def admit(self, key: Hashable) -> Admission:
        now = self._clock()
        if now - self._last_sweep >= self._sweep_every:
            self._sweep(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            self._refill(bucket, now)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Admission.ADMIT
        if bucket.noticed:
            return Admission.DROP
        bucket.noticed = True
        return Admission.DROP_AND_NOTIFY

    def _refill(self, bucket: _Bucket, now: float) -> None:
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= self.burst:
            bucket.noticed = False  # quiet long enough: the episode is over

    def _sweep(self, now: float) -> None:
        self._last_sweep = now
        for key, bucket in list(self._buckets.items()):
            self._refill(bucket, now)
            if bucket.tokens >= self.burst:
                del self._buckets[key]


@dataclass(slots=True)
class _PersonLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock


def person_key(update: object) -> int | None:
    """Whose update this is: the sender, else the chat (channel posts); None for neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class MeasuredUpdateProcessor(BaseUpdateProcessor):
    """Updates concurrently across people and in order for each person, rate-limited per
    person, each one timed and counted.

    Order per person comes from one asyncio.Lock per person (FIFO; updates reach it in the
    order Telegram numbered them), kept only while an update of theirs is waiting or running.
    Across processes (webhook replicas) the database row locks serialise instead.
    """

    def __init__(
        self,
        metrics: Metrics,
        *,
        concurrency: int = 1,
        burst: int = 1_000_000,
        per_second: float = 1000.0,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        super().__init__(max_concurrent_updates=concurrency * ADMITTED_PER_RUNNING_SLOT)
        self._metrics = metrics
        self.concurrency = concurrency
        self._running = asyncio.Semaphore(concurrency)
        self._locks: dict[int, _PersonLock] = {}
        self.limiter = PersonRateLimiter(burst, per_second, clock=clock)
        self.throttled = Counter(
            "coach_updates_throttled",
            "Updates dropped because their person went over the rate limit, by update type.",
            ["type"],
            registry=metrics.registry,
        )

    @property
    def people_waiting_or_running(self) -> int:
        """People with an update waiting for or holding their lock (the locks kept)."""
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up: locks and buckets are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in flight before calling this."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        kind = update_type(update)
        key = person_key(update)
        if key is not None and kind not in _NEVER_THROTTLED:
            admission = self.limiter.admit(key)
            if admission is not Admission.ADMIT:
                if isinstance(coroutine, Coroutine):
                    coroutine.close()  # never started: close it so Python does not warn
                self.throttled.labels(kind).inc()
                if admission is Admission.DROP_AND_NOTIFY:
                    await self._notify_throttled(update, key)
                return
        if key is None:
            await self._run(update, kind, coroutine)
            return
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = _PersonLock()
        entry.users += 1
        try:
            async with entry.lock:
                await self._run(update, kind, coroutine)
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[key]

    async def _run(self, update: object, kind: str, coroutine: Awaitable[Any]) -> None:
        handling = _Handling()
        handling_token = _handling.set(handling)
        id_token = current_update_id.set(update.update_id if isinstance(update, Update) else None)
        started = perf_counter()
        try:
            async with self._running:
                await coroutine
        except BaseException:
            handling.failed = True
            raise
        finally:
            self._metrics.update_seconds.labels(kind).observe(perf_counter() - started)
            outcome = "error" if handling.failed else "ok"
            self._metrics.updates.labels(kind, outcome).inc()
            current_update_id.reset(id_token)
            _handling.reset(handling_token)

    async def _notify_throttled(self, update: object, key: int) -> None:
        """Tell the person once per episode, in their private chat or as a button toast."""
        assert isinstance(update, Update)
        log.info("throttling person %s from update %s on", key, update.update_id)
        user = update.effective_user
        notice = text("slow_down", user.language_code if user else None)
        chat = update.effective_chat
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(notice[:200])
            elif chat is not None and chat.type == ChatType.PRIVATE:
                await update.get_bot().send_message(chat.id, notice, parse_mode=ParseMode.HTML)
        except (TelegramError, RuntimeError) as exc:  # RuntimeError: an update without a bot
            log.warning(
                "could not send the slow-down notice for update %s: %s",
                update.update_id,
                type(exc).__name__,
            )


async def count_failed_update(update: object, context: CoachContext) -> None:
    """Mark the update being handled as failed, for the updates counter."""
    handling = _handling.get()
    if handling is not None and update is not None:
        handling.failed = True


class MeasuredRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter, timing each attempt and counting Telegram's 429 answers."""

    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        metrics = self._metrics

        async def measured(*call_args: Any, **call_kwargs: Any) -> JSONish:
            started = perf_counter()
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                metrics.telegram_rate_limited.labels(endpoint).inc()
                metrics.telegram_retry_after_seconds.observe(retry_seconds(exc))
                raise
            finally:
                metrics.telegram_request_seconds.labels(endpoint).observe(perf_counter() - started)

        return await super().process_request(
            measured, args, kwargs, endpoint, data, rate_limit_args
        )
