"""Issue 6, timed messages: the weekly summary and the next-morning pain check, on the clock."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.texts import text
from tests.e2e.conversation import ALICE, Chat, Person, chat_fixture, label

__all__ = ["chat_fixture"]

NEW_YORK = "America/New_York"


def _utc(zone: str, *args: int) -> str:
    """A local wall time as the UTC text SQLite keeps, to the minute."""
    moment = datetime(*args, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    return moment.strftime("%Y-%m-%d %H:%M")


def _summaries(person: Person) -> list[str]:
    texts = [m.plain_text or "" for m in person.messages()]
    return [t for t in texts if t.startswith("Your week\n")]


async def test_weekly_summary_arrives_once_on_sunday_evening_local(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone=NEW_YORK)
    (weekly,) = alice.nudges("weekly_summary")
    # Sunday 8 March 2026, 18:00 in New York (clocks went forward that morning).
    assert str(weekly["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 8, 18, 0))

    for day, answer in ((2, "done"), (3, "too_easy"), (4, "done")):
        chat.set_local(NEW_YORK, 2026, 3, day, 8, 0)
        daily, _ = await chat.tick()
        assert daily.sent == 1
        await alice.tap(label("stretch", answer))
        await alice.tap(label("strength", "done"))
    assert len(alice.feedback()) == 6

    chat.set_local(NEW_YORK, 2026, 3, 8, 17, 59)
    await chat.tick()
    assert _summaries(alice) == []
    chat.set_local(NEW_YORK, 2026, 3, 8, 18, 0)
    _, nudged = await chat.tick()
    assert nudged.sent == 1
    (summary,) = _summaries(alice)
    assert "Sessions done: 3 of 7" in summary

    await chat.tick()
    chat.advance(minutes=30)
    await chat.tick()
    assert len(_summaries(alice)) == 1, "a second tick does not repeat it"
    (weekly,) = alice.nudges("weekly_summary")
    assert str(weekly["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 15, 18, 0))


async def test_weekly_summary_is_not_sent_after_a_week_without_sessions(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone="Europe/Lisbon")
    chat.set_local("Europe/Lisbon", 2026, 3, 8, 18, 0)
    nudged = await chat.app.bot_data.services.nudges.dispatch_due()
    assert (nudged.claimed, nudged.sent) == (1, 0)
    assert _summaries(alice) == []
    (weekly,) = alice.nudges("weekly_summary")
    assert str(weekly["due_at"]).startswith(_utc("Europe/Lisbon", 2026, 3, 15, 18, 0))


async def _hurt_with(chat: Chat, alice: Person, pain: str) -> None:
    await alice.onboard(at="8:00", zone=NEW_YORK)
    chat.set_local(NEW_YORK, 2026, 3, 2, 8, 0)
    assert (await chat.tick())[0].sent == 1
    await alice.tap(label("strength", "hurt"))
    await alice.tap(pain)


async def test_next_morning_pain_check_worse_makes_sessions_lighter(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _hurt_with(chat, alice, "4")
    (check,) = alice.nudges("pain_check")
    assert str(check["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 3, 9, 0))

    chat.set_local(NEW_YORK, 2026, 3, 3, 8, 59)
    assert (await chat.tick())[1].sent == 0
    chat.set_local(NEW_YORK, 2026, 3, 3, 9, 0)
    assert (await chat.tick())[1].sent == 1
    question = alice.last_with("Yesterday a move hurt")
    assert question.button_texts == [str(n) for n in range(11)]
    assert (await chat.tick())[1].sent == 0, "asked once"

    tap = await alice.tap("5")
    assert tap.toast == text("toast.recorded")
    answered = alice.message(question.message_id)
    assert "I've made your next sessions lighter" in (answered.plain_text or "")
    assert answered.inline_keyboard == []
    # Worse than yesterday: asked again the next morning, with today's score carried.
    (again,) = alice.nudges("pain_check")
    assert str(again["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 4, 9, 0))
    assert json.loads(again["payload"]) == {"pain": 5, "worse": True}
    assert not alice.user()["strength_paused"]


async def test_next_morning_pain_check_better_keeps_things_gentle(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _hurt_with(chat, alice, "4")
    chat.set_local(NEW_YORK, 2026, 3, 3, 9, 0)
    await chat.tick()
    await alice.tap("1")
    assert "Good to hear" in (alice.last_with("Thanks").plain_text or "")
    assert alice.nudges("pain_check") == []


async def test_next_morning_pain_check_double_tap_counts_once(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _hurt_with(chat, alice, "4")
    chat.set_local(NEW_YORK, 2026, 3, 3, 9, 0)
    await chat.tick()
    message_id, data = alice.button("5")
    first = await alice.tap_data(data, message_id)
    after_first = chat.rows("select * from ladder_progress where user_id = ?", ALICE)
    nudges_after_first = alice.nudges()
    second = await alice.tap_data(data, message_id)
    assert first.toast == text("toast.recorded")
    assert second.toast == text("toast.invalid")
    assert chat.rows("select * from ladder_progress where user_id = ?", ALICE) == after_first
    assert alice.nudges() == nudges_after_first


async def test_an_unanswered_morning_question_lapses(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await _hurt_with(chat, alice, "4")
    chat.set_local(NEW_YORK, 2026, 3, 3, 9, 0)
    assert (await chat.tick())[1].sent == 1
    question = alice.last_with("Yesterday a move hurt")
    chat.set_local(NEW_YORK, 2026, 3, 4, 9, 0)
    assert (await chat.tick())[1].sent == 0, "not asked again: no reply, no change"
    assert alice.nudges("pain_check") == []
    before = chat.snapshot()
    tap = await alice.tap_data(alice.button("3")[1], question.message_id)
    assert tap.toast == text("toast.invalid")
    assert chat.snapshot() == before


async def _one_answered_day(chat: Chat, alice: Person, zone: str, day: int) -> None:
    chat.set_local(zone, 2026, 3, day, 8, 0)
    await chat.tick()
    await alice.tap(label("stretch", "done"))


async def test_weekly_summary_for_someone_who_began_with_today(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/today", until="Your inner-thigh session")
    await alice.tap(label("stretch", "done"))
    assert len(alice.nudges("weekly_summary")) == 1
    chat.set_local("UTC", 2026, 3, 8, 18, 0)
    assert (await chat.tick())[1].sent == 1
    assert "Sessions done: 1 of 7" in _summaries(alice)[0]


async def test_weekly_summary_comes_back_after_the_person_unblocks_the_bot(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone="Europe/Lisbon")
    await _one_answered_day(chat, alice, "Europe/Lisbon", 2)
    await chat.set_blocked(ALICE, blocked=True)
    chat.set_local("Europe/Lisbon", 2026, 3, 8, 18, 0)
    await chat.tick()
    assert _summaries(alice) == [], "blocked: nothing is sent"
    await chat.set_blocked(ALICE, blocked=False)
    await _one_answered_day(chat, alice, "Europe/Lisbon", 10)
    chat.set_local("Europe/Lisbon", 2026, 3, 15, 18, 0)
    await chat.tick()
    assert len(_summaries(alice)) == 1, "the weekly summary did not stop for good"


async def test_the_weekly_summary_comes_on_the_day_the_person_chose(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone=NEW_YORK)
    await alice.say("/summary Wednesday", until="weekly summary moves")
    assert alice.user()["summary_weekday"] == 2
    (weekly,) = alice.nudges("weekly_summary")
    # The clock stands at Monday 2 March 2026: the next Wednesday is the 4th, 18:00 local.
    assert str(weekly["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 4, 18, 0))

    chat.set_local(NEW_YORK, 2026, 3, 4, 8, 0)
    await chat.tick()
    await alice.tap(label("stretch", "done"))
    chat.set_local(NEW_YORK, 2026, 3, 4, 18, 0)
    _, nudged = await chat.tick()
    assert nudged.sent == 1
    assert len(_summaries(alice)) == 1
    (weekly,) = alice.nudges("weekly_summary")
    assert str(weekly["due_at"]).startswith(_utc(NEW_YORK, 2026, 3, 11, 18, 0))

    await alice.say("/summary someday", until="Tell me a day")
    assert alice.user()["summary_weekday"] == 2, "a day not understood changes nothing"
