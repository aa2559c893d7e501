"""Settings from the environment and an optional `.env`, validated once at start."""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.schedule import is_valid_zone_name

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coach.db"
_TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
# What Telegram accepts as setWebhook's secret_token.
_WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Paths the operations server answers itself; the webhook path must not shadow them.
RESERVED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class LogFormat(StrEnum):
    AUTO = "auto"  # JSON lines when stderr is not a terminal, readable text when it is
    JSON = "json"
    TEXT = "text"


class Settings(BaseSettings):
    """Everything the bot reads from its environment. Nothing connects at import time."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    database_url: str = DEFAULT_DATABASE_URL
    dispatch_interval_seconds: float = Field(default=15.0, gt=0, le=3600)
    dispatch_batch_size: int = Field(default=200, ge=1, le=10_000)
    default_timezone: str = "UTC"
    default_reminder_time: str = "08:00"
    send_rate_per_second: float = Field(default=25.0, gt=0, le=1000)
    migrate_on_start: bool = True
    content_dir: Path | None = None
    admin_user_ids: list[int] = Field(default_factory=list)

    # Updates handled at once, across people; one person's updates always run one at a time.
    update_concurrency: int = Field(default=32, ge=1, le=1024)
    # Per-person token bucket: a burst of this many updates, refilled at this rate. Over it,
    # updates are dropped and the person gets one "slow down" notice per episode.
    person_rate_burst: int = Field(default=20, ge=1, le=1_000_000)
    person_rate_per_second: float = Field(default=2.0, gt=0, le=1000)

    # Webhook mode (set WEBHOOK_URL) and the operations server; see docs/OPERATIONS.md.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    webhook_path: str | None = None  # default: the path of WEBHOOK_URL
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    metrics_listen: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    log_format: LogFormat = LogFormat.AUTO
    log_level: str = "INFO"

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _TOKEN_SHAPE.match(value.get_secret_value()):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _zone_is_iana(cls, value: str) -> str:
        if not is_valid_zone_name(value):
            raise ValueError(f"{value!r} is not an IANA time zone name such as Europe/Lisbon")
        return value

    @field_validator("default_reminder_time")
    @classmethod
    def _time_shape(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError(f"{value!r} is not a 24-hour HH:MM time")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user@host/db"
            )
        return value

    @field_validator("telegram_api_base_url", "telegram_api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_https(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError("must be the public https:// address Telegram posts updates to")
        if parts.path in RESERVED_PATHS:
            raise ValueError("its path must not be /healthz, /readyz or /metrics")
        _refuse_token(value, info)
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            value = None
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError(
                    "is required when WEBHOOK_URL is set: 1 to 256 letters, digits, _ or -"
                )
            return None
        if not _WEBHOOK_SECRET_SHAPE.match(value.get_secret_value()):
            # Never echo the value.
            raise ValueError("must be 1 to 256 characters: letters, digits, _ or -")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        if not value.startswith("/") or value in RESERVED_PATHS:
            raise ValueError("must start with / and not be /healthz, /readyz or /metrics")
        _refuse_token(value, info)
        return value

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_listen", "metrics_listen")
    @classmethod
    def _ip_address(cls, value: str) -> str:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address such as 127.0.0.1 or 0.0.0.0"
            ) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    @property
    def webhook_secret_value(self) -> str | None:
        return None if self.webhook_secret is None else self.webhook_secret.get_secret_value()

    @property
    def webhook_route(self) -> str:
        """The path the server answers Telegram on: WEBHOOK_PATH, else WEBHOOK_URL's path."""
        if self.webhook_path:
            return self.webhook_path
        return urlsplit(self.webhook_url or "").path or "/"

    @property
    def secrets(self) -> list[str]:
        """Every secret value the logs must never show."""
        return [s for s in (self.token, self.webhook_secret_value) if s]

    @property
    def token(self) -> str | None:
        return (
            None if self.telegram_bot_token is None else self.telegram_bot_token.get_secret_value()
        )


def _refuse_token(value: str, info: ValidationInfo) -> None:
    """A webhook address is logged and shown by proxies: it must not carry the bot token."""
    token = info.data.get("telegram_bot_token")
    if isinstance(token, SecretStr) and token.get_secret_value().split(":")[-1] in value:
        raise ValueError("must not contain the bot token; use any other path")


class SettingsError(Exception):
    """Settings failed validation; the message names each bad variable, never a secret value."""


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_input=False, include_url=False):
            name = "_".join(str(part) for part in err["loc"]).upper()
            lines.append(f"{name}: {err['msg']}")
        raise SettingsError("Invalid settings:\n  " + "\n  ".join(lines)) from None


@cache
def get_settings() -> Settings:
    return load_settings()
