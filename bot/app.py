"""The composition root: every object the bot uses is built and wired here, in order."""

from __future__ import annotations

import gc
import os
from datetime import time

from telegram import BotCommand
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    JobQueue,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.domain.library import Library
from bot.library import DEFAULT_CONTENT_DIR, load_library
from bot.metrics import Metrics
from bot.services.clock import Clock, SystemClock
from bot.services.coaching import CoachService
from bot.services.delivery import DeliveryPolicy, Dispatcher
from bot.services.health import Readiness
from bot.services.nudges import NudgeService
from bot.services.progress import ProgressService
from bot.services.setup import SetupService
from bot.services.stats import StatsService
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import current_revision, head_revision, upgrade
from bot.telegram import admin, handlers
from bot.telegram.callback_data import (
    FeedbackData,
    ForgetData,
    MorningCheckData,
    PainData,
    SessionActionData,
    SetupData,
    pattern,
)
from bot.telegram.context import BotData, CoachApplication, CoachContext, Services
from bot.telegram.instrumentation import (
    MeasuredRateLimiter,
    MeasuredUpdateProcessor,
    count_failed_update,
)
from bot.telegram.jobs import DispatchMonitor, dispatch_tick
from bot.telegram.nudge_sender import TelegramNudgeSender
from bot.telegram.render import SessionRenderer
from bot.telegram.sender import TelegramSender

COMMANDS = [
    BotCommand("today", "Today's stretch and strengthening move, now"),
    BotCommand("more", "One extra move, e.g. /more balance"),
    BotCommand("why", "Why today's moves matter"),
    BotCommand("focus", "Balance, hips, knees or ankles"),
    BotCommand("time", "When your daily session arrives, e.g. /time 7:30"),
    BotCommand("timezone", "Your time zone, e.g. /timezone Europe/Lisbon"),
    BotCommand("pause", "A break: /pause, or /pause 3 for three days"),
    BotCommand("resume", "Daily sessions again"),
    BotCommand("progress", "Your streak and levels, as a picture"),
    BotCommand("summary", "The day of your weekly summary, e.g. /summary sunday"),
    BotCommand("settings", "Change your answers"),
    BotCommand("export", "All your data as a file"),
    BotCommand("forget", "Delete everything about you"),
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
    metrics: Metrics | None = None,
    readiness: Readiness | None = None,
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
    # Operations: a registry of this app's own, and readiness that probes this engine.
    metrics = metrics or Metrics()
    metrics.watch_engine(engine)
    readiness = readiness or Readiness()
    readiness.watch(engine, settings.database_url)
    clock = clock or SystemClock()

    async def post_init(app: CoachApplication) -> None:
        # Order matters: the schema must be current before any handler or tick touches it.
        if settings.migrate_on_start:
            await upgrade(engine)
        elif await current_revision(engine) != head_revision(settings.database_url):
            raise SchemaOutdated("the database schema is out of date: run `coach migrate` first")
        await app.bot.set_my_commands(COMMANDS)
        readiness.telegram_reached = True  # getMe answered in initialize, before post_init
        # What start-up built (the content library, PTB, SQLAlchemy) lives as long as the
        # process: move it out of the garbage collector's sight, so that full collections
        # walk only what each update and reminder allocates.
        gc.collect()
        gc.freeze()

    async def post_shutdown(app: CoachApplication) -> None:
        await engine.dispose()

    app: CoachApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .context_types(ContextTypes(context=CoachContext, bot_data=BotData))
        .job_queue(JobQueue[CoachContext]())
        .rate_limiter(
            MeasuredRateLimiter(
                metrics, overall_max_rate=settings.send_rate_per_second, max_retries=2
            )
        )
        .concurrent_updates(
            MeasuredUpdateProcessor(
                metrics,
                concurrency=settings.update_concurrency,
                burst=settings.person_rate_burst,
                per_second=settings.person_rate_per_second,
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )

    renderer = SessionRenderer(library)
    stats = StatsService(sessions, clock)
    default_zone = settings.default_timezone
    default_time = time.fromisoformat(settings.default_reminder_time)
    coach = CoachService(
        sessions, library, clock, default_timezone=default_zone, default_reminder_time=default_time
    )
    setup = SetupService(
        sessions, clock, default_timezone=default_zone, default_reminder_time=default_time
    )
    progress = ProgressService(sessions, library, clock)
    sender = TelegramSender(app.bot, renderer)
    dispatcher = Dispatcher(
        sessions,
        library,
        clock,
        sender,
        policy
        or DeliveryPolicy.for_rate(
            settings.send_rate_per_second, batch_size=settings.dispatch_batch_size
        ),
    )
    nudges = NudgeService(sessions, clock, coach, progress, TelegramNudgeSender(app.bot, sender))
    app.bot_data.services = Services(
        coach=coach,
        dispatcher=dispatcher,
        renderer=renderer,
        library=library,
        setup=setup,
        progress=progress,
        nudges=nudges,
    )

    private = filters.ChatType.PRIVATE
    new_private = private & filters.UpdateType.MESSAGE
    commands = {
        "start": handlers.on_start,
        "today": handlers.on_today,
        "more": handlers.on_more,
        "why": handlers.on_why,
        "focus": handlers.on_focus,
        "time": handlers.on_time,
        "timezone": handlers.on_timezone,
        "pause": handlers.on_pause,
        "resume": handlers.on_resume,
        "progress": handlers.on_progress,
        "settings": handlers.on_settings,
        "summary": handlers.on_summary,
        "export": handlers.on_export,
        "forget": handlers.on_forget,
        "help": handlers.on_help,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=new_private))
    taps = [
        (FeedbackData.PREFIX, handlers.on_feedback_tapped),
        (PainData.PREFIX, handlers.on_pain_tapped),
        (SessionActionData.PREFIX, handlers.on_session_action),
        (MorningCheckData.PREFIX, handlers.on_morning_check_tapped),
        (SetupData.PREFIX, handlers.on_setup_tapped),
        (ForgetData.PREFIX, handlers.on_forget_tapped),
    ]
    for prefix, callback in taps:
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern(prefix)))
    app.add_handler(CallbackQueryHandler(handlers.on_unknown_button))  # stale or forged shapes
    app.add_handler(ChatMemberHandler(handlers.on_my_chat_member))
    # Operators only: anyone else's /stats falls through to the unknown-command answer below.
    app.add_handler(
        CommandHandler(
            "stats",
            admin.AdminCommands(stats).on_stats,
            filters=new_private & filters.User(user_id=settings.admin_user_ids),
        )
    )
    # Order matters below: these catch what no command or button handler took.
    app.add_handler(MessageHandler(new_private & filters.LOCATION, handlers.on_location))
    app.add_handler(MessageHandler(new_private & filters.COMMAND, handlers.on_unknown_command))
    app.add_handler(MessageHandler(new_private & filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(new_private, handlers.on_media))
    # In groups, only our own commands get an answer (a pointer to a private chat); PTB's
    # CommandHandler already ignores "/help@someotherbot".
    app.add_handler(
        CommandHandler(
            list(commands),
            handlers.on_group_message,
            filters=filters.ChatType.GROUPS & filters.UpdateType.MESSAGE,
        )
    )
    app.add_error_handler(handlers.on_error)
    app.add_error_handler(count_failed_update)  # after on_error: marks the update failed

    if run_dispatcher and app.job_queue is not None:
        app.job_queue.run_repeating(
            dispatch_tick,
            interval=settings.dispatch_interval_seconds,
            first=1.0,
            name="dispatch",
            data=DispatchMonitor(metrics, stats),
        )
    return app
