"""Logging set-up: JSON lines for machines, readable lines for people, secrets never written.

`LOG_FORMAT=auto` (the default) writes one JSON object a line when stderr is not a terminal
(a container, systemd, a pipe) and readable text when it is. Every record carries the id of
the update being handled, when there is one, and the bot token and webhook secret are
replaced by `[REDACTED]` in the message, the traceback and every extra field.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "[REDACTED]"

# Set while an update is handled (bot/telegram/instrumentation.py), read by every log record.
current_update_id: ContextVar[int | None] = ContextVar("current_update_id", default=None)

# The attributes every LogRecord has; anything else came from `extra=` (uvicorn adds a
# terminal-coloured copy of its message, which a JSON line does not need).
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "update_id",
    "color_message",
}


def secret_variants(secrets: Iterable[str | None]) -> list[str]:
    """The secrets and their telling parts, longest first, so no piece of one survives alone.

    A bot token is `<bot id>:<key>`; the key alone is what matters, and it is what may appear
    once a URL is quoted (`123%3Akey`).
    """
    found: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        found.add(secret)
        _, colon, key = secret.partition(":")
        if colon and len(key) >= 8:
            found.add(key)
    return sorted(found, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactSecrets(logging.Filter):
    """Scrub every known secret from a record's final text, its traceback and its extras.

    Also stamps the record with the update id being handled (None outside an update).
    """

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._secrets = secret_variants(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "update_id"):
            record.update_id = current_update_id.get()
        message = record.getMessage()
        if record.exc_info:
            # Format the traceback here, once, so the secret can be taken out of it.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        record.msg = redact(message, self._secrets)
        record.args = None
        for name, value in list(record.__dict__.items()):
            if name not in _RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, redact(value, self._secrets))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, update_id, extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        update_id = getattr(record, "update_id", None)
        if update_id is not None:
            entry["update_id"] = update_id
        for name, value in record.__dict__.items():
            if name not in _RECORD_FIELDS and not name.startswith("_"):
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal, with the update id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        update_id = getattr(record, "update_id", None)
        if update_id is None:
            return line
        head, sep, rest = line.partition("\n")
        return f"{head} [update {update_id}]{sep}{rest}"


def wants_json(log_format: str, stream: TextIO) -> bool:
    """`json`, `text`, or `auto`: JSON unless the stream is an interactive terminal."""
    if log_format == "json":
        return True
    if log_format == "text":
        return False
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def configure_logging(
    *,
    secrets: Iterable[str | None] = (),
    level: int | str = logging.INFO,
    log_format: str = "auto",
    stream: TextIO | None = None,
) -> None:
    stream = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if wants_json(log_format, stream) else TextFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # One line per webhook request is noise; failures are logged and counted by the bot.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
