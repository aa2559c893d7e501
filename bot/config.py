"""Settings from the environment and an optional `.env`, validated once at start."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.schedule import is_valid_zone_name

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/coach.db"
_TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")


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

    @property
    def token(self) -> str | None:
        return (
            None if self.telegram_bot_token is None else self.telegram_bot_token.get_secret_value()
        )


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
