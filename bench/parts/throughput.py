"""sendMessage throughput and CPU per message: raw PTB, and the full dispatcher.

``raw`` (and ``raw_wide``, the same with many more in flight): an ExtBot from PTB's
ApplicationBuilder with the app's token and URLs and the builder's default request settings
(those the app gets), no rate limiter, sending real rendered daily messages to N chats with
bounded concurrency: RAW_DISTINCT different people's messages in turn, rendered before the
clock starts. ``raw_limited``: the app's own bot (build_application), so the
same plus its AIORateLimiter at the highest allowed rate.
``dispatcher``: the app's Dispatcher draining N people due at once (claim, plan, render,
send, record), ticking back to back, with the same number of sends in flight as raw. The
Bot API emulator is another process.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
from collections.abc import Iterator
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder

from bench.botkit import (
    UNLIMITED_RATE,
    Window,
    bench_settings,
    drain,
    report_dict,
    sample_messages,
    sends_seen,
)
from bench.seed import BENCH_NOW
from bench.support import TOKEN, JSONDict, OffsetClock
from bot.app import build_application
from bot.library import load_library
from bot.playground.lifecycle import start_app, stop_app
from bot.services.delivery import DeliveryPolicy

RAW_DISTINCT = 1_000  # different messages raw PTB sends in turn (about 7 MB of them)


async def run(params: JSONDict) -> JSONDict:
    if params["mode"] == "dispatcher":
        return await _dispatcher(params)
    return await _raw(params)


async def _raw(params: JSONDict) -> JSONDict:
    emulator, n, concurrency = params["emulator"], int(params["n"]), int(params["concurrency"])
    library = load_library()
    messages = await sample_messages(library, min(n, RAW_DISTINCT))
    bot: Bot
    if params["mode"] != "raw_limited":
        bot = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(emulator["base_url"])
            .base_file_url(emulator["file_url"])
            .build()
            .bot
        )
    else:
        settings = bench_settings(
            emulator, "sqlite+aiosqlite:///:memory:", send_rate_per_second=UNLIMITED_RATE
        )
        bot = build_application(settings, library=library, run_dispatcher=False).bot
    chats: Iterator[int] = iter(range(1, n + 1))
    failures = 0

    async def worker() -> None:
        nonlocal failures
        for chat_id in chats:
            try:
                await bot.send_message(chat_id=chat_id, **messages[chat_id % len(messages)])
            except TelegramError:
                failures += 1

    profile_path = params.get("profile_path")
    profiler = cProfile.Profile() if profile_path else None
    async with bot:
        with Window(emulator["pid"]) as window:
            if profiler is not None:
                profiler.enable()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            if profiler is not None:
                profiler.disable()
    if profiler is not None and profile_path:
        _write_profile(profiler, Path(profile_path))
    return {
        "mode": params["mode"],
        "n": n,
        "concurrency": concurrency,
        "failures": failures,
        "distinct_messages": len(messages),
        "message_chars": round(sum(len(str(m["text"])) for m in messages) / len(messages)),
        **window.figures(n - failures),
        **sends_seen(emulator),
    }


async def _dispatcher(params: JSONDict) -> JSONDict:
    emulator, n = params["emulator"], int(params["n"])
    rate = float(params.get("rate", UNLIMITED_RATE))
    settings = bench_settings(emulator, params["database_url"], send_rate_per_second=rate)
    # With the rate limit lifted, the sends in flight stay as many as raw PTB's (8 by default,
    # what the app keeps at 30/s), so the two compare like for like. At a real rate (the 30/s
    # sample) the app's own policy for that rate.
    policy = (
        DeliveryPolicy(
            batch_size=settings.dispatch_batch_size, concurrency=int(params["concurrency"])
        )
        if "concurrency" in params
        else None
    )
    app = build_application(
        settings,
        library=load_library(),
        clock=OffsetClock(BENCH_NOW),
        policy=policy,
        run_dispatcher=False,
    )
    await start_app(app)
    profile_path = params.get("profile_path")
    profiler = cProfile.Profile() if profile_path else None
    try:
        dispatcher = app.bot_data.services.dispatcher
        with Window(emulator["pid"]) as window:
            if profiler is not None:
                profiler.enable()
            report, ticks = await drain(dispatcher, n)
            if profiler is not None:
                profiler.disable()
    finally:
        await stop_app(app)
    result: JSONDict = {
        "mode": "dispatcher",
        "n": n,
        "concurrency": dispatcher.policy.concurrency,
        "unrecorded_bound": dispatcher.policy.unrecorded_bound,
        "rate": rate,
        "ticks": ticks,
        "report": report_dict(report),
        **window.figures(report.sent),
        **sends_seen(emulator),
    }
    if profiler is not None and profile_path:
        _write_profile(profiler, Path(profile_path))
        result["profile_path"] = profile_path
    return result


def _write_profile(profiler: cProfile.Profile, path: Path) -> None:
    """The raw .prof, plus a text view: the bot's own functions by cumulative time (where a
    reminder's time goes, phase by phase), the hottest functions anywhere, and run-time
    imports (httpcore retries `import sniffio` on every request when sniffio is missing)."""
    profiler.dump_stats(str(path.with_suffix(".prof")))
    with path.open("w") as out:
        stats = pstats.Stats(profiler, stream=out)
        total = stats.total_tt  # type: ignore[attr-defined]
        out.write(f"profiled wall of the drain: {total:.2f} s\n\n")
        for name in ("send_session", "current_async_library", "_find_and_load"):
            cumulative = sum(
                row[3]
                for func, row in stats.stats.items()  # type: ignore[attr-defined]
                if func[2] == name
            )
            out.write(f"{name}: {cumulative:.2f} s cumulative ({cumulative / total:.0%})\n")
        out.write("\n== the bot's functions, by cumulative time ==\n")
        stats.sort_stats("cumulative").print_stats(r"/bot/", 45)
        out.write("\n== everything, by own time ==\n")
        stats.strip_dirs().sort_stats("tottime").print_stats(30)
