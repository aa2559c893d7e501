"""The progress picture: a real PNG of the right size, drawn quickly and the same every time."""

from __future__ import annotations

import io
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import charts
from bot.charts import DayMark, calendar_marks, ladder_steps, progress_png
from bot.domain.library import Library
from bot.storage.history import UserHistory, user_history
from tests.progress.seed import ALICE, BOB, Seeded

TODAY = date(2026, 3, 2)


def assert_png(data: bytes) -> None:
    Image.open(io.BytesIO(data)).verify()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (800, 600)


@pytest.fixture
async def alice_history(
    sqlite_sessions: async_sessionmaker[AsyncSession], sqlite_people: tuple[Seeded, Seeded]
) -> UserHistory:
    async with sqlite_sessions.begin() as db:
        return await user_history(db, ALICE)


def test_the_picture_is_a_real_png_drawn_fast_and_the_same_each_time(
    alice_history: UserHistory, library: Library
) -> None:
    first = progress_png(alice_history, library, TODAY)
    started = time.perf_counter()
    second = progress_png(alice_history, library, TODAY)
    elapsed = time.perf_counter() - started
    assert_png(first)
    assert len(first) > 5_000
    assert first == second
    assert elapsed < 1.0


def test_an_empty_history_still_draws(library: Library) -> None:
    empty = UserHistory(user_id=1, since=None, days=(), rest_dates=frozenset())
    data = progress_png(empty, library, TODAY)
    assert_png(data)
    assert data != progress_png(empty, library, date(2026, 4, 1))  # the dates move on


def test_calendar_marks_colour_each_day(alice_history: UserHistory) -> None:
    days = [date(2026, 2, d) for d in (8, 9, 15, 24, 25, 26, 27, 28)]
    days += [date(2026, 3, 1), TODAY, date(2026, 3, 3)]
    assert calendar_marks(alice_history, days, TODAY) == [
        DayMark.NOT_YET,  # before the first session
        DayMark.DONE,
        DayMark.MISSED,
        DayMark.TOO_HARD,
        DayMark.REST,  # announced rest
        DayMark.REST,  # skip today
        DayMark.DONE,
        DayMark.MISSED,
        DayMark.DONE,
        DayMark.NOT_YET,  # today, still open
        DayMark.NOT_YET,
    ]


async def test_hurt_and_announced_rest_ahead_are_marked(
    sqlite_sessions: async_sessionmaker[AsyncSession], sqlite_people: tuple[Seeded, Seeded]
) -> None:
    async with sqlite_sessions.begin() as db:
        bob = await user_history(db, BOB)
    days = [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)]
    assert calendar_marks(bob, days, TODAY) == [
        DayMark.HURT,
        DayMark.REST,  # the bot gave no move and the delivery expired
        DayMark.REST,  # announced ahead
        DayMark.NOT_YET,
    ]


def test_ladder_steps_follow_the_moves_sent(alice_history: UserHistory, library: Library) -> None:
    start = date(2026, 2, 16)
    steps = {s.ladder_id: s for s in ladder_steps(alice_history, library, start, TODAY)}
    assert set(steps) == {"butterfly", "squeeze"}
    butterfly = steps["butterfly"].points
    assert butterfly[0] == (0, 1)  # carried in from before the window
    assert (11, 2) in butterfly  # 27 Feb, wall butterfly
    assert {level for _, level in steps["squeeze"].points} == {1}
    assert steps["butterfly"].name == library.ladders["butterfly"].name


def test_matplotlib_gets_a_temporary_folder_only_when_home_is_not_writable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    # Recorded first so the variable is restored (or removed again) after the test.
    monkeypatch.setenv("MPLCONFIGDIR", "recorded")
    monkeypatch.delenv("MPLCONFIGDIR")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    charts._ensure_matplotlib_dirs()
    assert "MPLCONFIGDIR" not in os.environ

    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked / "cache"))
    charts._ensure_matplotlib_dirs()
    chosen = Path(os.environ["MPLCONFIGDIR"])
    assert chosen.parent == tmp_path
    assert chosen.is_dir()

    monkeypatch.setenv("MPLCONFIGDIR", "/somewhere/chosen")
    charts._ensure_matplotlib_dirs()
    assert os.environ["MPLCONFIGDIR"] == "/somewhere/chosen"
