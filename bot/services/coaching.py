"""What a person does with their coach: start, today's session, answers, pauses, extras."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Area, Kind, Library
from bot.domain.planner import PlanningError, plan_extra
from bot.domain.progression import apply_feedback, morning_check, resume_strength
from bot.domain.schedule import local_date_of, occurrence
from bot.domain.state import Outcome, Prescription
from bot.services.clock import Clock
from bot.services.scheduling import (
    ensure_member,
    next_weekly,
    require_member,
    reschedule,
    schedule_view,
    schedule_weekly_summary,
)
from bot.services.sessions import create_session, plan_seed, session_view
from bot.services.views import (
    FeedbackResult,
    FeedbackStatus,
    MorningCheckResult,
    PauseResult,
    ScheduleView,
    SessionView,
    Slot,
    SnoozeResult,
    StartResult,
)
from bot.storage.models import NudgeKind, UserStatus
from bot.storage.nudges import NudgeRepository, RestDayRepository
from bot.storage.repositories import (
    FeedbackRepository,
    Member,
    ProgressRepository,
    SessionRecord,
    SessionRepository,
    UserRepository,
    load_coach_state,
)

EVENING = time(19, 0)
MORNING_CHECK = time(9, 0)
MAX_PAUSE_DAYS = 60
# A pain-check nudge with this payload flag is a morning question sent and not yet answered;
# when it comes due (the next morning) unanswered, it lapses.
OPEN_QUESTION = "open"


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

    async def _member(
        self, db: AsyncSession, user_id: int, chat_id: int, lang: str | None
    ) -> tuple[Member, bool]:
        return await ensure_member(
            db,
            user_id,
            chat_id,
            lang,
            self._clock.now(),
            default_zone=self._default_zone,
            default_time=self._default_time,
        )

    # --- start and the daily session ------------------------------------------------------

    async def start(
        self, user_id: int, chat_id: int, language_code: str | None, *, focus: Area | None = None
    ) -> StartResult:
        """Record a person on their first /start; a returning person keeps their settings."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, is_new = await self._member(db, user_id, chat_id, language_code)
            if member.status is UserStatus.INACTIVE:
                # They came back after blocking the bot: reminders resume from the next day due.
                member = await reschedule(db, member, now, status=UserStatus.ACTIVE)
            if focus is not None:
                await UserRepository(db).update(user_id, now=now, focus=focus.value)
            return StartResult(
                is_new=is_new,
                schedule=schedule_view(member),
                needs_setup=not member.setup_completed,
            )

    async def todays_session(
        self, user_id: int, chat_id: int, language_code: str | None
    ) -> SessionView:
        """Today's session now, made if it does not exist yet; defaults fill in the rest."""
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            record = await self._today(db, member, create=True)
            assert record is not None
            return await session_view(db, self._library, member, record)

    async def mark_sent(self, session_id: int, message_id: int) -> None:
        async with self._sessions.begin() as db:
            await SessionRepository(db).mark_sent(
                session_id, message_id=message_id, now=self._clock.now()
            )

    async def _today(
        self, db: AsyncSession, member: Member, *, create: bool
    ) -> SessionRecord | None:
        now = self._clock.now()
        today = local_date_of(now, ZoneInfo(member.timezone))
        record = await SessionRepository(db).for_date(member.id, today)
        if record is None and create:
            record = await create_session(db, self._library, member, today, due_at=now, now=now)
            # Served by hand today: the daily reminder moves on to tomorrow.
            await reschedule(db, member, now)
        return record

    # --- answers --------------------------------------------------------------------------

    async def record_feedback(
        self,
        user_id: int,
        session_id: int,
        slot: Slot,
        outcome: Outcome,
        *,
        pain: int | None = None,
        red_flag: bool = False,
    ) -> FeedbackResult:
        """Record one answer about one move, once, and move the person's ladder."""
        try:
            async with self._sessions.begin() as db:
                return await self._record(db, user_id, session_id, slot, outcome, pain, red_flag)
        except IntegrityError:
            # Two taps raced past the check: the first one won, which is what we want.
            async with self._sessions.begin() as db:
                return await self._already(db, user_id, session_id, slot)

    async def answer_in_words(
        self,
        user_id: int,
        chat_id: int,
        language_code: str | None,
        outcome: Outcome,
        *,
        pain: int | None = None,
        red_flag: bool = False,
    ) -> FeedbackResult:
        """A typed "done" or "too hard": it is about today's first move not yet answered.

        A red flag is about the strength move when there is one, answered or not.
        """
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            record = await self._today(db, member, create=False)
            if record is None:
                if red_flag:
                    await self._pause_strength(db, member)
                return FeedbackResult(FeedbackStatus.NO_SESSION, red_flag=red_flag)
            answered = await FeedbackRepository(db).answers(record.id)
            slots = [(Slot.STRETCH, record.stretch_id), (Slot.STRENGTH, record.strength_id)]
            open_slots = [s for s, move in slots if move is not None and move not in answered]
        if red_flag and record.strength_id is not None:
            if record.strength_id in answered:
                async with self._sessions.begin() as db:
                    await self._pause_strength(db, await require_member(db, user_id))
                return FeedbackResult(FeedbackStatus.ALREADY_ANSWERED, red_flag=True)
            return await self.record_feedback(
                user_id, record.id, Slot.STRENGTH, Outcome.HURT, pain=pain, red_flag=True
            )
        if not open_slots:
            return FeedbackResult(FeedbackStatus.ALREADY_ANSWERED, red_flag=red_flag)
        return await self.record_feedback(
            user_id, record.id, open_slots[0], outcome, pain=pain, red_flag=red_flag
        )

    async def _pause_strength(self, db: AsyncSession, member: Member) -> None:
        if not member.profile.strength_paused:
            profile = replace(member.profile, strength_paused=True)
            await UserRepository(db).save_profile(member.id, profile, now=self._clock.now())

    async def _record(
        self,
        db: AsyncSession,
        user_id: int,
        session_id: int,
        slot: Slot,
        outcome: Outcome,
        pain: int | None,
        red_flag: bool,
    ) -> FeedbackResult:
        now = self._clock.now()
        record = await SessionRepository(db).get(session_id)
        member = await UserRepository(db).get(user_id)
        if record is None or member is None or record.user_id != user_id:
            return FeedbackResult(FeedbackStatus.NOT_FOUND)
        move_id = record.stretch_id if slot is Slot.STRETCH else record.strength_id
        if move_id is None or move_id not in self._library.moves:
            return FeedbackResult(FeedbackStatus.NOT_FOUND)
        feedback = FeedbackRepository(db)
        if move_id in await feedback.answers(session_id):
            return await self._already(db, user_id, session_id, slot)
        today = local_date_of(now, ZoneInfo(member.timezone))
        state = await load_coach_state(db, member, today)
        result = apply_feedback(
            self._library, state, move_id, outcome, today=today, pain=pain, red_flag=red_flag
        )
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
        if result.check_next_morning and not result.red_flag:
            zone = ZoneInfo(member.timezone)
            # No score given: 4 is the lowest pain that already counts as "it hurt".
            await ask_next_morning(db, user_id, session_id, today, zone, now, pain=pain or 4)
        member = await require_member(db, user_id)
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

    async def session_for(self, user_id: int, session_id: int) -> SessionView | None:
        """A session as its owner sees it; None for anyone else's or a deleted one."""
        async with self._sessions.begin() as db:
            record = await SessionRepository(db).get(session_id)
            member = await UserRepository(db).get(user_id)
            if record is None or member is None or record.user_id != user_id:
                return None
            return await session_view(db, self._library, member, record)

    async def morning_check(
        self, user_id: int, session_id: int, pain_before: int, worse_before: bool, pain_now: int
    ) -> MorningCheckResult | None:
        """The next-morning answer after "it hurt": less load if worse, a red flag if worse
        two mornings running or above 5 of 10 (EVIDENCE.md stop rules)."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            record = await SessionRepository(db).get(session_id)
            member = await UserRepository(db).get(user_id)
            if record is None or member is None or record.user_id != user_id:
                return None
            # Each question is answered once: a double tap, or yesterday's question tapped
            # again, finds no open question and changes nothing.
            question = (session_id, pain_before, worse_before)
            if not await self._close_morning_question(db, user_id, *question):
                return None
            hurt_moves = [
                a.move_id
                for a in (await FeedbackRepository(db).answers(session_id)).values()
                if a.outcome is Outcome.HURT or (a.pain or 0) > 3
            ]
            if not hurt_moves or hurt_moves[0] not in self._library.moves:
                return None
            ladder = self._library.ladders[self._library.move(hurt_moves[0]).ladder]
            zone = ZoneInfo(member.timezone)
            today = local_date_of(now, zone)
            state = await load_coach_state(db, member, today)
            result = morning_check(
                state,
                ladder,
                pain_now,
                pain_before,
                today=today,
                previous_morning_worse=worse_before,
            )
            position = result.state.positions.get(ladder.id)
            if position is not None and position != state.positions.get(ladder.id):
                await ProgressRepository(db).save(user_id, [position])
            if result.state.profile != member.profile:
                await UserRepository(db).save_profile(user_id, result.state.profile, now=now)
            if result.check_again:
                await ask_next_morning(
                    db, user_id, session_id, today, zone, now, pain=pain_now, worse=result.worse
                )
            return MorningCheckResult(
                worse=result.worse, red_flag=result.red_flag, check_again=result.check_again
            )

    @staticmethod
    async def _close_morning_question(
        db: AsyncSession, user_id: int, session_id: int, pain_before: int, worse_before: bool
    ) -> bool:
        nudges = NudgeRepository(db)
        for nudge in await nudges.pending(user_id, NudgeKind.PAIN_CHECK):
            payload = nudge.payload
            if (
                nudge.session_id == session_id
                and payload.get(OPEN_QUESTION)
                and payload.get("pain") == pain_before
                and bool(payload.get("worse")) == worse_before
            ):
                return await nudges.remove(nudge.id)
        return False

    # --- the rest of the day --------------------------------------------------------------

    async def skip_today(
        self,
        user_id: int,
        chat_id: int,
        language_code: str | None,
        *,
        session_id: int | None = None,
    ) -> bool:
        """Mark today as a rest day said in advance; True if today had a session to skip.

        With `session_id` (the button under a session message) nothing happens unless that
        session is today's: an older message's "Skip today" must not skip another day.
        """
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            today = local_date_of(now, ZoneInfo(member.timezone))
            record = await SessionRepository(db).for_date(member.id, today)
            if session_id is not None and (record is None or record.id != session_id):
                return False
            if record is not None:
                await SessionRepository(db).set_skipped(record.id)
            await RestDayRepository(db).add(user_id, [today])
            await reschedule(db, member, now, rest_until=today)
            return record is not None

    async def snooze(self, user_id: int, session_id: int, *, evening: bool) -> SnoozeResult | None:
        """Send this session again in an hour, or this evening."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            record = await SessionRepository(db).get(session_id)
            member = await UserRepository(db).get(user_id)
            if record is None or member is None or record.user_id != user_id:
                return None
            zone = ZoneInfo(member.timezone)
            due = now + timedelta(hours=1)
            if evening:
                tonight = occurrence(local_date_of(now, zone), EVENING, zone)
                due = tonight if tonight > now else due
            if local_date_of(due, zone) != record.local_date:
                return SnoozeResult(ok=False, at=due.astimezone(zone))
            await NudgeRepository(db).add(
                user_id=user_id,
                kind=NudgeKind.SNOOZE,
                due_at=due,
                now=now,
                session_id=session_id,
                replace=True,
            )
            return SnoozeResult(ok=True, at=due.astimezone(zone))

    async def extra_move(
        self, user_id: int, chat_id: int, language_code: str | None, area: Area | None
    ) -> Prescription | None:
        """One extra move for an area, now: a gentle one, so it never adds a hard day."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            today = local_date_of(now, ZoneInfo(member.timezone))
            state = await load_coach_state(db, member, today)
        rng = plan_seed(user_id, today)
        rng.random()  # not the day's own plan draw
        kinds = (
            [Kind.STRENGTH, Kind.STRETCH] if rng.random() < 0.5 else [Kind.STRETCH, Kind.STRENGTH]
        )
        for kind in kinds:
            try:
                return plan_extra(self._library, state, area or state.profile.focus, kind, rng)
            except PlanningError:
                continue
        return None

    async def todays_view(
        self, user_id: int, chat_id: int, language_code: str | None
    ) -> SessionView | None:
        """Today's session if there is one, without making it (for /why)."""
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            record = await self._today(db, member, create=False)
            return None if record is None else await session_view(db, self._library, member, record)

    async def set_focus(
        self, user_id: int, chat_id: int, language_code: str | None, area: Area | None
    ) -> None:
        async with self._sessions.begin() as db:
            await self._member(db, user_id, chat_id, language_code)
            await UserRepository(db).update(
                user_id, now=self._clock.now(), focus=area.value if area else None
            )

    async def pause(
        self, user_id: int, chat_id: int, language_code: str | None, days: int | None
    ) -> PauseResult:
        """No daily sessions for N days (rest days that keep the streak), or until /resume."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            if days is None:
                member = await reschedule(db, member, now, status=UserStatus.PAUSED)
                return PauseResult(days=None, schedule=schedule_view(member))
            days = max(1, min(days, MAX_PAUSE_DAYS))
            zone = ZoneInfo(member.timezone)
            today = local_date_of(now, zone)
            first = today
            if await SessionRepository(db).for_date(user_id, today) is not None:
                first = today + timedelta(days=1)  # today's session is already out
            rest = [first + timedelta(days=i) for i in range(days)]
            await RestDayRepository(db).add(user_id, rest)
            member = await reschedule(
                db, member, now, status=UserStatus.ACTIVE, rest_until=rest[-1]
            )
            return PauseResult(days=days, schedule=schedule_view(member))

    async def resume(self, user_id: int, chat_id: int, language_code: str | None) -> PauseResult:
        """Daily sessions again, and strength work again if a red flag had paused it."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member, _ = await self._member(db, user_id, chat_id, language_code)
            today = local_date_of(now, ZoneInfo(member.timezone))
            state = resume_strength(await load_coach_state(db, member, today))
            if state.profile != member.profile:
                await UserRepository(db).save_profile(user_id, state.profile, now=now)
            member = await reschedule(db, member, now, status=UserStatus.ACTIVE)
            return PauseResult(days=0, schedule=schedule_view(member))

    async def set_reminder_time(
        self, user_id: int, chat_id: int, language_code: str | None, local: time
    ) -> ScheduleView:
        now = self._clock.now()
        async with self._sessions.begin() as db:
            await self._member(db, user_id, chat_id, language_code)
            await UserRepository(db).update(user_id, now=now, reminder_time=local)
            member = await reschedule(db, await require_member(db, user_id), now)
            return schedule_view(member)

    async def set_timezone(
        self, user_id: int, chat_id: int, language_code: str | None, zone: ZoneInfo
    ) -> ScheduleView:
        now = self._clock.now()
        async with self._sessions.begin() as db:
            await self._member(db, user_id, chat_id, language_code)
            await UserRepository(db).update(user_id, now=now, timezone=zone.key)
            member = await reschedule(db, await require_member(db, user_id), now)
            await schedule_weekly_summary(db, member, now)
            return schedule_view(member)

    async def set_summary_day(
        self, user_id: int, chat_id: int, language_code: str | None, weekday: int
    ) -> datetime:
        """Move the weekly summary to another weekday (0 Monday .. 6 Sunday); its next time."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            await self._member(db, user_id, chat_id, language_code)
            await UserRepository(db).update(user_id, now=now, summary_weekday=weekday)
            member = await require_member(db, user_id)
            await schedule_weekly_summary(db, member, now)
            return next_weekly(member, now).astimezone(ZoneInfo(member.timezone))

    async def set_reachable(self, user_id: int, *, reachable: bool) -> None:
        """Blocked: no more daily sessions. Unblocked: they resume from the next one due."""
        now = self._clock.now()
        async with self._sessions.begin() as db:
            member = await UserRepository(db).get(user_id)
            if member is None:
                return
            if not reachable:
                await UserRepository(db).update(user_id, now=now, status=UserStatus.INACTIVE)
            elif member.status is UserStatus.INACTIVE:
                await reschedule(db, member, now, status=UserStatus.ACTIVE)

    async def schedule(self, user_id: int) -> ScheduleView | None:
        async with self._sessions.begin() as db:
            member = await UserRepository(db).get(user_id)
            return None if member is None else schedule_view(member)


async def ask_next_morning(
    db: AsyncSession,
    user_id: int,
    session_id: int,
    today: date,
    zone: ZoneInfo,
    now: datetime,
    *,
    pain: int,
    worse: bool = False,
) -> None:
    """Schedule tomorrow morning's "how does it feel now?" (EVIDENCE.md pain monitoring)."""
    await NudgeRepository(db).add(
        user_id=user_id,
        kind=NudgeKind.PAIN_CHECK,
        due_at=occurrence(today + timedelta(days=1), MORNING_CHECK, zone),
        now=now,
        session_id=session_id,
        payload={"pain": pain, "worse": worse},
        replace=True,
    )
