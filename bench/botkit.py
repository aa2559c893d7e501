"""What the measured parts need from the bot itself: settings, sample messages, draining.

Imported only inside child processes (it pulls in PTB, SQLAlchemy and the bot).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import Any

from bench.seed import BENCH_DUE
from bench.support import (
    TOKEN,
    JSONDict,
    emulator_stats,
    process_cpu_seconds,
    thread_cpu_seconds,
)
from bot.config import Settings, load_settings
from bot.domain.library import Library
from bot.domain.planner import plan_day
from bot.domain.state import CoachState
from bot.services.delivery import Dispatcher, DispatchReport
from bot.services.sessions import plan_seed
from bot.services.views import SessionView
from bot.telegram.render import SessionRenderer
from bot.telegram.sender import TelegramSender

UNLIMITED_RATE = 1000.0  # the highest send rate the settings accept: "the rate limit lifted"


def bench_settings(emulator: JSONDict, database_url: str, **overrides: Any) -> Settings:
    """The app's settings pointed at the emulator process and a bench database."""
    return load_settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emulator["base_url"],
        telegram_api_file_url=emulator["file_url"],
        database_url=database_url,
        **overrides,
    )


class _CapturingBot:
    """Stands in for the Bot once, to learn exactly what the app's sender would send."""

    def __init__(self) -> None:
        self.kwargs: dict[str, Any] = {}

    async def send_message(self, **kwargs: Any) -> SimpleNamespace:
        self.kwargs = kwargs
        return SimpleNamespace(message_id=1)


async def sample_messages(library: Library, count: int) -> list[dict[str, Any]]:
    """send_message's arguments for `count` different real daily messages (HTML text, answer
    buttons), as the dispatcher's TelegramSender renders them, without the chat id.

    Each is a different person's plan with its own session id in the buttons, so raw PTB
    sends what the dispatcher sends: fresh objects of the same shape and size, not one message
    over and over (whose objects would stay hot in the CPU's caches).
    """
    day = BENCH_DUE.date()
    capture = _CapturingBot()
    sender = TelegramSender(capture, SessionRenderer(library))  # type: ignore[arg-type]
    messages = []
    for person in range(1, count + 1):
        plan = plan_day(library, CoachState(), day, plan_seed(person, day))
        view = SessionView(
            session_id=person,
            user_id=person,
            chat_id=person,
            language_code="en",
            local_date=day,
            focus=plan.focus,
            stretch=plan.stretch,
            strength=plan.strength,
        )
        await sender.send_session(view)
        messages.append({k: v for k, v in capture.kwargs.items() if k != "chat_id"})
    return messages


@dataclass
class Window:
    """Wall time, this process's CPU and the emulator's CPU over one measured stretch."""

    emulator_pid: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    emulator_cpu_s: float = 0.0
    thread_cpu_s: dict[str, float] = field(default_factory=dict)
    _threads0: dict[str, float] = field(default_factory=dict, repr=False)
    _t0: float = field(default=0.0, repr=False)
    _c0: float = field(default=0.0, repr=False)
    _e0: float = field(default=0.0, repr=False)

    def __enter__(self) -> Window:
        self._e0 = process_cpu_seconds(self.emulator_pid)
        self._threads0 = thread_cpu_seconds()
        self._c0 = time.process_time()
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall_s = time.perf_counter() - self._t0
        self.cpu_s = time.process_time() - self._c0
        self.emulator_cpu_s = process_cpu_seconds(self.emulator_pid) - self._e0
        after = thread_cpu_seconds()
        self.thread_cpu_s = {
            name: round(seconds - self._threads0.get(name, 0.0), 2)
            for name, seconds in after.items()
            if seconds - self._threads0.get(name, 0.0) > 0
        }

    def figures(self, count: int) -> JSONDict:
        per = max(count, 1)
        return {
            "wall_s": round(self.wall_s, 3),
            "per_second": round(count / self.wall_s, 1) if self.wall_s else 0.0,
            "cpu_s": round(self.cpu_s, 3),
            "cpu_ms_per_msg": round(1000 * self.cpu_s / per, 3),
            "cpu_utilisation": round(self.cpu_s / self.wall_s, 3) if self.wall_s else 0.0,
            "emulator_cpu_ms_per_msg": round(1000 * self.emulator_cpu_s / per, 3),
            # The process's CPU by thread (main: the event loop; others: database drivers).
            "cpu_s_by_thread": self.thread_cpu_s,
            "emulator_utilisation": (
                round(self.emulator_cpu_s / self.wall_s, 3) if self.wall_s else 0.0
            ),
        }


async def drain(dispatcher: Dispatcher, expected: int) -> tuple[DispatchReport, int]:
    """Tick back to back until a tick claims nobody; bounded by how many ticks can be needed."""
    total = DispatchReport()
    ticks = 0
    for _ in range(expected // 200 + 10):
        report = await dispatcher.dispatch_due()
        ticks += 1
        total.add(report)
        if report.claimed == 0 and report.expired == 0 and report.skipped_already_served == 0:
            break
    return total, ticks


def report_dict(report: DispatchReport) -> dict[str, int]:
    return {k: int(v) for k, v in asdict(report).items()}


def sends_seen(emulator: JSONDict) -> JSONDict:
    """sendMessage calls and distinct chats the emulator process has seen."""
    stats = emulator_stats(emulator["base_url"])
    return {
        "send_message_calls": int(stats["counts"].get("sendMessage", 0)),
        "chats": stats["chats"],
    }
