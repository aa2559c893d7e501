"""Prometheus series, one registry per Application (never the global one), so tests can run
several bots in one process and each scrape shows one bot."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["CONTENT_TYPE", "Metrics"]

CONTENT_TYPE = CONTENT_TYPE_LATEST

# Handler work is mostly one database transaction and one Bot API call.
_HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_REQUEST_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_RETRY_AFTER_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
_TICK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)


class Metrics:
    """Every series the bot exports. Names are the contract with dashboards and alerts."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.updates = Counter(
            "coach_updates",
            "Updates handled, by Telegram update type and outcome (ok, error).",
            ["type", "outcome"],
            registry=r,
        )
        self.update_seconds = Histogram(
            "coach_update_handling_seconds",
            "Time from taking an update off the queue to the end of its handlers.",
            ["type"],
            buckets=_HANDLER_BUCKETS,
            registry=r,
        )
        self.webhook_requests = Counter(
            "coach_webhook_requests",
            "Webhook requests, by result: accepted, duplicate, forbidden, bad_request.",
            ["result"],
            registry=r,
        )
        self.reminders_due = Counter(
            "coach_reminders_due",
            "Reminders that came due and were taken by a dispatch tick (to send or to expire).",
            registry=r,
        )
        self.reminders = Counter(
            "coach_reminders",
            "Reminder outcomes: sent, retried (will be tried again), failed, expired, blocked.",
            ["outcome"],
            registry=r,
        )
        self.users_blocked = Counter(
            "coach_users_blocked",
            "People found to have blocked the bot (or gone) when their reminder was sent.",
            registry=r,
        )
        self.dispatcher_lag = Gauge(
            "coach_dispatcher_lag_seconds",
            "At the start of the last tick: now minus the oldest reminder still due (0: none).",
            registry=r,
        )
        self.dispatch_seconds = Histogram(
            "coach_dispatch_tick_seconds",
            "Duration of one dispatch tick.",
            buckets=_TICK_BUCKETS,
            registry=r,
        )
        self.dispatch_last_tick = Gauge(
            "coach_dispatch_last_tick_timestamp_seconds",
            "Unix time at which the last dispatch tick finished (a stuck dispatcher stops it).",
            registry=r,
        )
        self.telegram_request_seconds = Histogram(
            "coach_telegram_request_seconds",
            "Bot API request latency by method (sendMessage is the send latency), per attempt.",
            ["method"],
            buckets=_REQUEST_BUCKETS,
            registry=r,
        )
        self.telegram_rate_limited = Counter(
            "coach_telegram_rate_limited",
            "Bot API answers 429 (flood control), by method.",
            ["method"],
            registry=r,
        )
        self.telegram_retry_after_seconds = Histogram(
            "coach_telegram_retry_after_seconds",
            "The retry_after Telegram asked for in its 429 answers.",
            buckets=_RETRY_AFTER_BUCKETS,
            registry=r,
        )
        self.database_errors = Counter(
            "coach_database_errors",
            "Errors raised by the database driver (connection lost, locked, constraint, ...).",
            registry=r,
        )
        self.ready = Gauge(
            "coach_ready",
            "1 when the last readiness check passed, 0 when it failed.",
            registry=r,
        )

    def render(self) -> bytes:
        """The text exposition format, for GET /metrics."""
        return generate_latest(self.registry)

    def watch_engine(self, engine: AsyncEngine) -> None:
        """Count every error the database driver raises through this engine."""

        def _on_error(_context: Any) -> None:
            self.database_errors.inc()

        event.listen(engine.sync_engine, "handle_error", _on_error)
