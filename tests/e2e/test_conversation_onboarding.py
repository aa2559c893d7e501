"""Issue 6, onboarding: time, zone, six safety questions, equipment and focus, tapped or typed."""

from __future__ import annotations

import json

from bot.domain.library import Area
from bot.domain.safety import SCREEN_QUESTIONS
from bot.texts import text
from tests.e2e.conversation import ALICE, Chat, chat_fixture

__all__ = ["chat_fixture"]


def _json(value: object) -> list[str]:
    return sorted(json.loads(str(value)))


async def test_onboarding_with_buttons_stores_every_answer(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start", until="When should your session arrive")
    assert alice.user()["onboarding_step"] is not None

    tap = await alice.tap("19:00")
    assert alice.message(alice.button("Berlin")[0]).plain_text.startswith("2/5")
    assert any("Share my location" in str(m.reply_markup) for m in tap.new)
    assert alice.user()["reminder_time"] == "19:00"

    await alice.tap("Berlin")
    assert alice.user()["timezone"] == "Europe/Berlin"
    # Yes to the floor question and to the recent groin strain, no to the others.
    yes = {"floor", "groin_strain"}
    for number, question in enumerate(SCREEN_QUESTIONS, start=1):
        asking = alice.last()
        assert f"({number} of {len(SCREEN_QUESTIONS)})" in (asking.plain_text or "")
        assert text(question.text_key) in (asking.plain_text or "")
        await alice.tap("Yes" if question.id in yes else "No")
        assert alice.message(asking.message_id).inline_keyboard == [], "answered: no buttons"
    assert _json(alice.user()["contraindications"]) == ["no_floor", "recent_groin_strain"]

    equipment = alice.last()
    assert "4/5" in (equipment.plain_text or "")
    await alice.tap("Chair")
    await alice.tap("Resistance band")
    edited = alice.message(equipment.message_id)
    assert edited.edited, "a toggle edits the same message"
    assert {"✅ Chair", "✅ Resistance band", "Wall"} <= set(edited.button_texts)
    await alice.tap("✅ Chair")  # and off again
    assert "Chair" in alice.message(equipment.message_id).button_texts
    assert _json(alice.user()["equipment"]) == ["band"]
    await alice.tap(text("button.done_setting"))

    assert "5/5" in (alice.last().plain_text or "")
    balance = chat.library.areas[Area.BALANCE].title
    tap = await alice.tap(balance)
    assert any("All set" in (m.plain_text or "") for m in tap.new)

    user = alice.user()
    assert (user["reminder_time"], user["timezone"], user["focus"]) == (
        "19:00",
        "Europe/Berlin",
        "balance",
    )
    assert _json(user["equipment"]) == ["band"]
    assert user["onboarding_step"] is None
    # The next daily session is at 19:00 Berlin time (18:00 UTC in March).
    assert str(user["next_reminder_at"]).startswith("2026-03-02 18:00")


async def test_onboarding_with_typed_answers(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start", until="When should your session arrive")
    await alice.say("7pm", until="Which time zone")
    await alice.say("europe/lisbon", until="(1 of 6)")
    # "skip" passes over one question only: the next safety question is still asked.
    await alice.say("skip", until="(2 of 6)")
    await alice.say("yes", until="(3 of 6)")
    for number in range(4, 7):
        await alice.say("no", until=f"({number} of 6)")
    await alice.say("no", until="What do you have at hand")
    await alice.say("band")
    assert "✅ Resistance band" in alice.last().button_texts
    await alice.say("done", until="What would you like the moves to help with")
    await alice.say("knees", until="All set")

    user = alice.user()
    assert (user["reminder_time"], user["timezone"], user["focus"]) == (
        "19:00",
        "Europe/Lisbon",
        "knees",
    )
    assert _json(user["contraindications"]) == ["hip_replacement_posterior"]
    assert _json(user["equipment"]) == ["band"]
    assert user["onboarding_step"] is None
    assert chat.feedback(ALICE) == [], "set-up words are never read as session answers"


async def test_a_typed_answer_the_bot_does_not_understand_asks_again(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start")
    new = await alice.say("at some point", until=text("unknown"))
    assert "When should your session arrive" in (new[-1].plain_text or "")
    await alice.say("Mars/Olympus")  # not a time: asked again, nothing stored
    assert alice.user()["reminder_time"] == "08:00"  # the default
    await alice.say("8:15", until="Which time zone")
    await alice.say("Mars/Olympus", until="Which time zone")
    assert alice.user()["timezone"] == "UTC"


async def test_shared_location_picks_the_nearest_city_zone(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start")
    await alice.tap("07:30")
    # Somewhere near Porto: Lisbon is the nearest city the bot knows.
    new = await alice.send(location={"latitude": 41.15, "longitude": -8.61})
    assert "Europe/Lisbon" in (new[0].plain_text or "")
    assert any("(1 of 6)" in (m.plain_text or "") for m in new)
    assert alice.user()["timezone"] == "Europe/Lisbon"
    assert alice.user()["onboarding_step"] is not None

    # Later, outside the set-up, a location still moves the zone (Tokyo).
    for _ in SCREEN_QUESTIONS:
        await alice.tap("No")
    await alice.tap(text("button.done_setting"))
    await alice.tap(text("button.skip"))
    assert alice.user()["onboarding_step"] is None
    new = await alice.send(location={"latitude": 35.6, "longitude": 139.7})
    assert "Asia/Tokyo" in (new[-1].plain_text or "")
    assert alice.user()["timezone"] == "Asia/Tokyo"
    assert alice.user()["onboarding_step"] is None


async def test_deep_link_preselects_the_focus_area(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start focus_balance", until="When should your session arrive")
    assert alice.user()["focus"] == "balance"
    # Skipping every question keeps the defaults and the area the link chose.
    await alice.tap(text("button.skip"))
    await alice.tap(text("button.skip"))
    for _ in SCREEN_QUESTIONS:
        await alice.tap(text("button.skip"))
    await alice.tap(text("button.done_setting"))
    tap = await alice.tap(text("button.skip"))
    assert any("All set" in (m.plain_text or "") for m in tap.new)
    user = alice.user()
    assert (user["focus"], user["timezone"], user["reminder_time"]) == ("balance", "UTC", "08:00")
    assert user["onboarding_step"] is None
    await alice.say("/today", until=chat.library.areas[Area.BALANCE].why[:30])


async def test_start_again_keeps_the_settings(chat: Chat) -> None:
    """A set-up left half-way starts over (the safety questions still matter), keeping what
    was already saved; after a finished set-up, /start just welcomes them back."""
    alice = chat.person(ALICE)
    await alice.say("/start")
    await alice.tap("06:30")
    await alice.say("/start", until="When should your session arrive")
    assert alice.user()["reminder_time"] == "06:30"
    await alice.onboard(at="6:30")
    await alice.say("/start", until=text("welcome.back"))
    assert alice.user()["reminder_time"] == "06:30"
    assert alice.user()["created_at"] is not None


async def test_safety_questions_are_asked_of_someone_whose_first_message_was_today(
    chat: Chat,
) -> None:
    """A row made by /today is not a set-up: /start must still ask the safety questions."""
    alice = chat.person(ALICE)
    await alice.today()
    assert not alice.user()["setup_completed"]
    await alice.say("/start", until="When should your session arrive")
    assert alice.user()["onboarding_step"] is not None
    await alice.onboard()
    assert alice.user()["setup_completed"]
    await alice.say("/start", until="Welcome back")
