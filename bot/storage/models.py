"""Tables. Times are stored as aware UTC instants; local dates and times as the person's own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraint names that Alembic batch mode on SQLite can find again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime in and out, whatever the backend keeps (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # by the person, optionally until a date
    INACTIVE = "inactive"  # blocked the bot or the account is gone


class SessionStatus(StrEnum):
    PENDING = "pending"  # claimed, not yet sent (the outbox)
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"  # too late to be useful


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language_code: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    reminder_time: Mapped[str] = mapped_column(String(5))  # local HH:MM
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_served_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE)
    paused_until: Mapped[date | None] = mapped_column(Date)
    focus: Mapped[str | None] = mapped_column(String(16))
    equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    contraindications: Mapped[list[str]] = mapped_column(JSON, default=list)
    strength_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    onboarding_step: Mapped[str | None] = mapped_column(String(16))  # None: not onboarding
    # Whether the set-up questions (the safety screen among them) were ever walked through.
    setup_completed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary_weekday: Mapped[int] = mapped_column(
        SmallInteger, default=6, server_default="6"
    )  # 0 Monday .. 6 Sunday
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        # The dispatcher's claim reads only this index: active users by due time.
        Index("ix_users_due", "status", "next_reminder_at"),
    )


class LadderProgress(Base):
    __tablename__ = "ladder_progress"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    ladder: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, default=1)
    dose_step: Mapped[int] = mapped_column(SmallInteger, default=0)
    clean_streak: Mapped[int] = mapped_column(SmallInteger, default=0)
    level_changed_on: Mapped[date | None] = mapped_column(Date)


class DailySession(Base):
    __tablename__ = "daily_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    focus: Mapped[str] = mapped_column(String(16))
    # No stretch on days when none is safe for the person's screen (pregnancy, for example).
    stretch_id: Mapped[str | None] = mapped_column(String(64))
    stretch_dose: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    strength_id: Mapped[str | None] = mapped_column(String(64))
    strength_dose: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    high_intensity: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=SessionStatus.PENDING)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    skipped: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # "skip today", said in time
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("user_id", "local_date"),
        Index("ix_daily_sessions_outbox", "status", "lease_until"),
        # Ids are never reused after /forget: an old message's button must not reach a new
        # session (SQLite would otherwise hand out the deleted rowid again).
        {"sqlite_autoincrement": True},
    )


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("daily_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    move_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    pain: Mapped[int | None] = mapped_column(SmallInteger)
    # The easier move offered after "too hard", so the edited message can be drawn again.
    offered_move_id: Mapped[str | None] = mapped_column(String(64))
    offered_dose: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # One answer per move of a session: a double tap records nothing new.
    __table_args__ = (UniqueConstraint("session_id", "move_id"), {"sqlite_autoincrement": True})


class RestDay(Base):
    """A day the person announced as rest in advance (/pause): it never breaks a streak."""

    __tablename__ = "rest_days"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)


class NudgeKind(StrEnum):
    SNOOZE = "snooze"  # send today's session again
    PAIN_CHECK = "pain_check"  # the next-morning question after "it hurt"
    WEEKLY_SUMMARY = "weekly_summary"


class Nudge(Base):
    """Any other timed message: a due time in a column, never an in-memory job per person."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("daily_sessions.id", ondelete="CASCADE")
    )
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_nudges_user_kind", "user_id", "kind"),
        {"sqlite_autoincrement": True},
    )
