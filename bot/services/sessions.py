"""Making and reading a day's session: shared by /today and the daily dispatcher."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.library import Area, Dose, Library
from bot.domain.planner import plan_day
from bot.domain.state import Prescription
from bot.services.views import SessionView, Slot, SlotAnswer
from bot.storage.models import SessionStatus
from bot.storage.repositories import (
    FeedbackRepository,
    Member,
    SessionRecord,
    SessionRepository,
    load_coach_state,
)


def plan_seed(user_id: int, local_date: date) -> random.Random:
    """The same person and date always draw the same plan, in any process."""
    return random.Random(f"{user_id}:{local_date.isoformat()}")


async def create_session(
    db: AsyncSession,
    library: Library,
    member: Member,
    local_date: date,
    *,
    due_at: datetime,
    now: datetime,
    status: SessionStatus = SessionStatus.PENDING,
) -> SessionRecord:
    state = await load_coach_state(db, member, local_date)
    plan = plan_day(library, state, local_date, plan_seed(member.id, local_date))
    stretch, strength = plan.stretch, plan.strength
    return await SessionRepository(db).add(
        user_id=member.id,
        local_date=local_date,
        focus=plan.focus,
        stretch_id=stretch.move.id if stretch else None,
        stretch_dose=stretch.dose if stretch else None,
        strength_id=strength.move.id if strength else None,
        strength_dose=strength.dose if strength else None,
        high_intensity=bool(strength and strength.move.high_intensity),
        due_at=due_at,
        now=now,
        status=status,
    )


async def session_view(
    db: AsyncSession, library: Library, member: Member, record: SessionRecord
) -> SessionView:
    """The session as the person sees it, with the answers they gave so far."""
    moves = library.moves

    def prescription(move_id: str | None, dose: Dose | None) -> Prescription | None:
        # A move removed from content/ since the day was planned is simply not shown.
        if move_id is None or dose is None or move_id not in moves:
            return None
        return Prescription(moves[move_id], dose)

    stretch = prescription(record.stretch_id, record.stretch_dose)
    strength = prescription(record.strength_id, record.strength_dose)
    slot_of = {}
    if stretch is not None:
        slot_of[stretch.move.id] = Slot.STRETCH
    if strength is not None:
        slot_of[strength.move.id] = Slot.STRENGTH
    answers = {}
    for move_id, answer in (await FeedbackRepository(db).answers(record.id)).items():
        offered = None
        offered_id = answer.offered_move_id
        if offered_id is not None and offered_id in moves and answer.offered_dose is not None:
            offered = Prescription(moves[offered_id], answer.offered_dose)
        if move_id in slot_of:
            answers[slot_of[move_id]] = SlotAnswer(answer.outcome, answer.pain, offered)
    return view_of(
        member,
        session_id=record.id,
        local_date=record.local_date,
        focus=record.focus,
        stretch=stretch,
        strength=strength,
        answers=answers,
        skipped=record.skipped,
        message_id=record.telegram_message_id,
    )


def view_of(
    member: Member,
    *,
    session_id: int,
    local_date: date,
    focus: Area,
    stretch: Prescription | None,
    strength: Prescription | None,
    answers: Mapping[Slot, SlotAnswer] | None = None,
    skipped: bool = False,
    message_id: int | None = None,
) -> SessionView:
    """A session as its person sees it, from values already at hand (no query)."""
    return SessionView(
        session_id=session_id,
        user_id=member.id,
        chat_id=member.chat_id,
        language_code=member.language_code,
        local_date=local_date,
        focus=focus,
        stretch=stretch,
        strength=strength,
        answers=answers or {},
        strength_paused=member.profile.strength_paused,
        skipped=skipped,
        message_id=message_id,
    )
