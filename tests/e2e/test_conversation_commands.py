"""Issue 6, every command: what the person reads, and what the database keeps."""

from __future__ import annotations

from bot.domain.library import Area
from bot.texts import text
from tests.e2e.conversation import ALICE, Chat, chat_fixture

__all__ = ["chat_fixture"]


async def test_today_sends_the_session_with_its_two_moves_and_buttons(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="7:30", zone="Europe/Lisbon")
    message = await alice.today()
    (session,) = alice.sessions()
    assert (session["status"], session["telegram_message_id"]) == ("sent", message.message_id)
    assert session["local_date"] == "2026-03-02"
    body = message.plain_text or ""
    for move_id in (session["stretch_id"], session["strength_id"]):
        assert chat.library.move(move_id).name in body
    buttons = message.button_texts
    assert {text("button.snooze_hour"), text("button.skip_today")} <= set(buttons)
    assert len(buttons) == 11  # four answers for each move, then snooze, evening, skip
    # A second /today the same day shows the same session, never a second one.
    await alice.today()
    assert [s["id"] for s in alice.sessions()] == [session["id"]]


async def test_time_and_timezone_change_the_schedule(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.say("/time 19:45", until="your session will arrive at 19:45")
    await alice.say("/timezone Europe/Lisbon", until="Time zone set to Europe/Lisbon")
    user = alice.user()
    assert (user["reminder_time"], user["timezone"]) == ("19:45", "Europe/Lisbon")
    assert str(user["next_reminder_at"]).startswith("2026-03-02 19:45")
    await alice.say("/time 7pm", until="19:00")
    assert alice.user()["reminder_time"] == "19:00"

    for wrong in ("/time", "/time 25:00", "/time soon"):
        await alice.say(wrong, until="Tell me a time like /time 7:30")
    for wrong in ("/timezone", "/timezone Mars/Olympus", "/timezone +02:00"):
        await alice.say(wrong, until="Tell me your time zone as Area/City")
    user = alice.user()
    assert (user["reminder_time"], user["timezone"]) == ("19:00", "Europe/Lisbon")


async def test_focus_by_buttons(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.say("/focus", until="Which benefit would you like to focus on")
    hips = chat.library.areas[Area.HIPS]
    tap = await alice.tap(hips.title)
    assert alice.user()["focus"] == "hips"
    said = " ".join(m.plain_text or "" for m in tap.new)
    assert f"Focus set to {hips.title}" in said
    assert "Evidence: strong." in said
    await alice.say("/focus")
    await alice.tap(text("focus.all"))
    assert alice.user()["focus"] is None


async def test_focus_knees_says_honestly_that_the_evidence_is_weak(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    new = await alice.say("/focus knees", until="Focus set to")
    knees = chat.library.areas[Area.KNEES]
    said = new[0].plain_text or ""
    assert "Evidence: weak." in said
    assert knees.evidence_note[:60] in said
    assert alice.user()["focus"] == "knees"
    new = await alice.say("/focus ankles", until="Evidence: not supported.")
    await alice.say("/focus elbows", until=text("focus.usage"))
    assert alice.user()["focus"] == "ankles"


async def test_more_sends_one_extra_move_for_the_area_asked(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    new = await alice.say("/more", until="One more, for")
    assert _named_moves(chat, new[0].plain_text or "")
    new = await alice.say("/more balance", until="One more, for steadier balance")
    (move,) = _named_moves(chat, new[0].plain_text or "")
    assert Area.BALANCE in move.areas
    assert alice.sessions() == [], "an extra move is not the day's session"


def _named_moves(chat: Chat, body: str) -> list:  # type: ignore[type-arg]
    names = sorted(chat.library.moves.values(), key=lambda m: -len(m.name))
    found = []
    for move in names:
        if move.name in body:
            found.append(move)
            body = body.replace(move.name, "")
    return found


async def test_why_explains_todays_moves(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(focus="hips")
    await alice.say("/why", until=text("why.none").split(".")[0])
    await alice.today()
    new = await alice.say("/why", until="Why today's moves")
    (session,) = alice.sessions()
    body = new[0].plain_text or ""
    for move_id in (session["stretch_id"], session["strength_id"]):
        assert f"{chat.library.move(move_id).name} helps with" in body
    assert chat.library.areas[Area.HIPS].evidence_note[:40] in body


async def test_pause_and_resume(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00")
    await alice.say("/pause", until="Paused. Send /resume")
    assert alice.user()["status"] == "paused"
    chat.set_local("UTC", 2026, 3, 2, 8, 5)
    assert (await chat.tick())[0].sent == 0, "no daily session while paused"
    await alice.say("/settings", until=text("schedule.paused"))

    await alice.say("/resume", until="Welcome back!")
    user = alice.user()
    assert user["status"] == "active"
    assert str(user["next_reminder_at"]).startswith("2026-03-03 08:00")


async def test_pause_for_three_days_records_rest_days(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone="Europe/Lisbon")
    await alice.say("/pause 3", until="Paused for 3 day(s)")
    rest = chat.rows("select local_date from rest_days where user_id = ? order by 1", ALICE)
    assert [r["local_date"] for r in rest] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    user = alice.user()
    assert user["status"] == "active"
    assert str(user["next_reminder_at"]).startswith("2026-03-05 08:00")
    assert "Thu 05 Mar, 08:00" in (alice.last().plain_text or "")

    for day in (2, 3, 4):
        chat.set_local("Europe/Lisbon", 2026, 3, day, 8, 1)
        assert (await chat.tick())[0].sent == 0
    chat.set_local("Europe/Lisbon", 2026, 3, 5, 8, 1)
    assert (await chat.tick())[0].sent == 1
    assert [s["local_date"] for s in alice.sessions()] == ["2026-03-05"]


async def test_settings_menu_changes_the_time(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="7:00")
    await alice.say("/settings", until="Settings")
    menu = alice.last()
    assert "07:00" in (menu.plain_text or "")
    tap = await alice.tap(text("settings.time"))
    assert any("When should your session arrive" in (m.plain_text or "") for m in tap.new)
    tap = await alice.tap("20:30")
    assert any("Saved." in (m.plain_text or "") for m in tap.new)
    user = alice.user()
    assert (user["reminder_time"], user["onboarding_step"]) == ("20:30", None)
    # The settings menu changes one thing only: no further set-up question follows.
    assert "Which time zone" not in " ".join(m.plain_text or "" for m in tap.new)


async def test_help_and_an_unknown_command(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    new = await alice.say("/help", until="What I can do")
    for command in ("/today", "/more", "/why", "/focus", "/time", "/timezone", "/pause"):
        assert command in (new[0].plain_text or "")
    new = await alice.say("/dance", until=text("unknown"))
    assert "What I can do" in (new[0].plain_text or "")
    await alice.say("/stats", until=text("unknown"))  # for operators only


async def test_settings_change_the_safety_answers_equipment_and_zone(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00")
    await alice.say("/settings")
    await alice.tap(text("settings.screen"))
    for answer in ("No", "No", "No", "Yes", text("button.skip"), "No"):
        tap = await alice.tap(answer)
    assert any("Saved." in (m.plain_text or "") for m in tap.new)
    assert alice.user()["contraindications"] == '["pregnancy"]'

    await alice.say("/settings")
    await alice.tap(text("settings.equip"))
    await alice.tap("Pillow or soft ball")
    assert "✅ Pillow or soft ball" in alice.last().button_texts
    await alice.tap(text("button.done_setting"))
    assert alice.user()["equipment"] == '["pillow"]'

    await alice.say("/settings")
    await alice.tap(text("settings.zone"))
    tap = await alice.tap("Sydney")
    assert any("Australia/Sydney" in (m.plain_text or "") for m in tap.new)
    user = alice.user()
    assert (user["timezone"], user["onboarding_step"]) == ("Australia/Sydney", None)
    # The weekly summary follows: Sunday 18:00 in Sydney is 07:00 UTC.
    (weekly,) = alice.nudges("weekly_summary")
    assert str(weekly["due_at"]).startswith("2026-03-08 07:00")
