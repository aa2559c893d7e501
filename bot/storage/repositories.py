"""Repositories: the only place that speaks SQL. They take an AsyncSession and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.library import Area, Contraindication, Dose, Equipment
from bot.domain.state import CoachState, LadderPosition, Outcome, PastDay, Profile
from bot.storage.models import (
    DailySession,
    Feedback,
    LadderProgress,
    SessionStatus,
    User,
    UserStatus,
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


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    user_id: int
    local_date: date
    focus: Area
    stretch_id: str
    stretch_dose: Dose
    strength_id: str | None
    strength_dose: Dose | None
    high_intensity: bool
    status: SessionStatus
    attempts: int
    due_at: datetime
    telegram_message_id: int | None


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


def _member(row: User) -> Member:
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
    )


def _session(row: DailySession) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        user_id=row.user_id,
        local_date=row.local_date,
        focus=Area(row.focus),
        stretch_id=row.stretch_id,
        stretch_dose=dose_from_json(row.stretch_dose),
        strength_id=row.strength_id,
        strength_dose=dose_from_json(row.strength_dose) if row.strength_dose else None,
        high_intensity=row.high_intensity,
        status=SessionStatus(row.status),
        attempts=row.attempts,
        due_at=row.due_at,
        telegram_message_id=row.telegram_message_id,
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
        stretch_id: str,
        stretch_dose: Dose,
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
            stretch_dose=dose_to_json(stretch_dose),
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
    """The dispatcher's claims. On PostgreSQL `SKIP LOCKED` lets several processes share the
    work; SQLite ignores it and relies on its single writer (BEGIN IMMEDIATE)."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def claim_due_users(self, now: datetime, *, limit: int) -> list[Member]:
        rows = await self.db.scalars(
            select(User)
            .where(User.status == UserStatus.ACTIVE, User.next_reminder_at <= now)
            .order_by(User.next_reminder_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_member(row) for row in rows]

    async def claim_expired_leases(
        self, now: datetime, *, limit: int, lease_until: datetime
    ) -> list[tuple[SessionRecord, Member]]:
        """Pending sessions whose holder died or asked to retry later; re-leased to us."""
        rows = (
            await self.db.scalars(
                select(DailySession)
                .where(
                    DailySession.status == SessionStatus.PENDING,
                    DailySession.lease_until <= now,
                )
                .order_by(DailySession.lease_until)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        claimed = []
        for row in rows:
            user = await self.db.get(User, row.user_id)
            if user is None:
                continue
            row.lease_until = lease_until
            claimed.append((_session(row), _member(user)))
        await self.db.flush()
        return claimed

    async def session_exists(self, user_id: int, local_date: date) -> bool:
        found = await self.db.scalar(
            select(DailySession.id).where(
                DailySession.user_id == user_id, DailySession.local_date == local_date
            )
        )
        return found is not None

    async def lease(self, session_id: int, *, until: datetime) -> None:
        await self.db.execute(
            update(DailySession).where(DailySession.id == session_id).values(lease_until=until)
        )

    async def mark_sent(self, session_id: int, *, message_id: int, now: datetime) -> None:
        await SessionRepository(self.db).mark_sent(session_id, message_id=message_id, now=now)

    async def finish(self, session_id: int, status: SessionStatus) -> None:
        await SessionRepository(self.db).mark(session_id, status, lease_until=None)

    async def bump_attempts(self, session_id: int) -> int:
        row = await self.db.get(DailySession, session_id)
        if row is None:
            return 0
        row.attempts += 1
        await self.db.flush()
        return row.attempts
