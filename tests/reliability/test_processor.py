"""The update processor on its own: concurrency across people, order per person, the rate
limit's episodes and bounded memory (no Application, no network)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from telegram import Update

from bot.metrics import Metrics
from bot.telegram.instrumentation import (
    ADMITTED_PER_RUNNING_SLOT,
    Admission,
    MeasuredUpdateProcessor,
    PersonRateLimiter,
    person_key,
)
from tests.reliability.figures import record


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message_update(update_id: int, user_id: int) -> Update:
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": user_id, "is_bot": False, "first_name": "P"},
                "text": "hi",
            },
        },
        None,
    )


def test_the_bucket_admits_a_burst_then_refills_at_its_rate() -> None:
    clock = FakeClock()
    limiter = PersonRateLimiter(20, 2.0, clock=clock)
    assert [limiter.admit(1) for _ in range(20)] == [Admission.ADMIT] * 20
    assert limiter.admit(1) is Admission.DROP_AND_NOTIFY
    assert [limiter.admit(1) for _ in range(100)] == [Admission.DROP] * 100
    assert limiter.admit(2) is Admission.ADMIT, "another person has a bucket of their own"
    clock.now += 0.5  # one token back
    assert limiter.admit(1) is Admission.ADMIT
    assert limiter.admit(1) is Admission.DROP, "still the same episode: no second notice"
    clock.now += 3.0  # six tokens: admitted again, and the episode is not over yet
    assert [limiter.admit(1) for _ in range(6)] == [Admission.ADMIT] * 6
    assert limiter.admit(1) is Admission.DROP
    clock.now += 10.0  # quiet long enough to fill up: a new episode gets a new notice
    assert [limiter.admit(1) for _ in range(20)] == [Admission.ADMIT] * 20
    assert limiter.admit(1) is Admission.DROP_AND_NOTIFY


def test_buckets_of_people_gone_quiet_are_forgotten() -> None:
    clock = FakeClock()
    limiter = PersonRateLimiter(20, 2.0, clock=clock)
    for person in range(10_000):
        limiter.admit(person)
    assert len(limiter) == 10_000
    clock.now += 10.0  # a full refill later, every bucket is as good as new
    limiter.admit(-1)
    assert len(limiter) == 1
    record("processor.buckets_after_10000_people_went_quiet", len(limiter))


@pytest.mark.parametrize(("burst", "rate"), [(0, 1.0), (1, 0.0), (5, -1.0)])
def test_nonsense_limits_are_refused(burst: int, rate: float) -> None:
    with pytest.raises(ValueError, match="burst"):
        PersonRateLimiter(burst, rate)


def test_whose_update_it_is() -> None:
    assert person_key(message_update(1, 42)) == 42
    post = Update.de_json(
        {
            "update_id": 2,
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100, "type": "channel"},
                "text": "x",
            },
        },
        None,
    )
    assert person_key(post) == -100
    assert person_key(object()) is None


async def test_each_person_in_order_people_at_once_and_no_lock_left_behind() -> None:
    processor = MeasuredUpdateProcessor(Metrics(), concurrency=8)
    assert processor.max_concurrent_updates == 8 * ADMITTED_PER_RUNNING_SLOT
    seen: dict[int, list[int]] = {}
    running: dict[int, int] = {}
    peak = {"people": 0, "one_person": 0}

    async def handle(update_id: int, user_id: int) -> None:
        running[user_id] = running.get(user_id, 0) + 1
        peak["one_person"] = max(peak["one_person"], running[user_id])
        peak["people"] = max(peak["people"], sum(1 for n in running.values() if n))
        await asyncio.sleep(0.001 * (update_id % 3))  # later updates may finish sooner
        seen.setdefault(user_id, []).append(update_id)
        running[user_id] -= 1

    updates = [(uid, 100 + uid % 5) for uid in range(1, 201)]  # 5 people, 40 updates each
    await asyncio.gather(
        *(
            processor.process_update(message_update(uid, user), handle(uid, user))
            for uid, user in updates
        )
    )
    for user, ids in seen.items():
        assert ids == sorted(ids), f"person {user} saw their updates out of order"
    assert peak["one_person"] == 1, "one person's updates never overlap"
    assert peak["people"] == 5, "different people are handled at the same time"
    assert processor.people_waiting_or_running == 0, "idle locks are dropped"
    record("processor.order", "200 updates of 5 people: in order per person, 5 at once")


async def test_running_updates_never_exceed_the_concurrency() -> None:
    processor = MeasuredUpdateProcessor(Metrics(), concurrency=4)
    now = {"running": 0, "peak": 0}

    async def handle() -> None:
        now["running"] += 1
        now["peak"] = max(now["peak"], now["running"])
        await asyncio.sleep(0.002)
        now["running"] -= 1

    await asyncio.gather(
        *(processor.process_update(message_update(i, i), handle()) for i in range(1, 101))
    )
    assert now["peak"] == 4


async def test_a_person_waiting_for_their_own_update_takes_no_running_slot() -> None:
    """A burst from one person queues behind itself; someone else still gets a slot."""
    processor = MeasuredUpdateProcessor(Metrics(), concurrency=2)
    release = asyncio.Event()
    other_done = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def other() -> None:
        other_done.set()

    flood = [
        asyncio.create_task(processor.process_update(message_update(i, 1), slow()))
        for i in range(1, 30)
    ]
    await asyncio.sleep(0)
    bob = asyncio.create_task(processor.process_update(message_update(99, 2), other()))
    await asyncio.wait_for(other_done.wait(), 2)
    release.set()
    await asyncio.gather(*flood, bob)


async def test_throttled_updates_are_dropped_closed_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    metrics = Metrics()
    processor = MeasuredUpdateProcessor(metrics, concurrency=4, burst=3, per_second=0.001)
    handled: list[int] = []
    coroutines: list[Any] = []

    async def handle(update_id: int) -> None:
        handled.append(update_id)

    for i in range(1, 11):
        coroutine = handle(i)
        coroutines.append(coroutine)
        await processor.process_update(message_update(i, 7), coroutine)
    assert handled == [1, 2, 3]
    assert all(inspect.getcoroutinestate(c) == inspect.CORO_CLOSED for c in coroutines)
    throttled = metrics.registry.get_sample_value(
        "coach_updates_throttled_total", {"type": "message"}
    )
    assert throttled == 7
    assert (
        metrics.registry.get_sample_value(
            "coach_updates_total", {"type": "message", "outcome": "ok"}
        )
        == 3
    )
    # These updates carry no bot to answer with: the notice fails softly, once.
    notices = [r for r in caplog.records if "slow-down notice" in r.getMessage()]
    assert len(notices) == 1
