"""Metrics and log context for PTB, from outside the handlers.

- `MeasuredUpdateProcessor` wraps the handling of every update: it stamps log records with the
  update id, times the handlers and counts the update by type and outcome.
- `count_failed_update`, registered as the last error handler, marks the update being handled
  as failed; it runs in the same task as the processor, so a context variable links the two.
- `MeasuredRateLimiter` sees every Bot API attempt (except getUpdates): latency by method, and
  the 429 answers with the retry_after Telegram asked for, including those the rate limiter
  retries by itself and that the dispatcher never sees.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, SimpleUpdateProcessor

from bot.logs import current_update_id
from bot.metrics import Metrics
from bot.telegram.context import CoachContext
from bot.telegram.sender import retry_seconds

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


class MeasuredUpdateProcessor(SimpleUpdateProcessor):
    """Updates one at a time, as PTB's default does, each one timed and counted."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_concurrent_updates=1)
        self._metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        kind = update_type(update)
        handling = _Handling()
        handling_token = _handling.set(handling)
        id_token = current_update_id.set(update.update_id if isinstance(update, Update) else None)
        started = perf_counter()
        try:
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
