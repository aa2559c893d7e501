"""The bot under stress, seen from outside: the real Application polling the emulator on
127.0.0.1, a real database, and everything the pass criteria need to look at.

`World` marks the start and the end of every update's handling (handlers in the first and the
last group, so they see every update), counts the messages the bot sent to each chat, keeps
every log record, and checks after a run:
- no ERROR record from `bot.*` or `telegram.*`, and no update counted with outcome "error";
- every Bot API call succeeded, except the refusals provoked on purpose (`allow`);
- every private text, command or media message got a reply, every tap exactly one answer;
- the database invariants (`tests/reliability/invariants.py`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application
from bot.domain.library import Library
from bot.metrics import Metrics
from bot.playground.emulator import ApiCall, BotApiEmulator
from bot.services.clock import ManualClock
from bot.telegram.context import CoachApplication
from bot.telegram.instrumentation import MeasuredUpdateProcessor
from tests.reliability.invariants import check_invariants
from tests.support import settings_for, start_app, stop_app

FIRST_GROUP = -10_000
LAST_GROUP = 10_000
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
# Refusals that are answers, not failures: the handlers treat them as done.
BENIGN = ("message is not modified", "message to edit not found")


class RecordingHandler(logging.Handler):
    """Keeps every record it sees (the level is set by the caller)."""

    def __init__(self, level: int = logging.WARNING) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self, *, since: int = 0) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()}"
            for r in self.records[since:]
            if r.levelno >= logging.ERROR and r.name.split(".")[0] in {"bot", "telegram"}
        ]


@asynccontextmanager
async def capture_logs(level: int = logging.WARNING) -> AsyncIterator[RecordingHandler]:
    """Every record at `level` or above, from every logger, while the block runs."""
    root = logging.getLogger()
    handler = RecordingHandler(level)
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(min(level, old_level) if old_level else level)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


@dataclass
class Expectation:
    """What one injected update must have had, checked once the bot has handled it."""

    update_id: int
    chat_id: int | None = None
    wants_reply: bool = False
    query_id: str | None = None


@dataclass(repr=False)
class World:
    app: CoachApplication
    emulator: BotApiEmulator
    db_url: str
    clock: ManualClock
    library: Library
    metrics: Metrics
    logs: RecordingHandler
    handled: set[int] = field(default_factory=set)
    sent_to: Counter[int] = field(default_factory=Counter)  # successful sends, by chat
    before: dict[int, int] = field(default_factory=dict)  # update id -> sends to its chat
    after: dict[int, int] = field(default_factory=dict)
    allowed: list[str] = field(default_factory=lambda: list(BENIGN))
    checked_calls: int = 0

    def __post_init__(self) -> None:
        self.app.add_handler(TypeHandler(Update, self._started), group=FIRST_GROUP)
        self.app.add_handler(TypeHandler(Update, self._finished), group=LAST_GROUP)
        self._unsubscribe = self.emulator.subscribe(self._on_call)

    # --- what the bot did -----------------------------------------------------------------

    def _on_call(self, call: ApiCall) -> None:
        if call.response_ok and call.method in SEND_METHODS:
            chat = call.params.get("chat_id")
            if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit():
                self.sent_to[int(chat)] += 1

    async def _started(self, update: Update, context: object) -> None:
        chat = update.effective_chat
        self.before[update.update_id] = self.sent_to[chat.id] if chat else 0

    async def _finished(self, update: Update, context: object) -> None:
        chat = update.effective_chat
        self.after[update.update_id] = self.sent_to[chat.id] if chat else 0
        self.handled.add(update.update_id)

    @property
    def processor(self) -> MeasuredUpdateProcessor:
        processor = self.app.update_processor
        assert isinstance(processor, MeasuredUpdateProcessor)
        return processor

    def metric(self, name: str, **labels: str) -> float:
        """The sum of a series over the label values not given."""
        total = 0.0
        for family in self.metrics.registry.collect():
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    total += sample.value
        return total

    # --- waiting --------------------------------------------------------------------------

    async def until_handled(self, update_ids: Iterable[int], *, within: float = 60.0) -> None:
        wanted = set(update_ids)
        await self.emulator.wait_for(lambda: wanted <= self.handled, timeout=within)

    async def say(self, user_id: int, words: str, *, lang: str = "en") -> int:
        """Send a private message and wait until the bot has handled it; its update id."""
        update = self.emulator.inject_message(user_id, words, language_code=lang)
        await self.until_handled([update["update_id"]])
        return int(update["update_id"])

    async def tap(self, user_id: int, message_id: int, data: str) -> int:
        update = self.emulator.inject_callback(user_id, message_id, data)
        await self.until_handled([update["update_id"]])
        return int(update["update_id"])

    # --- the pass criteria ----------------------------------------------------------------

    def allow(self, *descriptions: str) -> None:
        self.allowed.extend(descriptions)

    def failed_calls(self) -> list[tuple[str, int | None, str | None]]:
        calls = self.emulator.calls[self.checked_calls :]
        self.checked_calls += len(calls)
        return [
            (c.method, c.error_code, c.description)
            for c in calls
            if not c.response_ok and not any(a in (c.description or "") for a in self.allowed)
        ]

    def unmet(self, expectations: Iterable[Expectation]) -> list[str]:
        """Expectations that did not hold: a reply that never came, a tap not answered once."""
        answers = Counter(a.get("callback_query_id") for a in self.emulator.callback_answers())
        problems = []
        for e in expectations:
            if e.update_id not in self.handled:
                problems.append(f"update {e.update_id} was never handled")
            elif e.wants_reply and self.after[e.update_id] <= self.before[e.update_id]:
                problems.append(f"update {e.update_id} in chat {e.chat_id} got no reply")
            if e.query_id is not None and answers[e.query_id] != 1:
                problems.append(f"tap {e.query_id} answered {answers[e.query_id]} times")
        return problems

    async def check(
        self, *, since_log: int = 0, failed_updates: int = 0, invariants: bool = True
    ) -> None:
        """Everything that must hold whatever was sent: raises with every problem found.

        `since_log`: error records before this index were provoked on purpose and checked by
        the test; `failed_updates`: how many updates the test made fail on purpose.
        """
        problems = [f"failed call {c}" for c in self.failed_calls()]
        problems += [f"error log {e}" for e in self.logs.errors(since=since_log)]
        errors = self.metric("coach_updates_total", outcome="error")
        if errors != failed_updates:
            problems.append(
                f"{errors:.0f} updates counted with outcome error, not {failed_updates}"
            )
        if invariants:
            problems += await check_invariants(self.db_url, self.library)
        assert problems == [], "\n".join(problems[:40])


@asynccontextmanager
async def running_world(
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
    **overrides: Any,
) -> AsyncIterator[World]:
    """The real bot on `db_url`, polling `emulator`, with the World's instruments attached."""
    settings = settings_for(emulator, db_url, **overrides)
    metrics = Metrics()
    app = build_application(
        settings, library=library, clock=clock, run_dispatcher=False, metrics=metrics
    )
    async with capture_logs() as logs:
        world = World(app, emulator, db_url, clock, library, metrics, logs)
        world.checked_calls = len(emulator.calls)
        if emulator.calls:
            # A bot stopped a moment ago on this emulator left its long poll waiting: the new
            # bot's first poll ends it with a 409, as Telegram does.
            world.allow("terminated by other getUpdates request")
        await start_app(app)
        try:
            yield world
        finally:
            world._unsubscribe()
            await stop_app(app)


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
