"""The `coach` command: run the bot, chat with it in a terminal, migrate, check content."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("bot.cli")

RUN_NEEDS_TELEGRAM = (
    "TELEGRAM_BOT_TOKEN is not set, so there is no Telegram bot to run. "
    "To talk to the coach in this terminal instead, run: coach chat"
)


def _settings() -> Settings:
    from bot.config import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import build_application
    from bot.library import LibraryError
    from bot.logs import configure_logging, redact, secret_variants
    from bot.metrics import Metrics
    from bot.services.health import Readiness
    from bot.web.runner import StartError, run_bot

    settings = _settings()
    if settings.token is None:
        print(RUN_NEEDS_TELEGRAM, file=sys.stderr)
        return 2
    configure_logging(
        secrets=settings.secrets, level=settings.log_level, log_format=settings.log_format
    )
    metrics, readiness = Metrics(), Readiness()
    try:
        app = build_application(settings, metrics=metrics, readiness=readiness)
    except LibraryError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        asyncio.run(run_bot(app, settings, metrics=metrics, readiness=readiness))
    except StartError as exc:
        print(f"The bot could not start: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # PTB puts the token into some messages (InvalidToken): scrub before printing.
        log.debug("the bot stopped on an error", exc_info=True)
        message = redact(f"{type(exc).__name__}: {exc}", secret_variants(settings.secrets))
        print(f"The bot stopped: {message}", file=sys.stderr)
        return 1
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.storage.db import create_engine
    from bot.storage.migrate import current_revision, upgrade

    settings = _settings()

    async def migrate() -> str | None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    revision = asyncio.run(migrate())
    print(f"Database is at revision {revision}.")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.playground.terminal import run_chat

    return asyncio.run(
        run_chat(
            database_url=args.database,
            stdin=sys.stdin,
            stdout=sys.stdout,
            pictures_dir=Path(args.pictures),
        )
    )


def cmd_content_check(args: argparse.Namespace) -> int:
    from bot.library import DEFAULT_CONTENT_DIR
    from bot.library.report import run_content_check

    return run_content_check(Path(args.dir) if args.dir else DEFAULT_CONTENT_DIR, sys.stdout)


def cmd_simulate(args: argparse.Namespace) -> int:
    from datetime import date

    from bot.domain.simulation import PERSONAS, format_simulation, simulate
    from bot.library import DEFAULT_CONTENT_DIR, load_library

    if args.persona not in PERSONAS:
        print(f"Unknown persona. Choose one of: {', '.join(sorted(PERSONAS))}", file=sys.stderr)
        return 2
    library = load_library(DEFAULT_CONTENT_DIR)
    result = simulate(
        library,
        PERSONAS[args.persona],
        days=args.days,
        start=date.fromisoformat(args.start),
        seed=args.seed,
    )
    print(format_simulation(result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run the Telegram bot (webhook if WEBHOOK_URL is set)").set_defaults(
        func=cmd_run
    )
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    chat = sub.add_parser("chat", help="talk to the coach in this terminal, no token needed")
    chat.add_argument("--database", default="sqlite+aiosqlite:///data/chat.db")
    chat.add_argument("--pictures", default="chat-pictures", help="where pictures are saved")
    chat.set_defaults(func=cmd_chat)

    content = sub.add_parser("content", help="the exercise library")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate content/ and print a summary")
    check.add_argument("--dir", default=None)
    check.set_defaults(func=cmd_content_check)

    sim = sub.add_parser("simulate", help="run a persona through N days of coaching")
    sim.add_argument("--persona", default="always-done")
    sim.add_argument("--days", type=int, default=56)
    sim.add_argument("--start", default="2026-01-05")
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(func=cmd_simulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
