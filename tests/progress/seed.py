"""Test setup written straight through the models: two people in Berlin.

The clock fixture's "now" is Monday 2 March 2026, 07:00 in Berlin. Alice's story, in local
dates (the weekly summary tests look at the week Mon 23 Feb .. Sun 1 Mar):

- 9..22 Feb: both moves answered "done" every day except 15 Feb (no answer: a forgiven miss);
  butterfly level 1 (reclined_butterfly), squeeze level 1 (standing_floor_squeeze).
- Mon 23 Feb: done, done.          Tue 24 Feb: stretch done, strength too hard.
- Wed 25 Feb: announced rest day.  Thu 26 Feb: "skip today"; butterfly went to level 2.
- Fri 27 Feb: done at butterfly level 2 (wall_butterfly), done.
- Sat 28 Feb: sent, no answer (a forgiven miss).   Sun 1 Mar: done, done with pain 2.

Bob has a shorter story of his own, with ids nowhere near Alice's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage.models import (
    DailySession,
    Feedback,
    LadderProgress,
    Nudge,
    NudgeKind,
    RestDay,
    SessionStatus,
    User,
    UserStatus,
)

BERLIN = ZoneInfo("Europe/Berlin")
ALICE = 7_000_001
BOB = 8_000_002
ALICE_CHAT = 9_100_001
BOB_CHAT = 9_200_002
CREATED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)

STRETCH_L1 = "reclined_butterfly"
STRETCH_L2 = "wall_butterfly"
STRENGTH_L1 = "standing_floor_squeeze"
STRENGTH_L2 = "seated_pillow_squeeze"
HOLD = {"sets": 2, "hold_seconds": 30, "reps": None, "per_side": False}
REPS = {"sets": 2, "hold_seconds": None, "reps": 10, "per_side": False}


@dataclass(frozen=True)
class Day:
    local_date: date
    stretch: str | None
    strength: str | None
    answers: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # move: outcome, pain
    skipped: bool = False
    status: SessionStatus = SessionStatus.SENT


@dataclass(frozen=True)
class Seeded:
    user_id: int
    chat_id: int
    session_ids: dict[date, int]
    feedback_ids: frozenset[int]
    nudge_ids: frozenset[int]
    rest_dates: frozenset[date]
    ladders: frozenset[str]


def done(*moves: str, pain: int | None = None) -> dict[str, tuple[str, int | None]]:
    return dict.fromkeys(moves, ("done", pain))


def alice_days() -> list[Day]:
    days = []
    start = date(2026, 2, 9)
    for i in range(14):
        day = start + timedelta(days=i)
        answers = {} if day == date(2026, 2, 15) else done(STRETCH_L1, STRENGTH_L1)
        days.append(Day(day, STRETCH_L1, STRENGTH_L1, answers))
    days += [
        Day(date(2026, 2, 23), STRETCH_L1, STRENGTH_L1, done(STRETCH_L1, STRENGTH_L1)),
        Day(
            date(2026, 2, 24),
            STRETCH_L1,
            STRENGTH_L1,
            {STRETCH_L1: ("done", None), STRENGTH_L1: ("too_hard", None)},
        ),
        Day(date(2026, 2, 26), STRETCH_L1, STRENGTH_L1, skipped=True),
        Day(date(2026, 2, 27), STRETCH_L2, STRENGTH_L1, done(STRETCH_L2, STRENGTH_L1)),
        Day(date(2026, 2, 28), STRETCH_L2, STRENGTH_L1),
        Day(date(2026, 3, 1), STRETCH_L2, STRENGTH_L1, done(STRETCH_L2, STRENGTH_L1, pain=2)),
    ]
    return days


def bob_days() -> list[Day]:
    return [
        Day(date(2026, 2, 26), STRETCH_L1, STRENGTH_L2, done(STRETCH_L1, STRENGTH_L2)),
        Day(date(2026, 2, 27), STRETCH_L1, None, done(STRETCH_L1)),
        Day(date(2026, 2, 28), STRETCH_L1, STRENGTH_L2, {STRENGTH_L2: ("hurt", 5)}),
        Day(date(2026, 3, 1), None, None, status=SessionStatus.EXPIRED),
    ]


async def seed_alice(sessions: async_sessionmaker[AsyncSession]) -> Seeded:
    return await seed(
        sessions,
        user_id=ALICE,
        chat_id=ALICE_CHAT,
        days=alice_days(),
        rest=[date(2026, 2, 25)],
        ladders={
            "butterfly": (2, date(2026, 2, 26)),
            "squeeze": (1, None),
        },
        pain_check_on=date(2026, 2, 24),
    )


async def seed_bob(sessions: async_sessionmaker[AsyncSession]) -> Seeded:
    return await seed(
        sessions,
        user_id=BOB,
        chat_id=BOB_CHAT,
        days=bob_days(),
        rest=[date(2026, 3, 3), date(2026, 3, 4)],
        ladders={"butterfly": (1, None), "squeeze": (1, date(2026, 2, 28))},
        pain_check_on=date(2026, 2, 28),
    )


def _due(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=BERLIN).astimezone(UTC)


async def seed(
    sessions: async_sessionmaker[AsyncSession],
    *,
    user_id: int,
    chat_id: int,
    days: list[Day],
    rest: list[date],
    ladders: dict[str, tuple[int, date | None]],
    pain_check_on: date,
) -> Seeded:
    async with sessions.begin() as db:
        db.add(
            User(
                id=user_id,
                chat_id=chat_id,
                language_code="en",
                timezone=BERLIN.key,
                reminder_time="07:00",
                next_reminder_at=datetime(2026, 3, 3, 6, 0, tzinfo=UTC),
                last_served_date=date(2026, 3, 2),
                status=UserStatus.ACTIVE,
                equipment=["pillow"],
                contraindications=[],
                strength_paused=False,
                created_at=CREATED,
                updated_at=CREATED,
            )
        )
        await db.flush()
        rows = {
            day.local_date: DailySession(
                user_id=user_id,
                local_date=day.local_date,
                focus="hips",
                stretch_id=day.stretch,
                stretch_dose=HOLD if day.stretch else None,
                strength_id=day.strength,
                strength_dose=REPS if day.strength else None,
                high_intensity=False,
                status=day.status,
                attempts=1,
                due_at=_due(day.local_date),
                telegram_message_id=1000 + i,
                skipped=day.skipped,
                sent_at=_due(day.local_date) if day.status is SessionStatus.SENT else None,
                created_at=_due(day.local_date),
            )
            for i, day in enumerate(days)
        }
        db.add_all(rows.values())
        await db.flush()
        feedback = [
            Feedback(
                session_id=rows[day.local_date].id,
                user_id=user_id,
                move_id=move,
                outcome=outcome,
                pain=pain,
                created_at=_due(day.local_date) + timedelta(hours=1),
            )
            for day in days
            for move, (outcome, pain) in day.answers.items()
        ]
        db.add_all(feedback)
        db.add_all(RestDay(user_id=user_id, local_date=d) for d in rest)
        db.add_all(
            LadderProgress(
                user_id=user_id,
                ladder=ladder,
                level=level,
                dose_step=0,
                clean_streak=1,
                level_changed_on=changed,
            )
            for ladder, (level, changed) in ladders.items()
        )
        nudges = [
            Nudge(
                user_id=user_id,
                kind=NudgeKind.PAIN_CHECK,
                due_at=_due(pain_check_on + timedelta(days=1)),
                session_id=rows[pain_check_on].id,
                payload={"ladder": "squeeze"},
                created_at=_due(pain_check_on),
            ),
            Nudge(
                user_id=user_id,
                kind=NudgeKind.WEEKLY_SUMMARY,
                due_at=datetime(2026, 3, 8, 17, 0, tzinfo=UTC),
                created_at=CREATED,
            ),
        ]
        db.add_all(nudges)
        await db.flush()
        return Seeded(
            user_id=user_id,
            chat_id=chat_id,
            session_ids={d: row.id for d, row in rows.items()},
            feedback_ids=frozenset(f.id for f in feedback),
            nudge_ids=frozenset(n.id for n in nudges),
            rest_dates=frozenset(rest),
            ladders=frozenset(ladders),
        )
