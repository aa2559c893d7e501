"""Secrets and privacy: the bot token never appears in logs, errors or exports, even at DEBUG
and with failures provoked; logs carry ids, never what people wrote."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from bot.domain.library import Library
from bot.logs import configure_logging, secret_variants
from bot.playground.emulator import ApiCall, BotApiEmulator
from bot.services.clock import ManualClock
from tests.reliability.figures import record
from tests.reliability.harness import RecordingHandler, World, running_world
from tests.reliability.strategies import PEOPLE, Batch, Resolver, batches
from tests.support import settings_for

TOKEN = "987654321:AAH-reliab1lity_SECRET-key_0123456789"
KEY = TOKEN.split(":")[1]
WORDS = "zebra-quokka-7731"  # what a person wrote, to be found nowhere in the logs
BATCHES = 8
ALICE = 9301


@pytest.fixture
def logging_as_in_production() -> Iterator[tuple[io.StringIO, RecordingHandler]]:
    """The production log set-up (JSON lines, secrets redacted) at DEBUG, its most verbose,
    plus every record as emitted, before any redaction, to check the bot never logs a secret
    to begin with."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    quiet = ("httpx", "httpcore", "apscheduler", "uvicorn.access")
    levels = {name: logging.getLogger(name).level for name in quiet}
    stream = io.StringIO()
    configure_logging(secrets=[TOKEN], level="DEBUG", log_format="json", stream=stream)
    raw = RecordingHandler(logging.DEBUG)
    root.addHandler(raw)
    try:
        yield stream, raw
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _raw_text(record_: logging.LogRecord) -> str:
    parts = [record_.getMessage(), str(record_.exc_text or "")]
    if record_.exc_info:
        parts.append(logging.Formatter().formatException(record_.exc_info))
    parts += [str(v) for k, v in vars(record_).items() if k not in {"msg", "args", "exc_info"}]
    return "\n".join(parts)


def _call_text(call: ApiCall) -> str:
    return repr(call.params) + str(call.description or "")


@dataclass(repr=False)
class Watched:
    world: World
    resolver: Resolver
    stream: io.StringIO
    raw: RecordingHandler
    updates: int = 0
    exports: list[bytes] = field(default_factory=list)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(f"Watched(updates={self.updates})")

    def leaks(self) -> list[str]:
        found = []
        written = self.stream.getvalue()
        for secret in secret_variants([TOKEN]):
            if secret in written:
                found.append("the written log")
            found += [f"record {r.name}" for r in self.raw.records if secret in _raw_text(r)]
            found += [
                f"call {c.method}" for c in self.world.emulator.calls if secret in _call_text(c)
            ]
            found += ["an export" for e in self.exports if secret.encode() in e]
        return found


@pytest.fixture
async def watched(
    db_url: str,
    clock: ManualClock,
    library: Library,
    logging_as_in_production: tuple[io.StringIO, RecordingHandler],
) -> AsyncIterator[Watched]:
    emulator = BotApiEmulator(token=TOKEN)
    await emulator.start()
    try:
        assert settings_for(emulator, db_url).secrets == [TOKEN]
        async with running_world(
            emulator, db_url, clock, library, send_rate_per_second=1000
        ) as world:
            stream, raw = logging_as_in_production
            state = Watched(world, Resolver(emulator, world.db_url.split("///")[1]), stream, raw)
            yield state
            records = len(raw.records)
    finally:
        await emulator.stop()
    assert state.leaks() == []
    record(
        "secrets.token",
        f"{state.updates} fuzzed updates with failures provoked, {records} log records at "
        f"DEBUG, {len(emulator.calls)} Bot API calls, {len(state.exports)} exports: no token",
    )


@settings(
    max_examples=BATCHES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=batches(25))
async def test_the_token_never_reaches_logs_errors_or_exports(
    watched: Watched, batch: Batch
) -> None:
    world, emulator = watched.world, watched.world.emulator
    # Failures with tracebacks: Telegram refusing a reply, and an export.
    emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    world.allow("Bad Gateway", "query is too old")
    watched.resolver.refresh()
    expectations = [watched.resolver.inject(operation) for operation in batch]
    extra = [emulator.inject_message(ALICE, w) for w in ("/today", "/export", "/export csv")]
    await world.until_handled([e.update_id for e in expectations] + [u["update_id"] for u in extra])
    watched.updates += len(expectations) + len(extra)
    chats = {ALICE, *(person for person, _ in PEOPLE)}
    watched.exports = [
        m.document for chat in chats for m in emulator.messages(chat) if m.document is not None
    ]
    assert watched.leaks() == []


async def test_logs_carry_ids_never_what_people_wrote(
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
) -> None:
    root = logging.getLogger()
    raw = RecordingHandler(logging.INFO)
    level = root.level
    root.addHandler(raw)
    root.setLevel(logging.INFO)
    try:
        async with running_world(emulator, db_url, clock, library) as world:
            await world.say(ALICE, "/today")
            message = emulator.last_message(ALICE)
            assert message is not None
            sent = [
                WORDS,
                f"done {WORDS}",
                f"sharp pain {WORDS}",
                f"/timezone {WORDS}",
                f"/focus {WORDS}",
                f"/start {WORDS}",
            ]
            for words in sent:
                await world.say(ALICE, words)
            # The same words on the error path: the reply fails and the failure is logged.
            emulator.fail_next("sendMessage", error_code=502, description="Bad Gateway")
            await world.say(ALICE, WORDS)
            await world.tap(ALICE, message.message_id, f"fb:{WORDS}")
            edited = {
                "message_id": 4242,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": ALICE, "type": "private"},
                "from": {"id": ALICE, "is_bot": False, "first_name": "A"},
                "text": WORDS,
            }
            update = emulator.inject_update({"edited_message": edited})
            await world.until_handled([update["update_id"]])
            world.allow("Bad Gateway")
            await world.check(since_log=len(world.logs.records), failed_updates=1)
    finally:
        root.removeHandler(raw)
        root.setLevel(level)
    info = [r for r in raw.records if r.levelno >= logging.INFO]
    assert info, "the bot logged something at INFO and above"
    assert [r.name for r in info if WORDS in _raw_text(r)] == []
    failed = [r for r in info if r.name == "bot.telegram.errors"]
    assert failed, "the failure was logged, by update id"
    record(
        "secrets.texts",
        f"{len(sent) + 3} messages carrying a marker, {len(info)} records at INFO and above: "
        "marker in none",
    )
