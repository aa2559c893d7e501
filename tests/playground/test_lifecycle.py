"""Starting and stopping the emulator: in the loop, in a thread, standalone, under PTB."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.playground.emulator import BotApiEmulator
from tests.playground.conftest import USER

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_application_polling_answers_start(emu: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>Welcome</b>, {context.args}")

    app = (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling()
        try:
            emu.inject_message(USER, "/start deep-link")
            await emu.wait_for(lambda: emu.last_message(USER) is not None)
        finally:
            await app.updater.stop()
            await app.stop()
    reply = emu.last_message(USER)
    assert reply is not None
    assert reply.plain_text == "Welcome, ['deep-link']"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 7}]
    assert emu.calls_to("deleteWebhook")  # run by start_polling, as against Telegram


async def test_start_in_thread_serves_a_bot_in_the_main_loop() -> None:
    emu = BotApiEmulator()
    emu.start_in_thread()
    port = emu.port
    try:
        async with Bot(emu.token, base_url=emu.base_url) as bot:
            poll = asyncio.create_task(bot.get_updates(timeout=5))
            await emu.wait_for(lambda: emu.is_polling)
            emu.inject_message(USER, "from the main thread")
            (update,) = await asyncio.wait_for(poll, 2)
            assert update.message is not None
            assert update.message.text == "from the main thread"
            await bot.send_message(USER, "reply")
            await emu.wait_for_call("sendMessage", chat_id=USER)
        stored = emu.last_message(USER)
        assert stored is not None
        assert stored.plain_text == "reply"
    finally:
        emu.stop_thread()
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)


async def test_stop_ends_a_long_poll_in_flight() -> None:
    emu = BotApiEmulator()
    await emu.start()
    async with Bot(emu.token, base_url=emu.base_url) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await emu.wait_for(lambda: emu.is_polling)
        await asyncio.wait_for(emu.stop(), 3)
        with pytest.raises(NetworkError):
            await poll


async def test_restart_after_stop() -> None:
    emu = BotApiEmulator()
    async with emu:
        first_port = emu.port
    async with emu, Bot(emu.token, base_url=emu.base_url) as bot:
        assert (await bot.get_me()).username == emu.bot_username
    assert first_port > 0


def test_only_loopback_addresses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        BotApiEmulator(host="0.0.0.0")  # noqa: S104 - asserting it is refused


def test_standalone_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.playground.emulator", "--port", "0", "--chat", "5"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/bot", base_url)
        assert match, base_url
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=5)
        try:
            connection.request("GET", "/bot123456:TEST-TOKEN/sendMessage?chat_id=5&text=hi")
            assert json.loads(connection.getresponse().read())["result"]["text"] == "hi"
            connection.request("GET", "/_emu/stats")
            stats = json.loads(connection.getresponse().read())["result"]
            assert stats["counts"] == {"sendMessage": 1}
        finally:
            connection.close()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert "Warning" not in stderr
    assert "Traceback" not in stderr


async def test_awaiting_stop_also_stops_a_threaded_emulator() -> None:
    emu = BotApiEmulator()
    emu.start_in_thread()
    port = emu.port
    await emu.stop()
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
