"""Abuse: one person flooding the bot does not slow anyone else down, and costly input stays
cheap. The bot runs with the production defaults of the rate limit and the send rate."""

from __future__ import annotations

import random
import statistics
import string
import time
from collections.abc import Callable
from datetime import timedelta

from bot.config import Settings
from bot.domain.intents import parse_intent
from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.texts import text
from tests.reliability.figures import record
from tests.reliability.harness import Stopwatch, World, running_world

FLOODER, OTHER = 5101, 5102
FLOOD = 500
DEFAULTS = Settings.model_fields


async def _latencies(
    world: World, user_id: int, count: int, busy: Callable[[], bool] = lambda: False
) -> tuple[list[float], int]:
    """Seconds from each message to the end of its handling (its reply sent), one by one;
    and how many were sent while `busy()`."""
    seconds, during = [], 0
    for i in range(count):
        during += busy()
        watch = Stopwatch()
        before = world.sent_to[user_id]
        await world.say(user_id, "/help" if i % 2 else "thanks")
        assert world.sent_to[user_id] > before, "the message got its reply"
        seconds.append(watch.seconds)
    return seconds, during


async def _set_up(world: World, user_id: int) -> None:
    await world.say(user_id, "/start")
    await world.say(user_id, "/timezone UTC")
    await world.say(user_id, "/time 06:05")


async def test_a_flood_from_one_person_does_not_slow_another(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    assert DEFAULTS["person_rate_burst"].default == 20
    assert DEFAULTS["person_rate_per_second"].default == 2.0
    async with running_world(
        emulator,
        db_url,
        clock,
        library,
        person_rate_burst=DEFAULTS["person_rate_burst"].default,
    ) as world:
        await _set_up(world, OTHER)
        await _set_up(world, FLOODER)
        baseline, _ = await _latencies(world, OTHER, 8)

        # The flood: 500 messages as fast as they can be queued, most of them costly to read.
        noise = random.Random(8)
        words = [
            " ".join(
                "".join(noise.choices(string.ascii_lowercase, k=noise.randint(4, 9)))
                for _ in range(500)
            )[:4096]
            if i % 2
            else "done"
            for i in range(FLOOD)
        ]
        sent_before = world.sent_to[FLOODER]
        watch = Stopwatch()
        flood_ids = [emulator.inject_message(FLOODER, w)["update_id"] for w in words]
        flood = set(flood_ids)

        def settled() -> bool:
            dropped = world.metric("coach_updates_throttled_total")
            return len(flood & world.handled) + dropped >= FLOOD

        during, overlapped = await _latencies(world, OTHER, 8, busy=lambda: not settled())
        assert overlapped >= 3, "the other person wrote while the flood was being handled"
        # The daily session of the other person still goes out, on time, during the flood.
        clock.advance(timedelta(minutes=5))  # 06:05 UTC: the other person's reminder is due
        tick = Stopwatch()
        report = await world.app.bot_data.services.dispatcher.dispatch_due()
        tick_seconds = tick.seconds
        assert report.sent == 2, "both daily sessions went out"
        await emulator.wait_for(settled, timeout=30)
        flood_seconds = watch.seconds
        throttled = world.metric("coach_updates_throttled_total")
        handled = len(flood & world.handled)
        notices = [
            c
            for c in emulator.calls_to("sendMessage")
            if c.params.get("chat_id") == FLOODER and c.params.get("text") == text("slow_down")
        ]
        replies = world.sent_to[FLOODER] - sent_before
        assert world.metric("coach_updates_throttled_total", type="message") == throttled
        assert b"coach_updates_throttled_total" in world.metrics.render()
        await world.check()

    worst, typical = max(during), statistics.median(during)
    record("abuse.flood", f"{FLOOD} messages from one person in {flood_seconds:.1f} s")
    record("abuse.flood_admitted", f"{handled} handled, {throttled:.0f} throttled")
    record("abuse.flooder_notices", len(notices))
    record("abuse.flooder_replies", replies)
    record(
        "abuse.other_latency_ms",
        f"baseline median {statistics.median(baseline) * 1000:.0f} max "
        f"{max(baseline) * 1000:.0f}; during flood median {typical * 1000:.0f} "
        f"max {worst * 1000:.0f}",
    )
    record("abuse.daily_tick_during_flood_ms", f"{tick_seconds * 1000:.0f}")
    record("abuse.other_messages_during_flood", f"{overlapped} of 8 sent before it settled")
    assert throttled >= FLOOD - 40, "nearly all of the flood was dropped"
    assert handled + throttled == FLOOD
    assert 1 <= len(notices) <= 2, "one notice per episode, never one per message"
    assert worst < 1.0, f"the other person waited {worst:.2f}s for a reply during the flood"
    assert typical < 5 * statistics.median(baseline) + 0.25, "a relative bound, with CI noise"
    assert tick_seconds < 2.0


def test_the_costliest_text_reads_quickly() -> None:
    """What a person can send is at most 4096 characters; reading it stays cheap."""
    noise = random.Random(3)
    cases = {
        "one 4096-character word": "x" * 4096,
        "700 unknown words": " ".join(
            "".join(noise.choices(string.ascii_lowercase, k=noise.randint(4, 9)))
            for _ in range(700)
        )[:4096],
        "2048 one-letter words": "a " * 2048,
        "2048 emoji": "💪" * 2048,
    }
    timings = {}
    for name, words in cases.items():
        started = time.perf_counter()
        parse_intent(words)
        timings[name] = time.perf_counter() - started
    record(
        "abuse.parse_ms",
        ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in timings.items()),
    )
    assert timings["one 4096-character word"] < 0.05, "no edit distance against a huge word"
    assert max(timings.values()) < 0.5
