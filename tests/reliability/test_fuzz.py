"""Fuzzing through the real handlers: Hypothesis draws batches of updates (arbitrary Unicode,
commands with junk arguments, callback data of every shape, edits, media, locations, groups,
channels, membership changes); the real Application polls them from the emulator and writes a
real SQLite file. After every batch: no unhandled error, every Bot API call accepted, every
private message answered and every tap answered once, and the database invariants hold.

`FUZZ_UPDATES` sets how many updates one run sends (10,000 by default; `make fuzz` sends
100,000).
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from tests.reliability.figures import record
from tests.reliability.harness import Stopwatch, World, running_world
from tests.reliability.strategies import MUST_TRY, STRANGERS, Batch, Resolver, batches

FUZZ_UPDATES = int(os.environ.get("FUZZ_UPDATES", "10000"))
BATCH = 50  # updates in flight together: one Hypothesis example
EXAMPLES = math.ceil(FUZZ_UPDATES / BATCH)


@dataclass(repr=False)  # Hypothesis shows the test's arguments: keep this one short
class Fuzzing:
    world: World
    resolver: Resolver
    clock: Stopwatch = field(default_factory=Stopwatch)
    updates: int = 0
    batches: int = 0
    handling: float = 0.0  # seconds from injecting a batch to its last update handled
    checking: float = 0.0  # seconds spent checking the criteria and the invariants

    def __repr__(self) -> str:
        return f"Fuzzing(updates={self.updates}, batches={self.batches})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@pytest.fixture
async def fuzzing(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> AsyncIterator[Fuzzing]:
    start = clock.now()
    async with running_world(
        emulator,
        db_url,
        clock,
        library,
        send_rate_per_second=1000,  # the fuzzer is not measuring Telegram's pace
        person_rate_burst=1_000_000,  # every update reaches the handlers
    ) as world:
        state = Fuzzing(world, Resolver(emulator, db_url.removeprefix("sqlite+aiosqlite:///")))
        yield state
        state.resolver.close()
        await world.check()  # the invariants once more, at the very end
        seconds = state.clock.seconds
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(state.resolver.kinds.items()))
    record("fuzz.updates", state.updates)
    record(
        "fuzz.seconds",
        f"{seconds:.1f} (handling {state.handling:.1f}, checking {state.checking:.1f})",
    )
    record("fuzz.updates_per_second", f"{state.updates / seconds:.0f}")
    record("fuzz.kinds", kinds)
    record("fuzz.bot_api_calls", len(emulator.calls))
    record(
        "fuzz.people",
        f"{len(state.resolver.sessions)} with sessions at the end, "
        f"{min(state.resolver.strangers, STRANGERS)} strangers, "
        f"{state.resolver.strangers} messages from them",
    )
    record("fuzz.days", f"{(clock.now() - start).days} days of the clock")
    record("fuzz.sessions_seen", len(state.resolver.ever))
    assert state.updates >= FUZZ_UPDATES, "Hypothesis stopped before sending every update"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # each batch runs against the state the previous ones left: no replay
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.timeout(max(300, FUZZ_UPDATES // 20))  # ~90 updates a second here; CI may be slower
@example(hours=0, batch=MUST_TRY)
@given(hours=st.one_of(st.integers(0, 6), st.integers(0, 30)), batch=batches(BATCH))
async def test_fuzzed_updates_are_handled_and_break_nothing(
    fuzzing: Fuzzing, hours: int, batch: Batch
) -> None:
    world, resolver = fuzzing.world, fuzzing.resolver
    since = len(world.logs.records)
    # Time passes between batches and the daily tick runs: sessions, answers and nudges pile
    # up over days, and old buttons point at old (or deleted) sessions.
    world.clock.advance(timedelta(hours=hours))
    services = world.app.bot_data.services
    await services.dispatcher.dispatch_due()
    await services.nudges.dispatch_due()
    resolver.refresh()
    watch = Stopwatch()
    expectations = [resolver.inject(operation) for operation in batch]
    await world.until_handled([e.update_id for e in expectations])
    fuzzing.handling += watch.seconds
    fuzzing.updates += len(expectations)
    fuzzing.batches += 1
    watch = Stopwatch()
    assert world.unmet(expectations) == []
    # The invariants read the whole database: after every batch of the first 10,000 updates,
    # then every tenth, so a long run stays linear.
    await world.check(
        since_log=since, invariants=fuzzing.batches <= 200 or fuzzing.batches % 10 == 0
    )
    fuzzing.checking += watch.seconds
