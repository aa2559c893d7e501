"""Issue 6, free text: what people write instead of tapping always gets a useful answer."""

from __future__ import annotations

import pytest

from bot.domain.library import Area
from bot.texts import text
from tests.e2e.conversation import ALICE, Chat, chat_fixture

__all__ = ["chat_fixture"]


async def test_typed_answers_go_to_the_first_move_not_yet_answered(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00", zone="Europe/Lisbon")
    await alice.say("done", until=text("answer.no_session"))
    await alice.today()
    (session,) = alice.sessions()

    await alice.say("done", until="Got it: ✅ Done")
    await alice.say("too hard", until="Got it: 😓 Too hard")
    assert [(f["move_id"], f["outcome"]) for f in alice.feedback()] == [
        (session["stretch_id"], "done"),
        (session["strength_id"], "too_hard"),
    ]
    assert alice.feedback()[1]["offered_move_id"] is not None
    assert text("answer.easier") in (alice.last().plain_text or "")
    await alice.say("done", until=text("answer.all_done").split(".")[0])
    assert len(alice.feedback()) == 2

    chat.set_local("Europe/Lisbon", 2026, 3, 3, 8, 0)
    assert (await chat.tick())[0].sent == 1
    await alice.say("that was easy", until="Got it: 🙂 Too easy")
    await alice.say("it hurts 5", until="Got it: 🤕 It hurt (5/10)")
    outcomes = [(f["outcome"], f["pain"]) for f in alice.feedback()[2:]]
    assert outcomes == [("too_easy", None), ("hurt", 5)]
    (check,) = alice.nudges("pain_check")
    assert str(check["due_at"]).startswith("2026-03-04 09:00")
    assert not alice.user()["strength_paused"]


async def test_something_for_balance_sets_the_focus(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(focus="knees")
    new = await alice.say("something for balance", until="Focus set to Steadier balance")
    assert "Evidence: indirect." in (new[0].plain_text or "")
    assert alice.user()["focus"] == "balance"
    await alice.say("another one for my knees", until="One more, for knee-friendly strength")
    assert alice.user()["focus"] == "balance"


async def test_change_focus_without_an_area_asks_which(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(focus="knees")
    new = await alice.say("change focus", until="Which benefit would you like to focus on")
    assert chat.library.areas[Area.HIPS].title in new[-1].button_texts
    assert alice.user()["focus"] == "knees", "asking which is not clearing it"


async def test_red_flag_words_advise_a_check_and_pause_strength(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.today()
    (session,) = alice.sessions()
    await alice.say("sharp pain in my groin", until="Please pause the strength moves")
    assert alice.user()["strength_paused"] == 1
    ((move, outcome),) = [(f["move_id"], f["outcome"]) for f in alice.feedback()]
    assert (move, outcome) == (session["strength_id"], "hurt")
    assert alice.user()["focus"] is None, "'groin' here is a red flag, not a focus"
    await alice.say("/resume", until="Welcome back!")
    assert alice.user()["strength_paused"] == 0


async def test_red_flag_before_any_session_still_pauses_strength(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    await alice.say("I felt a pop and now there is swelling", until="Please pause")
    assert alice.user()["strength_paused"] == 1
    assert alice.feedback() == []


async def test_red_flag_during_set_up_is_not_taken_as_an_answer(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.say("/start")
    await alice.say("numbness in my inner thigh", until="Please pause")
    assert alice.user()["strength_paused"] == 1
    assert alice.user()["onboarding_step"] is not None


@pytest.mark.parametrize(
    ("words", "answer"),
    [
        ("thanks", text("thanks")),
        ("thank you!", text("thanks")),
        ("hello", text("greeting")),
        ("blah blah", text("unknown")),
        ("?", "What I can do"),
        ("what can you do", "What I can do"),
        ("🦄", text("unknown")),
        ("<b>bold</b> & <script>", text("unknown")),
    ],
)
async def test_small_talk_gets_a_helpful_answer(chat: Chat, words: str, answer: str) -> None:
    alice = chat.person(ALICE)
    await alice.onboard()
    new = await alice.say(words)
    assert len(new) == 1, "one answer, never silence"
    assert answer.replace("<b>", "").replace("</b>", "") in (new[0].plain_text or "")
    if answer == text("unknown"):
        assert "What I can do" in (new[0].plain_text or "")
    assert alice.feedback() == []


async def test_typed_requests_skip_pause_and_resume(chat: Chat) -> None:
    alice = chat.person(ALICE)
    await alice.onboard(at="8:00")
    await alice.today()
    await alice.say("skip today", until=text("toast.skipped"))
    assert alice.sessions()[0]["skipped"] == 1
    await alice.say("pause for 2 days", until="Paused for 2 day(s)")
    rest = chat.rows("select local_date from rest_days where user_id = ? order by 1", ALICE)
    assert [r["local_date"] for r in rest] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    await alice.say("I'm back", until="Welcome back!")
