"""A local Telegram Bot API emulator, so the bot runs with no token and no internet.

The emulator module is imported lazily so ``python -m bot.playground.emulator`` runs cleanly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bot.playground.html_check import HtmlParseError, check_html, parse_html, utf16_len

if TYPE_CHECKING:
    from bot.playground.emulator import ApiCall, ApiError, BotApiEmulator, StoredMessage
    from bot.playground.emulator_http import UploadedFile

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "HtmlParseError",
    "StoredMessage",
    "UploadedFile",
    "check_html",
    "parse_html",
    "utf16_len",
]

_LAZY = {
    "ApiCall": "bot.playground.emulator",
    "ApiError": "bot.playground.emulator",
    "BotApiEmulator": "bot.playground.emulator",
    "StoredMessage": "bot.playground.emulator",
    "UploadedFile": "bot.playground.emulator_http",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
