"""ProgressService on SQLite and PostgreSQL: /progress, the weekly summary, /export, /forget."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Kind, Library
from bot.domain.state import Outcome
from bot.domain.streaks import Streak
from bot.services.clock import ManualClock
from bot.services.progress import (
    CSV_COLUMNS,
    ExportFormat,
    LadderLevel,
    LevelChange,
    ProgressService,
    Suggestion,
    suggest,
)
from bot.storage.history import WeeklyStats, personal_tables
from tests.progress.seed import ALICE, BOB, STRENGTH_L1, Seeded

Sessions = async_sessionmaker[AsyncSession]
SUNDAY = date(2026, 3, 1)
NOBODY = 1


@pytest.fixture
def service(any_sessions: Sessions, library: Library, clock: ManualClock) -> ProgressService:
    return ProgressService(any_sessions, library, clock)


async def test_progress_has_the_picture_and_the_numbers(
    service: ProgressService, people: tuple[Seeded, Seeded], library: Library
) -> None:
    view = await service.progress(ALICE)
    assert view is not None
    assert view.today == date(2026, 3, 2)
    # Back from today (open): 1 Mar, a forgiven 28 Feb, 27 Feb, skip, rest, 24 Feb .. 16 Feb,
    # a forgiven 15 Feb, 14 .. 9 Feb.
    assert view.streak == Streak(days=17, forgiven=2, started_on=date(2026, 2, 9))
    assert view.best_streak == 17
    assert view.done_last_7 == 3  # 24 Feb, 27 Feb, 1 Mar
    assert view.done_last_28 == 17
    assert view.levels == (
        LadderLevel("butterfly", library.ladders["butterfly"].name, Kind.STRETCH, 2, 4),
        LadderLevel("squeeze", library.ladders["squeeze"].name, Kind.STRENGTH, 1, 5),
    )
    Image.open(io.BytesIO(view.png)).verify()
    assert len(view.png) > 5_000


async def test_nothing_for_someone_unknown(
    service: ProgressService, people: tuple[Seeded, Seeded]
) -> None:
    assert await service.progress(NOBODY) is None
    assert await service.weekly_summary(NOBODY, SUNDAY) is None
    assert await service.export(NOBODY, "json") is None
    assert await service.export(NOBODY, ExportFormat.CSV) is None


async def test_weekly_summary_of_a_good_week(
    service: ProgressService, people: tuple[Seeded, Seeded], library: Library
) -> None:
    summary = await service.weekly_summary(ALICE, SUNDAY)
    assert summary is not None
    assert (summary.week_start, summary.week_end) == (date(2026, 2, 23), SUNDAY)
    assert summary.days_done == 4
    assert summary.sessions == 6
    assert summary.days_rest == 2  # the announced rest day and the skipped day
    assert summary.streak == Streak(days=17, forgiven=2, started_on=date(2026, 2, 9))
    assert summary.outcomes[Outcome.DONE] == 7
    assert summary.outcomes[Outcome.TOO_HARD] == 1
    assert summary.max_pain == 2
    butterfly = library.ladders["butterfly"].name
    assert summary.level_changes == (LevelChange("butterfly", butterfly, 1, 2),)
    assert summary.level_changes[0].up
    assert summary.suggestion is Suggestion.KEEP_GOING


async def test_weekly_summary_after_it_hurt(
    service: ProgressService, people: tuple[Seeded, Seeded], library: Library
) -> None:
    summary = await service.weekly_summary(BOB, SUNDAY)
    assert summary is not None
    assert summary.days_done == 3
    assert summary.sessions == 3  # Sunday's expired
    assert summary.days_rest == 0  # his rest days are next week
    assert summary.streak == Streak(days=3, forgiven=0, started_on=date(2026, 2, 26))
    assert summary.outcomes[Outcome.HURT] == 1
    assert summary.max_pain == 5
    squeeze = library.ladders["squeeze"].name
    assert summary.level_changes == (LevelChange("squeeze", squeeze, 2, 1),)
    assert summary.suggestion is Suggestion.EASE_OFF


def _stats(days: int, *, too_hard: int = 0, hurt: int = 0, pain: int | None = None) -> WeeklyStats:
    outcomes = dict.fromkeys(Outcome, 0)
    outcomes[Outcome.DONE] = days
    outcomes[Outcome.TOO_HARD] = too_hard
    outcomes[Outcome.HURT] = hurt
    return WeeklyStats(date(2026, 2, 23), SUNDAY, days, days, 0, 0, outcomes, pain)


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        (_stats(5, hurt=1), Suggestion.EASE_OFF),
        (_stats(5, pain=4), Suggestion.EASE_OFF),
        (_stats(5, pain=3), Suggestion.KEEP_GOING),
        (_stats(0), Suggestion.START_SMALL),
        (_stats(4, too_hard=2), Suggestion.EASIER_VERSIONS),
        (_stats(3), Suggestion.MORE_DAYS),
        (_stats(4, too_hard=1), Suggestion.KEEP_GOING),
    ],
)
def test_suggestion_rules(stats: WeeklyStats, expected: Suggestion) -> None:
    assert suggest(stats) is expected


async def test_json_export_has_every_table_and_only_alices_rows(
    service: ProgressService, people: tuple[Seeded, Seeded]
) -> None:
    alice, bob = people
    exported = await service.export(ALICE, "json")
    assert exported is not None
    assert exported.filename == "inner-thigh-coach-data-2026-03-02.json"
    assert exported.mime_type == "application/json"
    document = json.loads(exported.content)
    assert document["user_id"] == ALICE
    assert document["exported_at"] == "2026-03-02T06:00:00+00:00"
    tables = document["tables"]
    assert set(tables) == {t.name for t in personal_tables()}
    assert [u["id"] for u in tables["users"]] == [ALICE]
    assert tables["users"][0]["created_at"] == "2026-02-01T09:00:00+00:00"
    assert {s["id"] for s in tables["daily_sessions"]} == set(alice.session_ids.values())
    assert {f["id"] for f in tables["feedback"]} == alice.feedback_ids
    assert {n["id"] for n in tables["nudges"]} == alice.nudge_ids
    assert tables["rest_days"] == [{"user_id": ALICE, "local_date": "2026-02-25"}]
    assert {p["ladder"] for p in tables["ladder_progress"]} == alice.ladders
    first = tables["daily_sessions"][0]
    assert first["local_date"] == "2026-02-09"
    assert first["due_at"].endswith("+00:00")
    assert first["stretch_dose"]["hold_seconds"] == 30
    bob_sessions = set(bob.session_ids.values())
    for name, rows in tables.items():
        for row in rows:
            assert row.get("user_id", ALICE) == ALICE, name
            assert row.get("session_id") not in bob_sessions, name
    text = exported.content.decode()
    assert str(BOB) not in text
    assert str(bob.chat_id) not in text


async def test_csv_export_is_the_day_by_day_history(
    service: ProgressService, people: tuple[Seeded, Seeded], library: Library
) -> None:
    exported = await service.export(ALICE, "csv")
    assert exported is not None
    assert exported.filename == "inner-thigh-coach-history-2026-03-02.csv"
    assert exported.mime_type == "text/csv"
    reader = csv.DictReader(io.StringIO(exported.content.decode()))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = {row["date"]: row for row in reader}
    assert len(rows) == 21  # 20 sessions and one announced rest day
    tuesday = rows["2026-02-24"]
    assert tuesday["strength"] == library.move(STRENGTH_L1).name
    assert tuesday["strength_answer"] == "too_hard"
    assert tuesday["stretch_answer"] == "done"
    assert rows["2026-02-25"]["rest_day"] == "yes"
    assert rows["2026-02-25"]["stretch"] == ""
    assert rows["2026-02-26"]["skipped"] == "yes"
    assert rows["2026-03-01"]["strength_pain"] == "2"
    assert rows["2026-02-28"]["stretch_answer"] == ""


async def test_forget_deletes_alice_everywhere_once_and_keeps_bob(
    service: ProgressService, people: tuple[Seeded, Seeded]
) -> None:
    alice, _ = people
    bob_before = await service.export(BOB, "json")
    counts = await service.forget(ALICE)
    assert counts["users"] == 1
    assert counts["daily_sessions"] == len(alice.session_ids)
    assert counts["feedback"] == len(alice.feedback_ids)
    assert counts["nudges"] == len(alice.nudge_ids)
    assert counts["rest_days"] == 1
    assert counts["ladder_progress"] == 2
    assert await service.forget(ALICE) == dict.fromkeys(counts, 0)
    assert await service.progress(ALICE) is None
    assert await service.export(ALICE, "json") is None
    bob_after = await service.export(BOB, "json")
    assert bob_before is not None
    assert bob_after is not None
    assert json.loads(bob_after.content)["tables"] == json.loads(bob_before.content)["tables"]
