"""Issue 6, every button under the daily session, and taps that must be refused."""

from __future__ import annotations

import pytest

from bot.texts import text
from tests.e2e.conversation import ALICE, BOB, Chat, Person, chat_fixture, label

__all__ = ["chat_fixture"]

INVALID = text("toast.invalid")


async def _ready(
    chat: Chat, user_id: int = ALICE, name: str = "Alice", zone: str = "Europe/Lisbon"
) -> Person:
    person = chat.person(user_id, first_name=name)
    await person.onboard(at="8:00", zone=zone)
    await person.today()
    return person


async def test_done_too_easy_and_too_hard(chat: Chat) -> None:
    alice = await _ready(chat)
    message = alice.last()
    (session,) = alice.sessions()

    tap = await alice.tap(label("stretch", "done"))
    assert tap.toast == text("toast.recorded")
    assert tap.new == [], "the answer edits the session message, nothing new is sent"
    edited = alice.message(message.message_id)
    assert "Done. Nice work." in (edited.plain_text or "")
    assert not alice.has_button(label("stretch", "done"))
    assert alice.has_button(label("strength", "done"))

    await alice.tap(label("strength", "too_hard"))
    edited = alice.message(message.message_id)
    assert "Too hard" in (edited.plain_text or "")
    rows = [(f["move_id"], f["outcome"]) for f in alice.feedback()]
    assert rows == [(session["stretch_id"], "done"), (session["strength_id"], "too_hard")]
    offered = alice.feedback()[1]["offered_move_id"]
    assert offered is not None, "too hard offers the easier move at once"
    easier = chat.library.move(offered).name
    assert f"{text('answer.easier')} {easier}" in (edited.plain_text or "")
    assert edited.inline_keyboard == [], "both moves answered: no buttons left"

    # The next day's "too easy".
    chat.set_local("Europe/Lisbon", 2026, 3, 3, 8, 0)
    assert (await chat.tick())[0].sent == 1
    await alice.tap(label("stretch", "too_easy"))
    assert "Too easy" in (alice.last().plain_text or "")
    assert alice.feedback()[-1]["outcome"] == "too_easy"


async def test_it_hurt_with_4_is_noted_and_checked_next_morning(chat: Chat) -> None:
    alice = await _ready(chat)
    session_message = alice.last()
    (session,) = alice.sessions()
    tap = await alice.tap(label("strength", "hurt"))
    assert tap.toast is None
    (scale,) = tap.new
    assert scale.button_texts == [str(n) for n in range(11)]
    assert alice.feedback() == [], "nothing is recorded before the score"

    tap = await alice.tap("4")
    assert tap.toast == text("toast.recorded")
    assert "It hurt (4/10)" in (alice.message(scale.message_id).plain_text or "")
    assert "It hurt (4/10)" in (alice.message(session_message.message_id).plain_text or "")
    ((outcome, pain),) = [(f["outcome"], f["pain"]) for f in alice.feedback()]
    assert (outcome, pain) == ("hurt", 4)
    (check,) = alice.nudges("pain_check")
    assert check["session_id"] == session["id"]
    assert str(check["due_at"]).startswith("2026-03-03 09:00")  # 09:00 in Lisbon (UTC+0)
    assert not alice.user()["strength_paused"]
    assert not any(text("red_flag")[3:40] in (m.text or "") for m in alice.messages())


async def test_it_hurt_with_7_advises_a_check_and_pauses_strength(chat: Chat) -> None:
    alice = await _ready(chat)
    await alice.tap(label("strength", "hurt"))
    tap = await alice.tap("7")
    assert any("Please pause the strength moves" in (m.plain_text or "") for m in tap.new)
    assert alice.user()["strength_paused"] == 1
    assert alice.nudges("pain_check") == []
    # The next day's session has no strength move until /resume.
    chat.set_local("Europe/Lisbon", 2026, 3, 3, 8, 0)
    await chat.tick()
    assert alice.sessions()[-1]["strength_id"] is None
    assert "Strength moves are paused" in (alice.last().plain_text or "")


async def test_snooze_an_hour_sends_the_session_again(chat: Chat) -> None:
    alice = await _ready(chat, zone="Europe/Berlin")
    first = alice.last()
    chat.set_local("Europe/Berlin", 2026, 3, 2, 8, 10)
    tap = await alice.tap(text("button.snooze_hour"))
    assert tap.toast == text("toast.snoozed", time="09:10"), "in the person's own time"
    chat.advance(minutes=59)
    assert (await chat.tick())[1].sent == 0, "not before the hour"
    chat.advance(minutes=1)
    _, nudged = await chat.tick()
    assert nudged.sent == 1
    again = alice.last()
    assert again.message_id != first.message_id
    assert again.plain_text == first.plain_text
    assert alice.sessions()[0]["telegram_message_id"] == again.message_id
    assert (await chat.tick())[1].sent == 0, "once"


async def test_snooze_until_this_evening(chat: Chat) -> None:
    alice = await _ready(chat, zone="America/New_York")
    chat.set_local("America/New_York", 2026, 3, 2, 8, 0)
    tap = await alice.tap(text("button.snooze_evening"))
    assert tap.toast == text("toast.snoozed", time="19:00")
    chat.set_local("America/New_York", 2026, 3, 2, 18, 59)
    assert (await chat.tick())[1].sent == 0
    chat.set_local("America/New_York", 2026, 3, 2, 19, 0)
    assert (await chat.tick())[1].sent == 1
    assert "Your inner-thigh session" in (alice.last().plain_text or "")


