"""Fixtures for the delivery tests: an emulator that knows every chat, and a rig of dispatchers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from tests.delivery.support import Rig


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    # People here never wrote to the bot first: the emulator accepts any private chat.
    emu = BotApiEmulator(auto_register_chats=True)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def rig(
    any_db_url: str, emulator: BotApiEmulator, library: Library, clock: ManualClock
) -> AsyncIterator[Rig]:
    """Dispatchers on a migrated database, SQLite file or PostgreSQL."""
    built = Rig(any_db_url, emulator, library, clock)
    try:
        await built.start()
        yield built
    finally:
        await built.close()
