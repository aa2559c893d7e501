"""The `coach` command as an operator and a newcomer use it, in real subprocesses."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.playground.emulator import BotApiEmulator

USER = 2002


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_"))
    }
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}", **extra)
    return env


async def test_coach_run_answers_start_quickly_and_exits_zero_on_sigterm(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        TELEGRAM_API_FILE_URL=emulator.base_file_url,
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        # Up once it polls; start-up time (imports, migrations) is not the reply time.
        await emulator.wait_for_call("getUpdates", timeout=30)
        sent_at = time.monotonic()
        emulator.inject_message(USER, "/start")
        await emulator.wait_for(lambda: emulator.last_message(USER) is not None, timeout=2.0)
        assert time.monotonic() - sent_at < 2.0
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert emulator.token.encode() not in stderr


async def test_coach_run_without_token_points_to_the_terminal_chat(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=_env(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "coach chat" in lines[0]


async def test_bad_settings_are_named_one_per_line_without_the_secret(tmp_path: Path) -> None:
    secret = "not-a-token-SECRET-VALUE"
    env = _env(tmp_path, TELEGRAM_BOT_TOKEN=secret, DEFAULT_TIMEZONE="Mars/Olympus")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=30)
    text = stderr.decode()
    assert proc.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in text
    assert "DEFAULT_TIMEZONE" in text
    assert secret not in text
    assert "Traceback" not in text


async def test_coach_chat_can_be_driven_from_stdin(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat",
        "--database", f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        cwd=tmp_path, env=_env(tmp_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(proc.communicate(b"/start\n/today\n1\n"), timeout=60)
    out = stdout.decode()
    assert proc.returncode == 0, stderr.decode()
    assert "inner-thigh coach" in out
    assert "Your inner-thigh session" in out
    assert "[1] Stretch: ✅ Done" in out
    assert "[4] Stretch: 🤕 It hurt" in out
    assert "Got it!" in out, "button 1 was tapped and answered"
    assert "coach (updated)" in out


async def test_coach_chat_saves_pictures_and_prints_their_path(tmp_path: Path) -> None:
    pictures = tmp_path / "pictures"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "chat",
        "--database", f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        "--pictures", str(pictures),
        cwd=tmp_path, env=_env(tmp_path),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    script = b"/today\n1\n/progress\n"
    stdout, stderr = await asyncio.wait_for(proc.communicate(script), timeout=90)
    out = stdout.decode()
    assert proc.returncode == 0, stderr.decode()
    saved = sorted(pictures.glob("*.png"))
    assert len(saved) == 1
    assert f"coach sent a file: {saved[0]}" in out
    assert saved[0].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
