"""Start and stop the Application inside an event loop someone else owns.

`run_polling` owns its loop; the terminal chat, the tests and the benchmarks need the bot in
their own loop beside the emulator, so they take PTB's documented manual steps, here once.
"""

from __future__ import annotations

from bot.telegram.context import CoachApplication


async def start_app(app: CoachApplication, *, poll_timeout: int = 1) -> None:
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)


async def stop_app(app: CoachApplication) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
