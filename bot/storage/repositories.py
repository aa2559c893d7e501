"""Repositories: the only place that speaks SQL. They take an AsyncSession and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import BigInteger, Date, Row, bindparam, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.library import Area, Contraindication, Dose, Equipment
from bot.domain.state import CoachState, LadderPosition, Outcome, PastDay, Plan, Profile
from bot.storage.models import (
    DailySession,
    Feedback,
    LadderProgress,
    SessionStatus,
    User,
    UserStatus,
    UTCDateTime,
)

HISTORY_DAYS = 14


@dataclass(frozen=True, slots=True)
class Member:
    """A person as the services see them: schedule, status and coaching profile."""

    id: int
    chat_id: int
    language_code: str | None
    timezone: str
    reminder_time: time
    next_reminder_at: datetime | None
    last_served_date: date | None
    status: UserStatus
    paused_until: date | None
    profile: Profile
    summary_weekday: int = 6  # 0 Monday .. 6 Sunday
    setup_completed: bool = False


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    user_id: int
    local_date: date
    focus: Area
    stretch_id: str | None
    stretch_dose: Dose | None
    strength_id: str | None
    strength_dose: Dose | None
    high_intensity: bool
    status: SessionStatus
    attempts: int
    due_at: datetime
    telegram_message_id: int | None
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    move_id: str
    outcome: Outcome
    pain: int | None
    offered_move_id: str | None
    offered_dose: Dose | None


def dose_to_json(dose: Dose) -> dict[str, Any]:
    return {
        "sets": dose.sets,
        "hold_seconds": dose.hold_seconds,
        "reps": dose.reps,
        "per_side": dose.per_side,
    }


def dose_from_json(data: dict[str, Any]) -> Dose:
    return Dose(
        sets=int(data["sets"]),
        hold_seconds=data.get("hold_seconds"),
        reps=data.get("reps"),
        per_side=bool(data.get("per_side", False)),
    )


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


# The columns `_member` reads: a claim fetches only these (on SQLite each timestamp is text
# parsed in Python, so the unused ones are not free).
MEMBER_COLUMNS = (
    "id",
    "chat_id",
    "language_code",
    "timezone",
    "reminder_time",
    "next_reminder_at",
    "last_served_date",
    "status",
    "paused_until",
    "focus",
    "equipment",
    "contraindications",
    "strength_paused",
    "summary_weekday",
    "setup_completed",
)


def _member(row: User | Row[Any]) -> Member:
    profile = Profile(
        focus=Area(row.focus) if row.focus else None,
        equipment=frozenset(Equipment(e) for e in row.equipment) | {Equipment.NONE},
        contraindications=frozenset(Contraindication(c) for c in row.contraindications),
        strength_paused=row.strength_paused,
    )
    return Member(
        id=row.id,
        chat_id=row.chat_id,
        language_code=row.language_code,
        timezone=row.timezone,
        reminder_time=_hhmm(row.reminder_time),
        next_reminder_at=row.next_reminder_at,
        last_served_date=row.last_served_date,
        status=UserStatus(row.status),
        paused_until=row.paused_until,
        profile=profile,
        summary_weekday=row.summary_weekday,
        setup_completed=row.setup_completed,
    )


def _session(row: DailySession) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        user_id=row.user_id,
        local_date=row.local_date,
        focus=Area(row.focus),
        stretch_id=row.stretch_id,
        stretch_dose=dose_from_json(row.stretch_dose) if row.stretch_dose else None,
        strength_id=row.strength_id,
        strength_dose=dose_from_json(row.strength_dose) if row.strength_dose else None,
        high_intensity=row.high_intensity,
        status=SessionStatus(row.status),
        attempts=row.attempts,
        due_at=row.due_at,
        telegram_message_id=row.telegram_message_id,
        skipped=row.skipped,
    )


class UserRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, user_id: int) -> Member | None:
        row = await self.db.get(User, user_id)
        return None if row is None else _member(row)

    async def create(
        self,
        *,
        user_id: int,
        chat_id: int,
        language_code: str | None,
        timezone: str,
        reminder_time: time,
        next_reminder_at: datetime | None,
        now: datetime,
    ) -> Member:
        row = User(
            id=user_id,
            chat_id=chat_id,
            language_code=language_code,
            timezone=timezone,
            reminder_time=reminder_time.strftime("%H:%M"),
            next_reminder_at=next_reminder_at,
            status=UserStatus.ACTIVE,
            equipment=[],
            contraindications=[],
            strength_paused=False,
            created_at=now,
            updated_at=now,
        )
        self.db.add(row)
        await self.db.flush()
        return _member(row)

    async def update(self, user_id: int, *, now: datetime, **values: Any) -> None:
        """Set columns by name; enum and time values are stored as their plain forms."""
        stored = {
            key: (value.strftime("%H:%M") if isinstance(value, time) else value)
            for key, value in values.items()
        }
        await self.db.execute(
            update(User).where(User.id == user_id).values(**stored, updated_at=now)
        )

    async def save_profile(self, user_id: int, profile: Profile, *, now: datetime) -> None:
        await self.update(
            user_id,
            now=now,
            focus=profile.focus.value if profile.focus else None,
            equipment=sorted(e.value for e in profile.equipment if e is not Equipment.NONE),
            contraindications=sorted(c.value for c in profile.contraindications),
            strength_paused=profile.strength_paused,
        )

    async def onboarding_step(self, user_id: int) -> str | None:
        step: str | None = await self.db.scalar(
            select(User.onboarding_step).where(User.id == user_id)
        )
        return step

    async def delete(self, user_id: int) -> None:
        await self.db.execute(delete(User).where(User.id == user_id))


class ProgressRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def positions(self, user_id: int) -> dict[str, LadderPosition]:
        rows = await self.db.scalars(
            select(LadderProgress).where(LadderProgress.user_id == user_id)
        )
        return {
            r.ladder: LadderPosition(
                ladder=r.ladder,
                level=r.level,
                dose_step=r.dose_step,
                clean_streak=r.clean_streak,
                level_changed_on=r.level_changed_on,
            )
            for r in rows
        }

    async def save(self, user_id: int, positions: Sequence[LadderPosition]) -> None:
        for pos in positions:
            row = await self.db.get(LadderProgress, (user_id, pos.ladder))
            if row is None:
                row = LadderProgress(user_id=user_id, ladder=pos.ladder)
                self.db.add(row)
            row.level = pos.level
            row.dose_step = pos.dose_step
            row.clean_streak = pos.clean_streak
            row.level_changed_on = pos.level_changed_on
        await self.db.flush()


class SessionRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, session_id: int) -> SessionRecord | None:
        row = await self.db.get(DailySession, session_id)
        return None if row is None else _session(row)

    async def for_date(self, user_id: int, local_date: date) -> SessionRecord | None:
        row = await self.db.scalar(
            select(DailySession).where(
                DailySession.user_id == user_id, DailySession.local_date == local_date
            )
        )
        return None if row is None else _session(row)

    async def latest_due_at(self, user_id: int) -> datetime | None:
        return await self.db.scalar(
            select(DailySession.due_at)
            .where(DailySession.user_id == user_id)
            .order_by(DailySession.local_date.desc())
            .limit(1)
        )

    async def recent(self, user_id: int, before: date) -> tuple[PastDay, ...]:
        rows = await self.db.execute(
            select(
                DailySession.local_date,
                DailySession.stretch_id,
                DailySession.strength_id,
                DailySession.high_intensity,
            )
            .where(
                DailySession.user_id == user_id,
                DailySession.local_date < before,
                DailySession.status.in_([SessionStatus.SENT, SessionStatus.PENDING]),
            )
            .order_by(DailySession.local_date.desc())
            .limit(HISTORY_DAYS)
        )
        days = [PastDay(d, s, g, bool(h)) for d, s, g, h in rows]
        return tuple(reversed(days))

    async def add(
        self,
        *,
        user_id: int,
        local_date: date,
        focus: Area,
        stretch_id: str | None,
        stretch_dose: Dose | None,
        strength_id: str | None,
        strength_dose: Dose | None,
        high_intensity: bool,
        due_at: datetime,
        now: datetime,
        status: SessionStatus = SessionStatus.PENDING,
    ) -> SessionRecord:
        row = DailySession(
            user_id=user_id,
            local_date=local_date,
            focus=focus.value,
            stretch_id=stretch_id,
            stretch_dose=dose_to_json(stretch_dose) if stretch_dose else None,
            strength_id=strength_id,
            strength_dose=dose_to_json(strength_dose) if strength_dose else None,
            high_intensity=high_intensity,
            status=status,
            attempts=0,
            due_at=due_at,
            created_at=now,
        )
        self.db.add(row)
        await self.db.flush()
        return _session(row)

    async def mark_sent(self, session_id: int, *, message_id: int, now: datetime) -> None:
        await self.db.execute(
            update(DailySession)
            .where(DailySession.id == session_id)
            .values(
                status=SessionStatus.SENT,
                telegram_message_id=message_id,
                sent_at=now,
                lease_until=None,
                attempts=DailySession.attempts + 1,
            )
        )

    async def set_skipped(self, session_id: int) -> None:
        await self.db.execute(
            update(DailySession).where(DailySession.id == session_id).values(skipped=True)
        )

    async def mark(self, session_id: int, status: SessionStatus, **values: Any) -> None:
        await self.db.execute(
            update(DailySession)
            .where(DailySession.id == session_id)
            .values(status=status, **values)
        )


class FeedbackRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def answers(self, session_id: int) -> dict[str, Answer]:
        rows = await self.db.scalars(select(Feedback).where(Feedback.session_id == session_id))
        return {
            r.move_id: Answer(
                move_id=r.move_id,
                outcome=Outcome(r.outcome),
                pain=r.pain,
                offered_move_id=r.offered_move_id,
                offered_dose=dose_from_json(r.offered_dose) if r.offered_dose else None,
            )
            for r in rows
        }

    async def add(
        self,
        *,
        session_id: int,
        user_id: int,
        move_id: str,
        outcome: Outcome,
        pain: int | None,
        offered_move_id: str | None,
        offered_dose: Dose | None,
        now: datetime,
    ) -> None:
        self.db.add(
            Feedback(
                session_id=session_id,
                user_id=user_id,
                move_id=move_id,
                outcome=outcome.value,
                pain=pain,
                offered_move_id=offered_move_id,
                offered_dose=dose_to_json(offered_dose) if offered_dose else None,
                created_at=now,
            )
        )
        await self.db.flush()


async def load_coach_state(db: AsyncSession, member: Member, today: date) -> CoachState:
    """Everything the planner and the progression rules need about one person."""
    positions = await ProgressRepository(db).positions(member.id)
    history = await SessionRepository(db).recent(member.id, before=today)
    return CoachState(profile=member.profile, positions=positions, history=history)


class DeliveryRepository:
    """The dispatcher's claims and its outbox bookkeeping, one statement per batch.

    On PostgreSQL `SKIP LOCKED` lets several processes share the work; SQLite ignores it and
    relies on its single writer (BEGIN IMMEDIATE). The bulk writes go through the session's
    connection as plain Core statements: no ORM unit of work per row.
    """

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def claim_due_users(self, now: datetime, *, limit: int) -> list[Member]:
        # Plain rows, not ORM objects: the batch is read once and only written in bulk, so the
        # identity map and per-object state would be pure cost (a third of the claim's time).
        users = User.__table__
        rows = await self.db.execute(
            select(*(users.c[name] for name in MEMBER_COLUMNS))
            .where(users.c.status == UserStatus.ACTIVE, users.c.next_reminder_at <= now)
            .order_by(users.c.next_reminder_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_member(row) for row in rows]

    async def coach_states(self, wanted: Sequence[tuple[Member, date]]) -> dict[int, CoachState]:
        """`load_coach_state` for a whole batch (person, their local date) in two queries."""
        if not wanted:
            return {}
        before = {member.id: local_date for member, local_date in wanted}
        positions: dict[int, dict[str, LadderPosition]] = {user_id: {} for user_id in before}
        rows = await self.db.execute(
            select(
                LadderProgress.user_id,
                LadderProgress.ladder,
                LadderProgress.level,
                LadderProgress.dose_step,
                LadderProgress.clean_streak,
                LadderProgress.level_changed_on,
            ).where(LadderProgress.user_id.in_(list(before)))
        )
        for user_id, ladder, level, dose_step, clean_streak, changed_on in rows:
            positions[user_id][ladder] = LadderPosition(
                ladder=ladder,
                level=level,
                dose_step=dose_step,
                clean_streak=clean_streak,
                level_changed_on=changed_on,
            )
        history = await self._recent_days(before)
        return {
            member.id: CoachState(
                profile=member.profile,
                positions=positions[member.id],
                history=history.get(member.id, ()),
            )
            for member, _ in wanted
        }

    async def _recent_days(self, before: dict[int, date]) -> dict[int, tuple[PastDay, ...]]:
        """`SessionRepository.recent` for many people, each before their own date.

        The people of one batch sit on at most a few distinct local dates, and each has at
        most one session per date, so the latest HISTORY_DAYS + spread rows below the latest
        date hold every person's latest HISTORY_DAYS rows below their own date.
        """
        latest, earliest = max(before.values()), min(before.values())
        rank = (
            func.row_number()
            .over(partition_by=DailySession.user_id, order_by=DailySession.local_date.desc())
            .label("rank")
        )
        ranked = (
            select(
                DailySession.user_id,
                DailySession.local_date,
                DailySession.stretch_id,
                DailySession.strength_id,
                DailySession.high_intensity,
                rank,
            )
            .where(
                DailySession.user_id.in_(list(before)),
                DailySession.local_date < latest,
                DailySession.status.in_([SessionStatus.SENT, SessionStatus.PENDING]),
            )
            .subquery()
        )
        rows = await self.db.execute(
            select(
                ranked.c.user_id,
                ranked.c.local_date,
                ranked.c.stretch_id,
                ranked.c.strength_id,
                ranked.c.high_intensity,
            ).where(ranked.c.rank <= HISTORY_DAYS + (latest - earliest).days)
        )
        found: dict[int, list[PastDay]] = {}
        for user_id, local_date, stretch_id, strength_id, high_intensity in rows:
            if local_date < before[user_id]:
                found.setdefault(user_id, []).append(
                    PastDay(local_date, stretch_id, strength_id, bool(high_intensity))
                )
        return {
            user_id: tuple(sorted(days, key=lambda day: day.local_date)[-HISTORY_DAYS:])
            for user_id, days in found.items()
        }

    async def add_pending(
        self, planned: Sequence[PlannedSession], *, lease_until: datetime, now: datetime
    ) -> dict[int, int]:
        """Insert pending sessions leased to the caller, in one statement.

        A person who already has a session for that date (made by /today, or by another
        process) keeps it: the row is skipped, never sent twice. Returns user id -> new
        session id for the rows actually inserted.
        """
        if not planned:
            return {}
        connection = await self.db.connection()
        dialect = connection.dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(DailySession)
            .on_conflict_do_nothing(index_elements=["user_id", "local_date"])
            .returning(DailySession.user_id, DailySession.id)
        )
        rows = await connection.execute(
            statement, [_pending_row(item, lease_until=lease_until, now=now) for item in planned]
        )
        return {int(user_id): int(session_id) for user_id, session_id in rows}

    async def advance_schedules(self, moves: Sequence[ScheduleMove], *, now: datetime) -> None:
        """Set each claimed person's next reminder and last served date (one executemany)."""
        if not moves:
            return
        connection = await self.db.connection()
        await connection.execute(
            update(User)
            .where(User.id == bindparam("b_user"))
            .values(
                next_reminder_at=bindparam("b_next", type_=UTCDateTime()),
                last_served_date=bindparam("b_served", type_=Date()),
                updated_at=now,
            ),
            [
                {"b_user": m.user_id, "b_next": m.next_reminder_at, "b_served": m.last_served}
                for m in moves
            ],
        )

    async def claim_expired_leases(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> list[tuple[SessionRecord, Member]]:
        """Pending sessions whose holder died or asked to retry later; re-leased to us."""
        rows = (
            await self.db.execute(
                select(DailySession, User)
                .join(User, User.id == DailySession.user_id)
                .where(
                    DailySession.status == SessionStatus.PENDING,
                    DailySession.lease_until <= now,
                )
                .order_by(DailySession.lease_until, DailySession.id)
                .limit(limit)
                .with_for_update(skip_locked=True, of=DailySession)
            )
        ).all()
        if not rows:
            return []
        connection = await self.db.connection()
        await connection.execute(
            update(DailySession)
            .where(DailySession.id.in_([session.id for session, _ in rows]))
            .values(lease_until=lease_until)
        )
        return [(_session(session), _member(user)) for session, user in rows]

    async def mark_sent(self, sent: Sequence[tuple[int, int]], *, now: datetime) -> None:
        """Record (session id, Telegram message id) pairs as sent: one executemany."""
        if not sent:
            return
        connection = await self.db.connection()
        await connection.execute(
            update(DailySession)
            .where(DailySession.id == bindparam("b_session"))
            .values(
                status=SessionStatus.SENT.value,
                telegram_message_id=bindparam("b_message", type_=BigInteger()),
                sent_at=now,
                lease_until=None,
                attempts=DailySession.attempts + 1,
            ),
            [
                {"b_session": session_id, "b_message": message_id}
                for session_id, message_id in sorted(sent)
            ],
        )

    async def retry_later(self, retries: Sequence[tuple[int, datetime]]) -> None:
        """Count a failed attempt and hold each (session id, until) back until its backoff ends."""
        if not retries:
            return
        connection = await self.db.connection()
        await connection.execute(
            update(DailySession)
            .where(
                DailySession.id == bindparam("b_session"),
                DailySession.status == SessionStatus.PENDING.value,
            )
            .values(
                attempts=DailySession.attempts + 1,
                lease_until=bindparam("b_until", type_=UTCDateTime()),
            ),
            [{"b_session": session_id, "b_until": until} for session_id, until in sorted(retries)],
        )

    async def finish(
        self, session_ids: Sequence[int], status: SessionStatus, *, attempted: bool = False
    ) -> None:
        """End pending sessions as failed or expired; `attempted` counts the last send."""
        if not session_ids:
            return
        values: dict[str, Any] = {"status": status.value, "lease_until": None}
        if attempted:
            values["attempts"] = DailySession.attempts + 1
        connection = await self.db.connection()
        await connection.execute(
            update(DailySession)
            .where(
                DailySession.id.in_(sorted(session_ids)),
                DailySession.status == SessionStatus.PENDING.value,
            )
            .values(**values)
        )

    async def deactivate(self, user_ids: Sequence[int], *, now: datetime) -> None:
        """People who blocked the bot or are gone: no more reminders until they come back."""
        if not user_ids:
            return
        connection = await self.db.connection()
        await connection.execute(
            update(User)
            .where(User.id.in_(sorted(user_ids)))
            .values(status=UserStatus.INACTIVE.value, updated_at=now)
        )


# ---------------------------------------------------------------- operations (issue 7)


@dataclass(frozen=True, slots=True)
class UsageCounts:
    """What an operator's /stats shows, counted over one UTC day."""

    users: int
    active: int
    sent: int  # sessions sent in the window
    answered: int  # of those, sessions with at least one answer
    answers: int  # answers given in the window
    too_hard: int  # of those, "too hard"


class OperationsRepository:
    """Cheap read-only queries for health checks, metrics and the operators' /stats."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def ping(self) -> None:
        await self.db.execute(text("SELECT 1"))

    async def oldest_due_reminder(self, now: datetime) -> datetime | None:
        """The earliest reminder due and not yet taken; reads only the ix_users_due index."""
        return await self.db.scalar(
            select(func.min(User.next_reminder_at)).where(
                User.status == UserStatus.ACTIVE, User.next_reminder_at <= now
            )
        )

    async def usage(self, start: datetime, end: datetime) -> UsageCounts:
        users = await self.db.scalar(select(func.count()).select_from(User)) or 0
        active = (
            await self.db.scalar(
                select(func.count()).select_from(User).where(User.status == UserStatus.ACTIVE)
            )
            or 0
        )
        sent_today = (DailySession.sent_at >= start, DailySession.sent_at < end)
        sent = await self.db.scalar(select(func.count(DailySession.id)).where(*sent_today)) or 0
        answered = (
            await self.db.scalar(
                select(func.count(func.distinct(DailySession.id)))
                .join(Feedback, Feedback.session_id == DailySession.id)
                .where(*sent_today)
            )
            or 0
        )
        answered_today = (Feedback.created_at >= start, Feedback.created_at < end)
        answers = await self.db.scalar(select(func.count(Feedback.id)).where(*answered_today)) or 0
        too_hard = (
            await self.db.scalar(
                select(func.count(Feedback.id)).where(
                    *answered_today, Feedback.outcome == Outcome.TOO_HARD.value
                )
            )
            or 0
        )
        return UsageCounts(
            users=users,
            active=active,
            sent=sent,
            answered=answered,
            answers=answers,
            too_hard=too_hard,
        )


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """A day the dispatcher planned for one person, to be written as a pending session."""

    user_id: int
    plan: Plan
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ScheduleMove:
    """Where a claimed person's reminder moves: the date now settled and the next instant."""

    user_id: int
    next_reminder_at: datetime
    last_served: date


def _pending_row(item: PlannedSession, *, lease_until: datetime, now: datetime) -> dict[str, Any]:
    plan, stretch, strength = item.plan, item.plan.stretch, item.plan.strength
    return {
        "user_id": item.user_id,
        "local_date": plan.local_date,
        "focus": plan.focus.value,
        "stretch_id": stretch.move.id if stretch is not None else None,
        "stretch_dose": dose_to_json(stretch.dose) if stretch is not None else None,
        "strength_id": strength.move.id if strength is not None else None,
        "strength_dose": dose_to_json(strength.dose) if strength is not None else None,
        "high_intensity": strength is not None and strength.move.high_intensity,
        "status": SessionStatus.PENDING.value,
        "attempts": 0,
        "due_at": item.due_at,
        "lease_until": lease_until,
        "created_at": now,
    }
