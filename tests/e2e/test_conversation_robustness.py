"""Issue 6, everything else Telegram delivers: groups, channels, edits, media, blocking.

Each is answered sensibly or ignored by design; the fixture checks that nothing raised (no
ERROR log) and that every text the bot sent was accepted by the emulator as Telegram would.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.safety import SCREEN_QUESTIONS
from bot.texts import text
from tests.e2e.conversation import ALICE, BOB, Chat, chat_fixture, label

__all__ = ["chat_fixture"]

GROUP = -100_200
SUPERGROUP = -1_001_234_567_890
BOT_NAME = "inner_thigh_coach_bot"


def _group_message(chat_id: int, words: str, *, kind: str = "group") -> dict[str, Any]:
    command = words.split()[0] if words.startswith("/") else ""
    message: dict[str, Any] = {
        "message_id": 7,
        "date": 1_772_431_200,
        "chat": {"id": chat_id, "type": kind, "title": "Running club"},
        "from": {"id": BOB, "is_bot": False, "first_name": "Bob", "language_code": "en"},
        "text": words,
    }
    if command:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"message": message}


async def _group_replies(chat: Chat, chat_id: int) -> list[str]:
    return [m.plain_text or "" for m in chat.emulator.messages(chat_id)]


@pytest.mark.parametrize(("chat_id", "kind"), [(GROUP, "group"), (SUPERGROUP, "supergroup")])
async def test_groups_get_a_pointer_to_a_private_chat_and_nothing_else(
    chat: Chat, chat_id: int, kind: str
) -> None:
    await chat.inject(_group_message(chat_id, "/today", kind=kind))
    await chat.inject(_group_message(chat_id, f"/help@{BOT_NAME}", kind=kind))
    assert await _group_replies(chat, chat_id) == [text("group.private_only")] * 2
    # Not addressed to us: silence, as a well-behaved group bot.
    await chat.inject(_group_message(chat_id, "/help@some_other_bot", kind=kind))
    await chat.inject(_group_message(chat_id, "done, that was easy", kind=kind))
    await chat.inject(_group_message(chat_id, "/dance", kind=kind))
    assert len(await _group_replies(chat, chat_id)) == 2
    assert chat.rows("select * from users") == [], "no one is signed up from a group"


async def test_channel_posts_are_ignored(chat: Chat) -> None:
    post = {
        "message_id": 3,
        "date": 1_772_431_200,
        "chat": {"id": -1_009_876_543_210, "type": "channel", "title": "News"},
        "text": "/today",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    await chat.inject({"channel_post": post})
    await chat.inject({"edited_channel_post": {**post, "edit_date": 1_772_431_260}})
    assert chat.emulator.calls_to("sendMessage") == []
    assert chat.rows("select * from users") == []


async def test_an_edited_message_is_not_read_again(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.today()
    count = len(alice.messages())
    edited = alice.raw_message(text="done", edit_date=1_772_431_260)
    await chat.inject({"edited_message": edited})
    assert len(alice.messages()) == count
    assert alice.feedback() == [], "an edit is not a second answer"


MEDIA = {
    "sticker": {
        "sticker": {
            "file_id": "CAACAgI",
            "file_unique_id": "AgADxx",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "💪",
        }
    },
    "photo": {
        "photo": [{"file_id": "AgACAgI", "file_unique_id": "AQADyy", "width": 90, "height": 90}],
        "caption": "done <b>today</b>",
    },
    "voice": {"voice": {"file_id": "AwACAgI", "file_unique_id": "AgADzz", "duration": 3}},
    "contact": {"contact": {"phone_number": "+10000000000", "first_name": "Alice"}},
}


@pytest.mark.parametrize("kind", sorted(MEDIA))
async def test_media_gets_a_kind_pointer_to_what_works(chat: Chat, kind: str) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.today()
    new = await alice.send(**MEDIA[kind])
    assert [m.plain_text for m in new] == [
        "I can only read text. Tap a button or write done or too hard."
    ]
    assert alice.feedback() == []


async def test_media_during_set_up_keeps_the_question_open(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start")
    step = alice.user()["onboarding_step"]
    await alice.send(**MEDIA["sticker"])
    assert alice.user()["onboarding_step"] == step
    await alice.say("7:15", until="Which time zone")


async def test_blocking_marks_the_person_inactive_and_unblocking_brings_them_back(
    chat: Chat,
) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00")
    await chat.set_blocked(ALICE, blocked=True)
    assert alice.user()["status"] == "inactive"
    chat.set_local("UTC", 2026, 3, 2, 8, 5)
    daily, _ = await chat.tick()
    assert daily.sent == 0, "no session for someone who blocked the bot"

    chat.set_local("UTC", 2026, 3, 3, 7, 0)
    await chat.set_blocked(ALICE, blocked=False)
    user = alice.user()
    assert user["status"] == "active"
    assert str(user["next_reminder_at"]).startswith("2026-03-03 08:00")
    chat.set_local("UTC", 2026, 3, 3, 8, 0)
    assert (await chat.tick())[0].sent == 1


async def test_membership_changes_of_strangers_and_groups_change_nothing(chat: Chat) -> None:
    await chat.set_blocked(BOB, blocked=True)
    added = {
        "chat": {"id": GROUP, "type": "group", "title": "Running club"},
        "from": {"id": BOB, "is_bot": False, "first_name": "Bob"},
        "date": 1_772_431_200,
        "old_chat_member": {
            "user": {"id": 123456, "is_bot": True, "first_name": "C"},
            "status": "left",
        },
        "new_chat_member": {
            "user": {"id": 123456, "is_bot": True, "first_name": "C"},
            "status": "member",
        },
    }
    await chat.inject({"my_chat_member": added})
    assert chat.rows("select * from users") == []


async def test_a_tap_without_a_message_is_answered(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.today()
    data = alice.button(label("stretch", "done"))[1]
    for tapped in (data, "su:time:0700", "sa:1:h"):
        query = {
            "id": f"inline-{tapped}",
            "from": alice.sender(),
            "inline_message_id": "AAAAAQ",
            "chat_instance": "42",
            "data": tapped,
        }
        await chat.inject({"callback_query": query})
    answered = {a["callback_query_id"] for a in chat.emulator.callback_answers()}
    assert {"inline-" + d for d in (data, "su:time:0700", "sa:1:h")} <= answered
    chat.allow("message to edit not found")


async def test_long_and_marked_up_text_is_answered_within_telegram_limits(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    for words in ("x" * 4096, "<b>done</b>", "a & b < c", "/focus <script>", "/time <b>7</b>"):
        new = await alice.say(words)
        assert new, f"no answer to {words[:20]!r}"


async def test_set_up_in_spanish_renders_without_errors(chat: Chat) -> None:
    maria = chat.person(BOB, first_name="María", lang="es")
    await maria.say("/start")
    await maria.say("19:30")
    await maria.say("Europe/Madrid")
    for _ in SCREEN_QUESTIONS:
        await maria.say("no")
    await maria.say("listo")
    await maria.say("saltar")
    user = maria.user()
    assert (user["timezone"], user["reminder_time"], user["onboarding_step"]) == (
        "Europe/Madrid",
        "19:30",
        None,
    )
    for command in ("/today", "/help", "/settings", "/focus knees", "/more", "/why", "/forget"):
        assert await maria.say(command), command
