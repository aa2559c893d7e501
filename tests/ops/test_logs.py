"""Structured logs: JSON lines or text, the update id on each line, secrets never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, current_update_id, wants_json

TOKEN = "123456:AAH-secretPartOfTheToken_xyz"
WEBHOOK_SECRET = "webhook-SECRET-value"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _log_everything_secret(log: logging.Logger) -> None:
    token_update = current_update_id.set(777)
    try:
        log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
        except RuntimeError:
            log.exception("start-up failed", extra={"header": WEBHOOK_SECRET, "user_id": 5})
    finally:
        current_update_id.reset(token_update)
    quoted_key = TOKEN.split(":")[1]
    log.warning("quoted url /bot123456%%3A%s/sendMessage", quoted_key)


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_the_update_id_and_no_secret() -> None:
    stream = io.StringIO()
    configure_logging(secrets=[TOKEN, WEBHOOK_SECRET], log_format="json", stream=stream)
    _log_everything_secret(logging.getLogger("bot.test"))
    written = stream.getvalue()
    assert TOKEN not in written
    assert TOKEN.split(":")[1] not in written
    assert WEBHOOK_SECRET not in written
    entries = [json.loads(line) for line in written.splitlines()]
    assert [e["level"] for e in entries] == ["INFO", "ERROR", "WARNING"]
    assert entries[0]["update_id"] == 777
    assert entries[0]["message"] == "calling https://api.telegram.org/bot[REDACTED]/getMe"
    assert entries[1]["update_id"] == 777
    assert entries[1]["user_id"] == 5
    assert entries[1]["header"] == "[REDACTED]"
    assert "RuntimeError: The token `[REDACTED]` was rejected" in entries[1]["exc"]
    assert "update_id" not in entries[2]
    assert entries[2]["message"] == "quoted url /bot123456%3A[REDACTED]/sendMessage"
    assert {"time", "logger"} <= entries[0].keys()


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_for_a_terminal_and_no_secret() -> None:
    stream = _Tty()
    configure_logging(secrets=[TOKEN, WEBHOOK_SECRET], stream=stream)  # auto: a TTY
    _log_everything_secret(logging.getLogger("bot.test"))
    written = stream.getvalue()
    assert TOKEN not in written
    assert TOKEN.split(":")[1] not in written
    assert WEBHOOK_SECRET not in written
    first = written.splitlines()[0]
    assert first.endswith(
        "INFO bot.test: calling https://api.telegram.org/bot[REDACTED]/getMe [update 777]"
    )
    assert "Traceback" in written
    with pytest.raises(json.JSONDecodeError):
        json.loads(first)


@pytest.mark.parametrize(
    ("setting", "tty", "expected"),
    [("auto", False, True), ("auto", True, False), ("json", True, True), ("text", False, False)],
)
def test_log_format_auto_is_json_unless_a_terminal(setting: str, tty: bool, expected: bool) -> None:
    assert wants_json(setting, _Tty() if tty else io.StringIO()) is expected


@pytest.mark.usefixtures("restore_logging")
def test_httpx_request_urls_stay_silent() -> None:
    stream = io.StringIO()
    configure_logging(secrets=[TOKEN], log_format="json", stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    assert stream.getvalue() == ""
