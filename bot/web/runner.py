"""`coach run`: the bot's whole life in one event loop, in polling or webhook mode.

Start: getMe (a rejected token stops here), post_init (migrations, commands), register the
webhook with its secret (webhook mode), start handling, then the HTTP server or the poller.

SIGTERM or SIGINT, in this order:
1. stop taking updates: the webhook server stops accepting (requests in flight only queue
   their update), or the poller stops;
2. stop the dispatch job from starting another tick; a tick in progress finishes its sends
   and records them, so no claim is left held (a pending session keeps a lease only when
   Telegram asked for a retry, and that lease is the time of the retry);
3. handle the updates already queued, then shut PTB down and close the database.
The webhook stays registered: Telegram keeps new updates until this or another replica
answers.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from starlette.types import ASGIApp
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from bot.metrics import Metrics
from bot.services.health import Readiness
from bot.telegram.context import CoachApplication
from bot.web.endpoints import WebhookEndpoint, build_web_app
from bot.web.server import OpsServer, ServerStartError

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StartError(RuntimeError):
    """The bot could not start; the message says why and never contains a secret."""


class BotRunner:
    """Start and stop the bot inside a running event loop (`run_bot` adds the signals)."""

    def __init__(
        self,
        app: CoachApplication,
        settings: Settings,
        *,
        metrics: Metrics,
        readiness: Readiness,
    ) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.readiness = readiness
        self.server: OpsServer | None = None

    async def start(self) -> None:
        app, settings = self.app, self.settings
        try:
            await app.initialize()  # getMe
        except InvalidToken:
            raise StartError(
                "Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather)"
            ) from None
        except NetworkError as exc:
            raise StartError(
                f"cannot reach the Bot API at {settings.telegram_api_base_url}: {exc.message}"
            ) from None
        try:
            await self._start_initialized()
        except BaseException:
            await self.stop()
            raise

    async def _start_initialized(self) -> None:
        app, settings = self.app, self.settings
        if app.post_init is not None:
            await app.post_init(app)
        if settings.webhook_mode:
            secret = settings.webhook_secret_value
            assert settings.webhook_url is not None
            assert secret is not None  # settings refuse WEBHOOK_URL without WEBHOOK_SECRET
            try:
                await app.bot.set_webhook(
                    url=settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
                )
            except TelegramError as exc:
                raise StartError(f"Telegram refused WEBHOOK_URL: {exc.message}") from None
            endpoint = WebhookEndpoint(app, secret=secret, metrics=self.metrics)
            web = build_web_app(
                metrics=self.metrics,
                readiness=self.readiness,
                webhook=(settings.webhook_route, endpoint),
            )
            await app.start()
            await self._serve(web, settings.webhook_listen, settings.webhook_port)
            log.info("webhook mode: Telegram posts to %s", settings.webhook_route)
        else:
            await app.start()
            assert app.updater is not None
            # Deletes a webhook left from webhook mode; updates waiting at Telegram are kept.
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            if settings.metrics_port is not None:
                web = build_web_app(metrics=self.metrics, readiness=self.readiness)
                await self._serve(web, settings.metrics_listen, settings.metrics_port)
            log.info("polling mode")

    async def _serve(self, web: ASGIApp, host: str, port: int) -> None:
        self.server = OpsServer(web, host=host, port=port)
        try:
            await self.server.start()
        except ServerStartError as exc:
            self.server = None
            raise StartError(str(exc)) from None

    async def stop(self) -> None:
        """Stop taking updates, finish the work in hand, close everything. Idempotent."""
        app = self.app
        # 1. Stop taking updates.
        server, self.server = self.server, None
        if server is not None:
            await server.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        # 2. No new tick; Application.stop waits for the running one, whose sends then finish.
        if app.job_queue is not None:
            for job in app.job_queue.jobs():
                job.schedule_removal()
        # 3. Handle what is queued, then close everything (post_shutdown closes the database).
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def run_bot(
    app: CoachApplication,
    settings: Settings,
    *,
    metrics: Metrics,
    readiness: Readiness,
) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        runner = BotRunner(app, settings, metrics=metrics, readiness=readiness)
        await runner.start()
        try:
            await stop.wait()
            log.info("stop requested: finishing the work in hand")
        finally:
            await runner.stop()
        log.info("stopped")
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
