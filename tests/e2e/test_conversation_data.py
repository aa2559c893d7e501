"""Issue 6, the person's own data: the progress picture, the export, and forgetting them."""

from __future__ import annotations

import csv
import io
import json

from PIL import Image

from bot.services.progress import CSV_COLUMNS
from bot.texts import text
from tests.e2e.conversation import ALICE, BOB, Chat, Person, chat_fixture, label

__all__ = ["chat_fixture"]


async def _two_days_of_answers(chat: Chat, person: Person, *, onboard: bool = True) -> None:
    """A set-up person with two answered sessions, a pain check due and rest days ahead."""
    if onboard:
        await person.onboard(at="8:00", zone="Europe/Lisbon", focus="hips")
    chat.set_local("Europe/Lisbon", 2026, 3, 2, 8, 0)
    await chat.tick()
    await person.tap(label("stretch", "done"))
    await person.tap(label("strength", "too_hard"))
    chat.set_local("Europe/Lisbon", 2026, 3, 3, 8, 0)
    await chat.tick()
    await person.tap(label("stretch", "done"))
    await person.tap(label("strength", "hurt"))
    await person.tap("4")
    await person.say("/pause 2", until="Paused for 2 day(s)")


async def test_progress_sends_a_picture_that_opens(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone="Europe/Lisbon")
    await alice.say("/progress", until=text("progress.empty").split(".")[0])
    await _two_days_of_answers(chat, alice, onboard=False)
    new = await alice.say("/progress")
    (picture,) = new
    assert picture.kind == "photo"
    png = picture.file_bytes
    assert png is not None
    Image.open(io.BytesIO(png)).verify()
    with Image.open(io.BytesIO(png)) as image:
        assert (image.format, image.size) == ("PNG", (800, 600))
    caption = picture.plain_caption or ""
    assert "Streak: 2 day(s)" in caption
    assert "Done in the last 7 days: 2" in caption
    assert "Levels:" in caption


async def test_export_json_holds_every_row_about_the_person_and_no_one_else(chat: Chat) -> None:
    alice, bob = chat.person(ALICE), chat.person(BOB, first_name="Bob")
    await _two_days_of_answers(chat, alice)
    await bob.onboard()
    await bob.today()
    await bob.tap(label("stretch", "done"))

    (document,) = await alice.say("/export")
    assert document.kind == "document"
    assert (document.file_name or "").endswith(".json")
    assert document.plain_caption == text("export.caption")
    data = json.loads(document.file_bytes or b"")
    assert data["user_id"] == ALICE
    tables = data["tables"]
    assert [u["id"] for u in tables["users"]] == [ALICE]
    assert tables["users"][0]["timezone"] == "Europe/Lisbon"
    sessions = {s["id"] for s in alice.sessions()}
    assert {s["id"] for s in tables["daily_sessions"]} == sessions
    answers = [(f["session_id"], f["outcome"], f["pain"]) for f in tables["feedback"]]
    assert answers == [(f["session_id"], f["outcome"], f["pain"]) for f in alice.feedback()]
    assert len(answers) == 4
    assert {r["local_date"] for r in tables["rest_days"]} == {"2026-03-04", "2026-03-05"}
    for rows in tables.values():
        for row in rows:
            assert row.get("user_id", ALICE) == ALICE
    assert str(BOB) not in json.dumps(data)


async def test_export_csv_is_the_day_by_day_history(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _two_days_of_answers(chat, alice)
    (document,) = await alice.say("/export csv")
    assert (document.file_name or "").endswith(".csv")
    rows = list(csv.reader(io.StringIO((document.file_bytes or b"").decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_date = {r[0]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert sorted(by_date) == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    first = by_date["2026-03-02"]
    session = alice.sessions()[0]
    assert first["stretch"] == chat.library.move(session["stretch_id"]).name
    assert (first["stretch_answer"], first["strength_answer"]) == ("done", "too_hard")
    assert (by_date["2026-03-03"]["strength_answer"], by_date["2026-03-03"]["strength_pain"]) == (
        "hurt",
        "4",
    )
    assert by_date["2026-03-05"]["rest_day"] == "yes"


async def test_export_for_someone_unknown_says_there_is_nothing(chat: Chat) -> None:
    await chat.person(ALICE).say("/export", until=text("export.empty"))


async def test_forget_asks_first_and_keep_my_data_deletes_nothing(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _two_days_of_answers(chat, alice)
    before = chat.snapshot()
    await alice.say("/forget", until="Delete everything about you?")
    tap = await alice.tap(text("forget.cancel"))
    assert "Nothing was deleted" in (alice.last().plain_text or "")
    assert tap.new == []
    assert alice.last().inline_keyboard == []
    assert chat.snapshot() == before


async def test_forget_leaves_no_row_about_the_person_in_any_table(chat: Chat) -> None:
    alice, bob = chat.person(ALICE), chat.person(BOB, first_name="Bob")
    await _two_days_of_answers(chat, alice)
    await bob.onboard(zone="Europe/Lisbon")
    await bob.today()
    await bob.tap(label("strength", "hurt"))
    await bob.tap("4")
    alice_sessions = [s["id"] for s in alice.sessions()]
    found = chat.rows_mentioning(ALICE, alice_sessions)
    for table in ("users", "daily_sessions", "feedback", "ladder_progress", "rest_days", "nudges"):
        assert any(key.startswith(f"{table}.") for key in found), table
    bob_before = _rows_of(chat, BOB)

    await alice.say("/forget")
    await alice.tap(text("forget.confirm"))
    assert "everything about you is deleted" in (alice.last().plain_text or "")
    assert chat.rows_mentioning(ALICE, alice_sessions) == {}
    assert _rows_of(chat, BOB) == bob_before, "someone else's data is untouched"

    # Nothing comes back by itself: no daily session, no pain check, no weekly summary.
    count = len(alice.messages())
    for day in (4, 5, 6, 7, 8):
        chat.set_local("Europe/Lisbon", 2026, 3, day, 18, 30)
        await chat.tick()
    assert len(alice.messages()) == count
    assert chat.rows_mentioning(ALICE, alice_sessions) == {}


def _rows_of(chat: Chat, user_id: int) -> dict[str, list[dict[str, object]]]:
    return {
        table: [r for r in rows if user_id in (r.get("user_id"), r.get("id"))]
        for table, rows in chat.snapshot().items()
        if table != "daily_sessions"
    } | {"daily_sessions": chat.sessions(user_id)}
