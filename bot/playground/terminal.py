"""`coach chat`: the real bot, talking to the built-in emulator, in a terminal.

The person types as they would in Telegram; numbers tap the buttons of the latest message.
Everything goes through the same Application, handlers and database as the real bot.
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path
from typing import Any, TextIO

from bot.app import build_application
from bot.config import load_settings
from bot.playground.emulator import BotApiEmulator
from bot.playground.lifecycle import start_app, stop_app

CHAT_USER_ID = 1
QUIET_SECONDS = 0.4  # how long the bot must stay silent before we ask for the next line
REPLY_TIMEOUT = 10.0
_OUTPUT_METHODS = {
    "sendMessage",
    "editMessageText",
    "sendPhoto",
    "sendDocument",
    "answerCallbackQuery",
}
_TAG = re.compile(r"<[^>]+>")

INTRO = (
    "You are chatting with the inner-thigh coach on this computer (no Telegram needed).\n"
    "Type as you would in Telegram, e.g. /start or /today. Type a number to tap a button.\n"
    "Ctrl-D or /quit leaves.\n"
)


def html_to_text(value: str) -> str:
    return html.unescape(_TAG.sub("", value))


class TerminalChat:
    def __init__(self, emulator: BotApiEmulator, out: TextIO, pictures_dir: Path) -> None:
        self._emulator = emulator
        self._out = out
        self._pictures = pictures_dir
        self._seen = 0
        self._buttons: list[tuple[int, str]] = []  # (message id, callback data), numbered from 1

    def send(self, line: str) -> None:
        if line.isdigit() and self._buttons:
            index = int(line) - 1
            if 0 <= index < len(self._buttons):
                message_id, data = self._buttons[index]
                self._emulator.inject_callback(CHAT_USER_ID, message_id, data)
                return
            self._print(f"(there is no button {line})")
            return
        self._emulator.inject_message(CHAT_USER_ID, line, first_name="You")

    async def show_replies(self) -> None:
        """Wait for the bot to answer and go quiet, then print what it did."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT
        count = self._seen
        quiet_since = loop.time()
        while loop.time() < deadline:
            calls = self._emulator.calls
            if len(calls) != count:
                count = len(calls)
                quiet_since = loop.time()
            has_output = any(c.method in _OUTPUT_METHODS for c in calls[self._seen :])
            if has_output and loop.time() - quiet_since >= QUIET_SECONDS:
                break
            await asyncio.sleep(0.05)
        self.print_new_calls()

    def print_new_calls(self) -> None:
        calls = self._emulator.calls[self._seen :]
        self._seen += len(calls)
        for call in calls:
            self._print_call(call.method, call.params)
        self._refresh_buttons()

    def _print_call(self, method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage":
            self._print("\ncoach: " + html_to_text(str(params.get("text", ""))))
        elif method == "editMessageText":
            self._print("\ncoach (updated): " + html_to_text(str(params.get("text", ""))))
        elif method == "answerCallbackQuery" and params.get("text"):
            self._print(f"  » {params['text']}")
        elif method in {"sendPhoto", "sendDocument"}:
            self._save_file(method, params)

    def _save_file(self, method: str, params: dict[str, Any]) -> None:
        stored = self._emulator.last_message(CHAT_USER_ID)
        if stored is None or stored.file_bytes is None:
            return
        self._pictures.mkdir(parents=True, exist_ok=True)
        name = stored.file_name or ("picture.png" if method == "sendPhoto" else "file.bin")
        path = self._pictures / f"{stored.message_id}-{Path(name).name}"
        path.write_bytes(stored.file_bytes)
        caption = params.get("caption")
        self._print(
            f"\ncoach sent a file: {path}" + (f"\n{html_to_text(caption)}" if caption else "")
        )

    def _refresh_buttons(self) -> None:
        latest = next(
            (m for m in reversed(self._emulator.messages(CHAT_USER_ID)) if m.reply_markup), None
        )
        self._buttons = []
        if latest is None or latest.reply_markup is None:
            return
        lines = []
        for row in latest.reply_markup.get("inline_keyboard", []):
            labels = []
            for button in row:
                if "callback_data" in button:
                    self._buttons.append((latest.message_id, button["callback_data"]))
                    labels.append(f"[{len(self._buttons)}] {button['text']}")
            lines.append("   ".join(labels))
        if lines:
            self._print("\n".join(lines))

    def _print(self, value: str) -> None:
        self._out.write(value + "\n")
        self._out.flush()


async def run_chat(*, database_url: str, stdin: TextIO, stdout: TextIO, pictures_dir: Path) -> int:
    emulator = BotApiEmulator()
    await emulator.start()
    settings = load_settings(
        telegram_bot_token=emulator.token,
        telegram_api_base_url=emulator.base_url,
        telegram_api_file_url=emulator.base_file_url,
        database_url=database_url,
    )
    app = build_application(settings)
    chat = TerminalChat(emulator, stdout, pictures_dir)
    loop = asyncio.get_running_loop()
    try:
        await start_app(app)
        stdout.write(INTRO)
        stdout.flush()
        while True:
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip() in {"/quit", "/exit"}:
                break
            if not line.strip():
                continue
            chat.send(line.strip())
            await chat.show_replies()
    finally:
        await stop_app(app)
        await emulator.stop()
    return 0
