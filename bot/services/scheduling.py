"""Schedule bookkeeping shared by the use cases that change when a person hears from us."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.schedule import local_date_of, next_reminder_at, occurrence
from bot.services.views import ScheduleView
from bot.storage.models import NudgeKind, UserStatus
from bot.storage.nudges import NudgeRepository
from bot.storage.repositories import Member, SessionRepository, UserRepository

SUMMARY_TIME = time(18, 0)


async def require_member(db: AsyncSession, user_id: int) -> Member:
    member = await UserRepository(db).get(user_id)
    if member is None:
        raise LookupError(f"user {user_id} vanished inside its own transaction")
    return member


async def ensure_member(
    db: AsyncSession,
    user_id: int,
    chat_id: int,
    language_code: str | None,
    now: datetime,
    *,
    default_zone: str,
    default_time: time,
) -> tuple[Member, bool]:
    """The person, created with defaults on first contact; chat and language kept current."""
    users = UserRepository(db)
    member = await users.get(user_id)
    if member is not None:
        if member.chat_id != chat_id or member.language_code != language_code:
            await users.update(user_id, now=now, chat_id=chat_id, language_code=language_code)
            member = await require_member(db, user_id)
        return member, False
    zone = ZoneInfo(default_zone)
    member = await users.create(
        user_id=user_id,
        chat_id=chat_id,
        language_code=language_code,
        timezone=zone.key,
        reminder_time=default_time,
        next_reminder_at=next_reminder_at(default_time, zone, now),
        now=now,
    )
    # Whatever their first message was (/start, /today, a location...), the week is summed up.
    await schedule_weekly_summary(db, member, now)
    return member, True


async def reschedule(
    db: AsyncSession,
    member: Member,
    now: datetime,
    *,
    status: UserStatus | None = None,
    rest_until: date | None = None,
) -> Member:
    """Recompute the next reminder; a local date already served is never served again.

    `rest_until` marks the days up to and including it as served (a pause announced ahead).
    """
    zone = ZoneInfo(member.timezone)
    last_served = member.last_served_date
    latest_due = await SessionRepository(db).latest_due_at(member.id)
    if latest_due is not None:
        # Read in the (possibly new) zone: after a move east, yesterday's send may already
        # fall on today's local date there, and today must not get a second one.
        seen = local_date_of(latest_due, zone)
        last_served = max(last_served, seen) if last_served else seen
    if rest_until is not None:
        last_served = max(last_served, rest_until) if last_served else rest_until
    values: dict[str, object] = {
        "next_reminder_at": next_reminder_at(
            member.reminder_time, zone, now, last_served=last_served
        ),
        "last_served_date": last_served,
    }
    if status is not None:
        values["status"] = status
    await UserRepository(db).update(member.id, now=now, **values)
    return await require_member(db, member.id)


def schedule_view(member: Member) -> ScheduleView:
    zone = ZoneInfo(member.timezone)
    local_next = member.next_reminder_at.astimezone(zone) if member.next_reminder_at else None
    return ScheduleView(
        timezone=member.timezone,
        reminder_time=member.reminder_time.strftime("%H:%M"),
        next_reminder_local=local_next,
        paused=member.status is UserStatus.PAUSED,
    )


async def schedule_weekly_summary(db: AsyncSession, member: Member, now: datetime) -> None:
    """(Re)schedule the person's weekly summary in their current zone."""
    await NudgeRepository(db).add(
        user_id=member.id,
        kind=NudgeKind.WEEKLY_SUMMARY,
        due_at=next_weekly(member, now),
        now=now,
        replace=True,
    )


def next_weekly(member: Member, now: datetime) -> datetime:
    """The next weekly summary: the person's chosen weekday at 18:00 their time."""
    zone = ZoneInfo(member.timezone)
    today = local_date_of(now, zone)
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() == member.summary_weekday:
            at = occurrence(day, SUMMARY_TIME, zone)
            if at > now:
                return at
    return occurrence(today + timedelta(days=7), SUMMARY_TIME, zone)
