"""Helpers the tests share: settings for the emulator, and starting the app in the test's loop."""

from __future__ import annotations

from bot.config import Settings, load_settings
from bot.playground.emulator import BotApiEmulator
from bot.playground.lifecycle import start_app, stop_app

__all__ = ["settings_for", "start_app", "stop_app"]


def settings_for(emulator: BotApiEmulator, database_url: str, **overrides: object) -> Settings:
    # Tests drive people at machine speed, far past the per-person rate limit no human reaches;
    # tests/reliability sets the limit wherever it is under test.
    overrides.setdefault("person_rate_burst", 1_000_000)
    return load_settings(
        _env_file=None,
        telegram_bot_token=emulator.token,
        telegram_api_base_url=emulator.base_url,
        telegram_api_file_url=emulator.base_file_url,
        database_url=database_url,
        **overrides,
    )
