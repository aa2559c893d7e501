"""The composition root: every object the bot uses is built and wired here, in order."""

from __future__ import annotations

import os
from datetime import time

from telegram import BotCommand
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    JobQueue,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.domain.library import Library
from bot.library import DEFAULT_CONTENT_DIR, load_library
from bot.services.clock import Clock, SystemClock
from bot.services.coaching import CoachService
from bot.services.delivery import DeliveryPolicy, Dispatcher
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import current_revision, head_revision, upgrade
from bot.telegram import handlers
from bot.telegram.callback_data import FEEDBACK_PATTERN
from bot.telegram.context import BotData, CoachApplication, CoachContext, Services
from bot.telegram.jobs import dispatch_tick
from bot.telegram.render import SessionRenderer
from bot.telegram.sender import TelegramSender

COMMANDS = [
    BotCommand("today", "Today's stretch and strengthening move, now"),
    BotCommand("time", "When your daily session arrives, e.g. /time 7:30"),
    BotCommand("timezone", "Your time zone, e.g. /timezone Europe/Lisbon"),
    BotCommand("help", "What the coach understands"),
]


class SchemaOutdated(RuntimeError):
    """The database is behind the code and MIGRATE_ON_START is off."""


def build_application(
    settings: Settings,
    *,
    library: Library | None = None,
    clock: Clock | None = None,
    policy: DeliveryPolicy | None = None,
    run_dispatcher: bool = True,
) -> CoachApplication:
    """Wire the bot. Nothing connects here; the database is touched in post_init."""
    token = settings.token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # Opt in to PTB's timedelta durations now, so reading retry_after raises no deprecation.
    os.environ.setdefault("PTB_TIMEDELTA", "1")

    library = library or load_library(settings.content_dir or DEFAULT_CONTENT_DIR)
    engine = create_engine(settings.database_url)
    sessions = create_session_factory(engine)
    clock = clock or SystemClock()

    async def post_init(app: CoachApplication) -> None:
        # Order matters: the schema must be current before any handler or tick touches it.
        if settings.migrate_on_start:
            await upgrade(engine)
        elif await current_revision(engine) != head_revision(settings.database_url):
            raise SchemaOutdated("the database schema is out of date: run `coach migrate` first")
        await app.bot.set_my_commands(COMMANDS)

    async def post_shutdown(app: CoachApplication) -> None:
        await engine.dispose()

    app: CoachApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .context_types(ContextTypes(context=CoachContext, bot_data=BotData))
        .job_queue(JobQueue[CoachContext]())
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.send_rate_per_second, max_retries=2))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )

    renderer = SessionRenderer(library)
    coach = CoachService(
        sessions,
        library,
        clock,
        default_timezone=settings.default_timezone,
        default_reminder_time=time.fromisoformat(settings.default_reminder_time),
    )
    dispatcher = Dispatcher(
        sessions,
        library,
        clock,
        TelegramSender(app.bot, renderer),
        policy or DeliveryPolicy(batch_size=settings.dispatch_batch_size),
    )
    app.bot_data.services = Services(
        coach=coach, dispatcher=dispatcher, renderer=renderer, library=library
    )

    private = filters.ChatType.PRIVATE
    new_private = private & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("start", handlers.on_start, filters=new_private))
    app.add_handler(CommandHandler("today", handlers.on_today, filters=new_private))
    app.add_handler(CommandHandler("time", handlers.on_time, filters=new_private))
    app.add_handler(CommandHandler("timezone", handlers.on_timezone, filters=new_private))
    app.add_handler(CommandHandler("help", handlers.on_help, filters=new_private))
    app.add_handler(CallbackQueryHandler(handlers.on_feedback_tapped, pattern=FEEDBACK_PATTERN))
    app.add_handler(CallbackQueryHandler(handlers.on_unknown_button))
    # Everything else a person sends privately (text, stickers, photos, unknown commands).
    app.add_handler(MessageHandler(new_private, handlers.on_unknown))
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.COMMAND,
            handlers.on_group_message,
        )
    )
    app.add_error_handler(handlers.on_error)

    if run_dispatcher and app.job_queue is not None:
        app.job_queue.run_repeating(
            dispatch_tick, interval=settings.dispatch_interval_seconds, first=1.0, name="dispatch"
        )
    return app
