"""`coach run` as a process: both modes stop on SIGTERM with exit 0 and no claim left held;
a rejected token stops it with a clear message and without the token."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.playground.emulator import BotApiEmulator
from tests.ops.conftest import SECRET, WEBHOOK_PATH, WEBHOOK_URL, rows, seed_due_users

DUE = [3301, 3302, 3303, 3304, 3305]
WALKER = 3399


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path, emulator: BotApiEmulator, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_", "METRICS_", "LOG_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TELEGRAM_API_FILE_URL=emulator.base_file_url,
        DATABASE_URL=_db_url(tmp_path),
        DISPATCH_INTERVAL_SECONDS="600",  # one tick, a second after start
    )
    env.update(extra)
    return env


def _db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"


@asynccontextmanager
async def _coach_run(
    tmp_path: Path, env: dict[str, str]
) -> AsyncIterator[asyncio.subprocess.Process]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _wait_http_ok(url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = asyncio.get_running_loop().time() + 30
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            if proc.returncode is not None:
                raise AssertionError(f"coach run exited with {proc.returncode}")
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(url)
            await asyncio.sleep(0.05)


async def _stop_during_the_tick(
    proc: asyncio.subprocess.Process, emulator: BotApiEmulator, db_url: str
) -> bytes:
    """Slow Telegram down, wait until the tick has claimed everyone, then SIGTERM."""
    emulator.delay_seconds = 1.5
    await emulator.wait_for(
        lambda: (
            rows(db_url, "select count(*) from daily_sessions where status = 'pending'")
            == [(len(DUE),)]
        ),
        timeout=20,
    )
    proc.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
    return stderr


def _assert_no_claim_held(db_url: str, emulator: BotApiEmulator) -> None:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    held = rows(
        db_url,
        "select user_id from daily_sessions where status = 'pending' and lease_until > ?",
        now,
    )
    assert held == []
    assert rows(db_url, "select status, count(*) from daily_sessions group by status") == [
        ("sent", len(DUE))
    ]
    for user in DUE:
        assert len(emulator.messages(user)) == 1, user


def _assert_clean_json_log(stderr: bytes, emulator: BotApiEmulator) -> list[dict[str, object]]:
    assert emulator.token.encode() not in stderr
    assert emulator.token.split(":")[1].encode() not in stderr
    text = stderr.decode()
    assert "Traceback" not in text
    return [json.loads(line) for line in text.splitlines()]  # stderr is a pipe: JSON lines


async def _seed(tmp_path: Path, emulator: BotApiEmulator) -> None:
    await seed_due_users(_db_url(tmp_path), DUE, now=datetime.now(UTC), ago=timedelta(seconds=1))
    for user in DUE:
        emulator.register_chat(user)


async def test_polling_mode_serves_ops_endpoints_and_stops_cleanly_on_sigterm(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    await _seed(tmp_path, emulator)
    port = _free_port()
    env = _env(tmp_path, emulator, METRICS_PORT=str(port))
    async with _coach_run(tmp_path, env) as proc:
        await _wait_http_ok(f"http://127.0.0.1:{port}/readyz", proc)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/healthz")).status_code == 200
            assert "coach_updates_total" in (await http.get("/metrics")).text
            # No webhook on the polling server.
            assert (await http.post(WEBHOOK_PATH, json={})).status_code == 404
        await emulator.wait_for(lambda: emulator.is_polling, timeout=10)
        stderr = await _stop_during_the_tick(proc, emulator, _db_url(tmp_path))
    assert proc.returncode == 0, stderr.decode()
    _assert_no_claim_held(_db_url(tmp_path), emulator)
    entries = _assert_clean_json_log(stderr, emulator)
    assert any(e["message"] == "polling mode" for e in entries)
    assert entries[-1]["message"] == "stopped"


async def test_webhook_mode_answers_and_stops_cleanly_on_sigterm(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    await _seed(tmp_path, emulator)
    port = _free_port()
    env = _env(
        tmp_path,
        emulator,
        WEBHOOK_URL=WEBHOOK_URL,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT=str(port),
    )
    async with _coach_run(tmp_path, env) as proc:
        await _wait_http_ok(f"http://127.0.0.1:{port}/readyz", proc)
        update = emulator.inject_message(WALKER, "/help")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            denied = await http.post(WEBHOOK_PATH, json=update)
            accepted = await http.post(
                WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
        assert (denied.status_code, accepted.status_code) == (403, 200)
        await emulator.wait_for(lambda: emulator.last_message(WALKER) is not None, timeout=10)
        stderr = await _stop_during_the_tick(proc, emulator, _db_url(tmp_path))
    assert proc.returncode == 0, stderr.decode()
    _assert_no_claim_held(_db_url(tmp_path), emulator)
    assert emulator.calls_to("setWebhook")[0].params["secret_token"] == SECRET
    assert emulator.calls_to("getUpdates") == []
    # The webhook stays registered for the next start (or the other replicas).
    assert emulator.calls_to("deleteWebhook") == []
    entries = _assert_clean_json_log(stderr, emulator)
    assert SECRET not in stderr.decode()
    assert [e["message"] for e in entries].count(
        "webhook request rejected: missing secret token"
    ) == 1
    assert entries[-1]["message"] == "stopped"


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_a_rejected_token_stops_with_a_clear_message_and_never_the_token(
    emulator: BotApiEmulator, tmp_path: Path, log_format: str
) -> None:
    wrong = "123456:AAWrongButWellFormedToken_0123456789"
    env = _env(
        tmp_path, emulator, TELEGRAM_BOT_TOKEN=wrong, LOG_LEVEL="DEBUG", LOG_FORMAT=log_format
    )
    async with _coach_run(tmp_path, env) as proc:
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    text = stderr.decode()
    assert proc.returncode == 1, text
    assert emulator.calls_to("getMe")[0].error_code == 401
    assert "The bot could not start: Telegram rejected the bot token" in text
    assert wrong not in text
    assert wrong.split(":")[1] not in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"WEBHOOK_URL": WEBHOOK_URL}, "WEBHOOK_SECRET"),
        (
            {"WEBHOOK_URL": "http://insecure.example.test/x", "WEBHOOK_SECRET": SECRET},
            "WEBHOOK_URL",
        ),
        ({"WEBHOOK_URL": WEBHOOK_URL, "WEBHOOK_SECRET": "has spaces"}, "WEBHOOK_SECRET"),
    ],
)
async def test_webhook_settings_are_checked_at_start(
    emulator: BotApiEmulator, tmp_path: Path, extra: dict[str, str], named: str
) -> None:
    async with _coach_run(tmp_path, _env(tmp_path, emulator, **extra)) as proc:
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    text = stderr.decode()
    assert proc.returncode == 2, text
    assert f"{named}:" in text
    assert "has spaces" not in text
    assert emulator.calls == [], "nothing reached Telegram"
