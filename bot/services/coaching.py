"""What a person does with their coach: start, get today's session, answer, set the schedule."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Library
from bot.domain.progression import apply_feedback
from bot.domain.schedule import local_date_of, next_reminder_at
from bot.domain.state import Outcome
from bot.services.clock import Clock
from bot.services.sessions import create_session, session_view
from bot.services.views import (
    FeedbackResult,
    FeedbackStatus,
    ScheduleView,
    SessionView,
    Slot,
    StartResult,
)
from bot.storage.models import UserStatus
from bot.storage.repositories import (
    FeedbackRepository,
    Member,
    ProgressRepository,
    SessionRepository,
    UserRepository,
    load_coach_state,
)


class CoachService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        library: Library,
        clock: Clock,
        *,
        default_timezone: str,
        default_reminder_time: time,
    ) -> None:
        self._sessions = sessions
        self._library = library
        self._clock = clock
        self._default_zone = default_timezone
        self._default_time = default_reminder_time

    async def start(self, user_id: int, chat_id: int, language_code: str | None) -> StartResult:
        """Record a person on their first /start; a returning person keeps their settings."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, is_new = await self._member(db, user_id, chat_id, language_code, now)
            if member.status is UserStatus.INACTIVE:
                # They came back after blocking the bot: reminders resume from the next day due.
                await self._reschedule(db, member, now, status=UserStatus.ACTIVE)
                member = await self._require(db, user_id)
            return StartResult(is_new=is_new, schedule=self._schedule_view(member))

    async def todays_session(
        self, user_id: int, chat_id: int, language_code: str | None
    ) -> SessionView:
        """Today's session now, made if it does not exist yet; defaults fill in the rest."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code, now)
            today = local_date_of(now, ZoneInfo(member.timezone))
            record = await SessionRepository(db).for_date(member.id, today)
            if record is None:
                record = await create_session(db, self._library, member, today, due_at=now, now=now)
                # Served by hand today: the daily reminder moves on to tomorrow.
                await self._reschedule(db, member, now)
            return await session_view(db, self._library, member, record)

    async def mark_sent(self, session_id: int, message_id: int) -> None:
        async with self._sessions.begin() as db:
            await SessionRepository(db).mark_sent(
                session_id, message_id=message_id, now=self._clock.now()
            )

    async def record_feedback(
        self,
        user_id: int,
        session_id: int,
        slot: Slot,
        outcome: Outcome,
        *,
        pain: int | None = None,
    ) -> FeedbackResult:
        """Record one answer about one move, once, and move the person's ladder."""
        now = self._clock.now()
        try:
            async with self._sessions.begin() as db:
                return await self._record(db, user_id, session_id, slot, outcome, pain, now)
        except IntegrityError:
            # Two taps raced past the check: the first one won, which is what we want.
            async with self._sessions.begin() as db:
                return await self._already(db, user_id, session_id, slot)

    async def set_reminder_time(
        self, user_id: int, chat_id: int, language_code: str | None, local: time
    ) -> ScheduleView:
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code, now)
            await UserRepository(db).update(user_id, now=now, reminder_time=local)
            member = await self._reschedule(db, await self._require(db, user_id), now)
            return self._schedule_view(member)

    async def set_timezone(
        self, user_id: int, chat_id: int, language_code: str | None, zone: ZoneInfo
    ) -> ScheduleView:
        now = self._clock.now()
        async with self._sessions.begin() as db:
            await self._member(db, user_id, chat_id, language_code, now)
            await UserRepository(db).update(user_id, now=now, timezone=zone.key)
            member = await self._reschedule(db, await self._require(db, user_id), now)
            return self._schedule_view(member)

    async def schedule(self, user_id: int) -> ScheduleView | None:
        async with self._sessions.begin() as db:
            member = await UserRepository(db).get(user_id)
            return None if member is None else self._schedule_view(member)

    # --- internals -------------------------------------------------------------------------

    async def _record(
        self,
        db: AsyncSession,
        user_id: int,
        session_id: int,
        slot: Slot,
        outcome: Outcome,
        pain: int | None,
        now: datetime,
    ) -> FeedbackResult:
        record = await SessionRepository(db).get(session_id)
        member = await UserRepository(db).get(user_id)
        if record is None or member is None or record.user_id != user_id:
            return FeedbackResult(FeedbackStatus.NOT_FOUND)
        move_id = record.stretch_id if slot is Slot.STRETCH else record.strength_id
        if move_id is None:
            return FeedbackResult(FeedbackStatus.NOT_FOUND)
        feedback = FeedbackRepository(db)
        if move_id in await feedback.answers(session_id):
            return await self._already(db, user_id, session_id, slot)
        today = local_date_of(now, ZoneInfo(member.timezone))
        state = await load_coach_state(db, member, today)
        result = apply_feedback(self._library, state, move_id, outcome, today=today, pain=pain)
        changed = [
            pos
            for ladder, pos in result.state.positions.items()
            if state.positions.get(ladder) != pos
        ]
        await ProgressRepository(db).save(user_id, changed)
        if result.state.profile != member.profile:
            await UserRepository(db).save_profile(user_id, result.state.profile, now=now)
        offered = result.easier if outcome is Outcome.TOO_HARD else None
        await feedback.add(
            session_id=session_id,
            user_id=user_id,
            move_id=move_id,
            outcome=outcome,
            pain=pain,
            offered_move_id=offered.move.id if offered else None,
            offered_dose=offered.dose if offered else None,
            now=now,
        )
        member = await self._require(db, user_id)
        view = await session_view(db, self._library, member, record)
        return FeedbackResult(
            FeedbackStatus.RECORDED,
            session=view,
            slot=slot,
            red_flag=result.red_flag,
            check_next_morning=result.check_next_morning,
        )

    async def _already(
        self, db: AsyncSession, user_id: int, session_id: int, slot: Slot
    ) -> FeedbackResult:
        record = await SessionRepository(db).get(session_id)
        member = await UserRepository(db).get(user_id)
        if record is None or member is None or record.user_id != user_id:
            return FeedbackResult(FeedbackStatus.NOT_FOUND)
        view = await session_view(db, self._library, member, record)
        return FeedbackResult(FeedbackStatus.ALREADY_ANSWERED, session=view, slot=slot)

    async def _member(
        self,
        db: AsyncSession,
        user_id: int,
        chat_id: int,
        language_code: str | None,
        now: datetime,
    ) -> tuple[Member, bool]:
        users = UserRepository(db)
        member = await users.get(user_id)
        if member is not None:
            if member.chat_id != chat_id or member.language_code != language_code:
                await users.update(user_id, now=now, chat_id=chat_id, language_code=language_code)
                member = await self._require(db, user_id)
            return member, False
        zone = ZoneInfo(self._default_zone)
        member = await users.create(
            user_id=user_id,
            chat_id=chat_id,
            language_code=language_code,
            timezone=zone.key,
            reminder_time=self._default_time,
            next_reminder_at=next_reminder_at(self._default_time, zone, now),
            now=now,
        )
        return member, True

    async def _require(self, db: AsyncSession, user_id: int) -> Member:
        member = await UserRepository(db).get(user_id)
        if member is None:
            raise LookupError(f"user {user_id} vanished inside its own transaction")
        return member

    async def _reschedule(
        self,
        db: AsyncSession,
        member: Member,
        now: datetime,
        *,
        status: UserStatus | None = None,
    ) -> Member:
        """Recompute the next reminder; a local date already served is never served again."""
        zone = ZoneInfo(member.timezone)
        last_served = member.last_served_date
        latest_due = await SessionRepository(db).latest_due_at(member.id)
        if latest_due is not None:
            # Read in the (possibly new) zone: after a move east, yesterday's send may already
            # fall on today's local date there, and today must not get a second one.
            seen = local_date_of(latest_due, zone)
            last_served = max(last_served, seen) if last_served else seen
        values: dict[str, object] = {
            "next_reminder_at": next_reminder_at(
                member.reminder_time, zone, now, last_served=last_served
            ),
            "last_served_date": last_served,
        }
        if status is not None:
            values["status"] = status
        await UserRepository(db).update(member.id, now=now, **values)
        return await self._require(db, member.id)

    @staticmethod
    def _schedule_view(member: Member) -> ScheduleView:
        zone = ZoneInfo(member.timezone)
        local_next = member.next_reminder_at.astimezone(zone) if member.next_reminder_at else None
        return ScheduleView(
            timezone=member.timezone,
            reminder_time=member.reminder_time.strftime("%H:%M"),
            next_reminder_local=local_next,
        )
