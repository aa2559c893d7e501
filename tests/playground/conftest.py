"""Fixtures for the emulator's own tests: an emulator, a real PTB Bot on it, a raw HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot

from bot.playground.emulator import BotApiEmulator

USER = 1001
OTHER_USER = 1002


def png_bytes(width: int = 3, height: int = 2) -> bytes:
    """The first bytes of a PNG: enough for the emulator's image sniffing."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", width, height)


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without it PTB's RetryAfter warns on construction, which filterwarnings=error turns fatal.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    ptb_bot = Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    async with ptb_bot:
        yield ptb_bot


class RawClient:
    """A tiny keep-alive HTTP/1.1 client, to see exactly what the emulator puts on the wire."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, emulator: BotApiEmulator) -> RawClient:
        reader, writer = await asyncio.open_connection(emulator.host, emulator.port)
        return cls(reader, writer)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()

    async def send(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(raw)
        await self.writer.drain()
        return await self.read_response()

    async def read_response(self) -> tuple[int, dict[str, str], bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers["content-length"]))
        return status, headers, body

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str | None = None,
        extra_headers: str = "",
    ) -> tuple[int, Any]:
        head = f"{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        status, _, payload = await self.send((head + extra_headers + "\r\n").encode() + body)
        return status, json.loads(payload)


@pytest.fixture
async def raw(emu: BotApiEmulator) -> AsyncIterator[RawClient]:
    client = await RawClient.open(emu)
    try:
        yield client
    finally:
        await client.close()
