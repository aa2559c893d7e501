"""History queries, the export rows and the erasure, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.state import Outcome
from bot.storage.history import (
    DayAnswer,
    delete_user,
    export_rows,
    personal_tables,
    user_history,
    weekly_stats,
)
from bot.storage.models import Base, SessionStatus, User
from tests.progress.seed import ALICE, BOB, STRENGTH_L1, STRETCH_L1, STRETCH_L2, Seeded

Sessions = async_sessionmaker[AsyncSession]


def test_every_table_is_reached_from_users() -> None:
    """A new table with no way back to a person must be a decision, not an oversight."""
    assert {t.name for t in personal_tables()} == set(Base.metadata.tables)
    assert personal_tables()[0].name == "users"


async def test_user_history_has_sessions_answers_and_rest_days(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    alice, _ = people
    async with any_sessions.begin() as db:
        history = await user_history(db, ALICE)
        recent = await user_history(db, ALICE, since=date(2026, 2, 24))
    assert [d.local_date for d in history.days] == sorted(alice.session_ids)
    assert history.rest_dates == {date(2026, 2, 25)}
    tuesday = history.day(date(2026, 2, 24))
    assert tuesday is not None
    assert tuesday.session_id == alice.session_ids[date(2026, 2, 24)]
    assert tuesday.status is SessionStatus.SENT
    assert tuesday.answers == {
        STRETCH_L1: DayAnswer(Outcome.DONE, None),
        STRENGTH_L1: DayAnswer(Outcome.TOO_HARD, None),
    }
    thursday = history.day(date(2026, 2, 26))
    assert thursday is not None
    assert thursday.skipped
    assert not thursday.answered
    assert [d.local_date for d in recent.days] == [
        date(2026, 2, 24),
        date(2026, 2, 26),
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
    ]
    assert recent.days[-1].stretch_id == STRETCH_L2
    assert len(history.answered_dates) == 17
    assert history.neutral_dates == {date(2026, 2, 25), date(2026, 2, 26)}


async def test_days_the_bot_gave_as_rest_or_failed_are_neutral(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    async with any_sessions.begin() as db:
        history = await user_history(db, BOB)
    assert history.neutral_dates == {date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 4)}


async def test_weekly_stats_count_one_week(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    async with any_sessions.begin() as db:
        stats = await weekly_stats(db, ALICE, date(2026, 2, 23), date(2026, 3, 1))
    assert stats.sessions == 6
    assert stats.days_answered == 4
    assert stats.days_skipped == 1
    assert stats.rest_days == 1
    assert stats.outcomes == {
        Outcome.DONE: 7,
        Outcome.TOO_HARD: 1,
        Outcome.TOO_EASY: 0,
        Outcome.HURT: 0,
    }
    assert stats.max_pain == 2


async def test_export_rows_hold_all_of_alice_and_nothing_of_bob(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    alice, bob = people
    async with any_sessions.begin() as db:
        rows = await export_rows(db, ALICE)
    assert list(rows) == [t.name for t in personal_tables()]
    assert [r["id"] for r in rows["users"]] == [ALICE]
    assert {r["id"] for r in rows["daily_sessions"]} == set(alice.session_ids.values())
    assert {r["id"] for r in rows["feedback"]} == alice.feedback_ids
    assert {r["id"] for r in rows["nudges"]} == alice.nudge_ids
    assert {r["local_date"] for r in rows["rest_days"]} == alice.rest_dates
    assert {r["ladder"] for r in rows["ladder_progress"]} == alice.ladders
    for table, table_rows in rows.items():
        for row in table_rows:
            assert row.get("user_id", ALICE) == ALICE, table
            assert row.get("session_id") in {None, *alice.session_ids.values()}, table
            assert BOB not in row.values(), table
            assert bob.chat_id not in row.values(), table


async def _everything(db: AsyncSession) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for table in Base.metadata.sorted_tables:
        result = await db.execute(select(table))
        found[table.name] = [dict(r) for r in result.mappings()]
    return found


def _assert_nothing_about(everything: dict[str, list[dict[str, Any]]], person: Seeded) -> None:
    """Scan every column of every table for the person's ids and their sessions' ids."""
    their_sessions = set(person.session_ids.values())
    for table in Base.metadata.sorted_tables:
        for row in everything[table.name]:
            assert person.user_id not in row.values(), table.name
            assert person.chat_id not in row.values(), table.name
            for column in table.columns:
                targets = {fk.column for fk in column.foreign_keys} | {column}
                if any(t.table.name == "daily_sessions" and t.name == "id" for t in targets):
                    assert row[column.name] not in their_sessions, (table.name, column.name)


async def test_delete_user_leaves_nothing_about_alice_and_all_of_bob(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    alice, _ = people
    async with any_sessions.begin() as db:
        bob_before = await export_rows(db, BOB)
    async with any_sessions.begin() as db:
        counts = await delete_user(db, ALICE)
    assert counts == {
        "users": 1,
        "daily_sessions": 20,
        "feedback": 34,
        "ladder_progress": 2,
        "nudges": 2,
        "rest_days": 1,
    }
    assert counts["daily_sessions"] == len(alice.session_ids)
    assert counts["feedback"] == len(alice.feedback_ids)
    async with any_sessions.begin() as db:
        _assert_nothing_about(await _everything(db), alice)
        assert await export_rows(db, BOB) == bob_before
    async with any_sessions.begin() as db:
        again = await delete_user(db, ALICE)
    assert again == dict.fromkeys(counts, 0)


async def test_deleting_the_user_row_alone_cascades_to_every_table(
    any_sessions: Sessions, people: tuple[Seeded, Seeded]
) -> None:
    """The schema's safety net under delete_user: ON DELETE CASCADE, foreign keys on."""
    alice, bob = people
    async with any_sessions.begin() as db:
        await db.execute(delete(User).where(User.id == ALICE))
    async with any_sessions.begin() as db:
        _assert_nothing_about(await _everything(db), alice)
        assert await db.scalar(select(func.count()).select_from(User)) == 1
        rows = await export_rows(db, BOB)
    assert {r["id"] for r in rows["feedback"]} == bob.feedback_ids