async def test_snoozed_session_answered_meanwhile_is_not_sent_again(chat: Chat) -> None:
    alice = await _ready(chat)
    await alice.tap(text("button.snooze_hour"))
    await alice.tap(label("stretch", "done"))
    await alice.tap(label("strength", "done"))
    count = len(alice.messages())
    chat.advance(hours=1)
    assert (await chat.tick())[1].sent == 0
    assert len(alice.messages()) == count


async def test_skip_today(chat: Chat) -> None:
    alice = await _ready(chat)
    message = alice.last()
    tap = await alice.tap(text("button.skip_today"))
    assert tap.toast == text("toast.skipped")
    edited = alice.message(message.message_id)
    assert edited.inline_keyboard == [], "skipped: buttons gone"
    assert "Skipped today" in (edited.plain_text or "")
    (session,) = alice.sessions()
    assert session["skipped"] == 1
    rest = chat.rows("select local_date from rest_days where user_id = ?", ALICE)
    assert rest == [{"local_date": "2026-03-02"}]
    assert alice.feedback() == []


async def test_skip_today_on_yesterdays_message_skips_nothing(chat: Chat) -> None:
    alice = await _ready(chat)
    yesterday, skip = alice.button(text("button.skip_today"))
    chat.set_local("Europe/Lisbon", 2026, 3, 3, 8, 0)
    assert (await chat.tick())[0].sent == 1
    before = chat.snapshot()
    tap = await alice.tap_data(skip, yesterday)
    assert tap.toast == INVALID
    assert chat.snapshot() == before, "today is not skipped by an old button"
    assert alice.message(yesterday).inline_keyboard, "yesterday's moves can still be answered"


@pytest.mark.parametrize(
    "answer", [("stretch", "done"), ("strength", "too_hard"), ("strength", "hurt")]
)
async def test_double_tap_records_one_answer(chat: Chat, answer: tuple[str, str]) -> None:
    alice = await _ready(chat)
    message_id, data = alice.button(label(*answer))
    if answer[1] == "hurt":
        await alice.tap_data(data, message_id)
        message_id, data = alice.button("5")
    chat.allow("message is not modified")  # the second tap redraws the same message
    first = await alice.tap_data(data, message_id)
    second = await alice.tap_data(data, message_id)
    assert first.toast == text("toast.recorded")
    assert second.toast == text("toast.already")
    assert len(alice.feedback()) == 1
    if answer[1] == "hurt":
        # "It hurt" again on an answered move does not even open the scale.
        hurt_id, hurt = alice.button(label("stretch", "hurt"))
        hurt = hurt.replace(":s:", ":g:")
        again = await alice.tap_data(hurt, hurt_id)
        assert again.toast == text("toast.already")
        assert again.new == []


async def test_stale_taps_after_forget_are_refused(chat: Chat) -> None:
    alice = await _ready(chat)
    old_message, done = alice.button(label("stretch", "done"))
    _, skip = alice.button(text("button.skip_today"))
    await alice.say("/forget")
    await alice.tap(text("forget.confirm"))
    before = chat.snapshot()
    for data in (done, skip, done.replace(":d", ":p"), "pn" + done[2:-2] + ":4"):
        tap = await alice.tap_data(data, old_message)
        assert tap.toast == INVALID, data
    assert chat.snapshot() == before, "a stale tap writes nothing"


async def test_stale_tap_after_forget_does_not_answer_the_new_session(chat: Chat) -> None:
    alice = await _ready(chat)
    old_message, done = alice.button(label("stretch", "done"))
    await alice.say("/forget")
    await alice.tap(text("forget.confirm"))
    chat.advance(minutes=5)
    await alice.onboard()
    await alice.today()
    before = chat.snapshot()
    assert (await alice.tap_data(done, old_message)).toast == INVALID
    assert chat.snapshot() == before


FORGED_SHAPES = [
    "fb:0:s:d",
    "fb:1:x:d",
    "fb:999999:s:d",
    "fb:-1:s:d",
    "fb:1:s:d:extra",
    "pn:999999:g:4",
    "pn:{sid}:g:11",
    "sa:999999:h",
    "sa:{sid}:z",
    "mc:{sid}:4:0:99",
    "su:nowhere:x",
    "su:done:bogus",
    "fg:maybe",
    "",
    "x" * 64,
    "fb:" + "9" * 61,
]


async def test_forged_and_malformed_data_is_refused_and_writes_nothing(chat: Chat) -> None:
    alice = await _ready(chat)
    bob = await _ready(chat, BOB, "Bob")
    alice_sid = alice.sessions()[0]["id"]
    bob_message = bob.last().message_id
    before = chat.snapshot()
    forged = [
        f"fb:{alice_sid}:s:d",
        f"fb:{alice_sid}:g:p",
        f"pn:{alice_sid}:g:9",
        f"sa:{alice_sid}:s",
        f"sa:{alice_sid}:h",
        f"mc:{alice_sid}:4:0:9",
        *[shape.format(sid=alice_sid) for shape in FORGED_SHAPES],
    ]
    for data in forged:
        tap = await bob.tap_data(data, bob_message)
        assert tap.toast == INVALID, data
        assert tap.new == [], data
    assert chat.snapshot() == before, "no rows written, Alice's data untouched"
    assert bob.message(bob_message).inline_keyboard, "Bob's own session keeps its buttons"
