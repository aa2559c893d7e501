"""Free-text intents: every phrase the coach must understand, its typos and its traps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.intents import Intent, IntentKind, parse_intent
from bot.domain.library import Area
from bot.domain.safety import RedFlag
from bot.domain.state import Outcome

K = IntentKind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # done
        ("done", K.DONE),
        ("Done!", K.DONE),
        ("DONE", K.DONE),
        ("  done  ", K.DONE),
        ("done.", K.DONE),
        ("did it", K.DONE),
        ("I did it!", K.DONE),
        ("finished", K.DONE),
        ("completed", K.DONE),
        ("all done 🙂", K.DONE),
        ("✅", K.DONE),
        ("✔️", K.DONE),
        ("👍", K.DONE),
        ("👍🏽", K.DONE),
        ("done, thanks!", K.DONE),
        ("Done! What's next?", K.DONE),
        ("done, no pain", K.DONE),
        ("did it, didn't hurt", K.DONE),
        ("done, pain 2/10", K.DONE),
        # too hard
        ("too hard", K.TOO_HARD),
        ("Too hard!!", K.TOO_HARD),
        ("that was hard", K.TOO_HARD),
        ("to hard", K.TOO_HARD),
        ("too difficult", K.TOO_HARD),
        ("couldn't do it", K.TOO_HARD),
        ("I couldn’t do it", K.TOO_HARD),
        ("could not do the second one", K.TOO_HARD),
        ("couldn't finish", K.TOO_HARD),
        ("did it but it was too hard", K.TOO_HARD),
        ("make it easier please", K.TOO_HARD),
        # too easy
        ("too easy", K.TOO_EASY),
        ("that was easy", K.TOO_EASY),
        ("easy peasy", K.TOO_EASY),
        ("Easy!", K.TOO_EASY),
        ("done, it was easy", K.TOO_EASY),
        ("to easy", K.TOO_EASY),
        # hurt
        ("it hurts", K.HURT),
        ("hurt", K.HURT),
        ("ouch", K.HURT),
        ("Ouch!", K.HURT),
        ("that was painful", K.HURT),
        ("done but it hurt", K.HURT),
        ("too hard and it hurt", K.HURT),
        # requests
        ("pause", K.PAUSE),
        ("take a break", K.PAUSE),
        ("resume", K.RESUME),
        ("I'm back", K.RESUME),
        ("skip", K.SKIP),
        ("not today", K.SKIP),
        ("more", K.MORE),
        ("/more", K.MORE),
        ("one more please", K.MORE),
        ("help", K.HELP),
        ("?", K.HELP),
        ("hi", K.GREETING),
        ("Hello!", K.GREETING),
        ("good morning", K.GREETING),
        ("thanks", K.THANKS),
        ("thank you!", K.THANKS),
        ("thx", K.THANKS),
        ("hi, help", K.HELP),
    ],
)
def test_phrases(text: str, kind: IntentKind) -> None:
    assert parse_intent(text).kind is kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("doen", K.DONE),
        ("dnoe", K.DONE),
        ("Doen!", K.DONE),
        ("finsihed", K.DONE),
        ("finshed", K.DONE),
        ("completd", K.DONE),
        ("too hrad", K.TOO_HARD),
        ("to dificult", K.TOO_HARD),
        ("too eays", K.TOO_EASY),
        ("it hrut", K.HURT),
        ("thnaks", K.THANKS),
        ("hlep", K.HELP),
        ("pasue", K.PAUSE),
    ],
)
def test_typos(text: str, kind: IntentKind) -> None:
    assert parse_intent(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "none",  # one letter from "done", but a real word: never corrected
        "gone",
        "bone",
        "dome",
        "node",
        "east",  # not "easy"
        "think",  # not "thank"
        "angle",  # not "ankle"
        "hand",  # not "hard"
        "hunt",  # not "hurt"
    ],
)
def test_real_words_are_not_corrected_into_keywords(text: str) -> None:
    assert parse_intent(text).kind is K.UNKNOWN


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("I want better balance", Area.BALANCE),
        ("balance", Area.BALANCE),
        ("Balance!", Area.BALANCE),
        ("something for my knees", Area.KNEES),
        ("knee", Area.KNEES),
        ("ankles", Area.ANKLES),
        ("hips", Area.HIPS),
        ("my groin", Area.HIPS),
        ("focus on hips please", Area.HIPS),
        ("balence", Area.BALANCE),
        ("ankels", Area.ANKLES),
    ],
)
def test_focus_areas(text: str, area: Area) -> None:
    assert parse_intent(text) == Intent(K.FOCUS, area=area)


def test_focus_without_area_asks_which() -> None:
    assert parse_intent("change focus") == Intent(K.FOCUS)


def test_more_for_an_area() -> None:
    assert parse_intent("another one for my knees") == Intent(K.MORE, area=Area.KNEES)


def test_answer_keeps_the_area_it_names() -> None:
    assert parse_intent("my knee hurts") == Intent(K.HURT, area=Area.KNEES)


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        ("hurt 4", 4),
        ("it hurts, about 4", 4),
        ("pain 3/10", 3),
        ("ouch, 2 out of 10", 2),
    ],
)
def test_pain_scores(text: str, pain: int) -> None:
    intent = parse_intent(text)
    assert (intent.kind, intent.pain) == (K.HURT, pain)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("pause for 3 days", 3),
        ("Pause for three days", 3),
        ("pause for a week", 7),
        ("stop for 2 weeks", 14),
        ("pause", None),
        ("pause for a few days", None),
    ],
)
def test_pause_days(text: str, days: int | None) -> None:
    assert parse_intent(text) == Intent(K.PAUSE, days=days)


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("sharp pain", (RedFlag.SHARP_PAIN,)),
        ("done, but I felt something pop", (RedFlag.POP,)),
        ("too easy. some swelling though", (RedFlag.SWELLING,)),
        ("thanks! numb foot", (RedFlag.NUMBNESS,)),
        ("pins and needles", (RedFlag.TINGLING,)),
        ("bruising", (RedFlag.BRUISING,)),
        ("lump in the groin", (RedFlag.GROIN_LUMP,)),
        ("fever with groin pain", (RedFlag.FEVER_WITH_PAIN,)),
        ("hurt 6", (RedFlag.PAIN_ABOVE_LIMIT,)),
        ("pain 7/10", (RedFlag.PAIN_ABOVE_LIMIT,)),
        ("worse two mornings running", (RedFlag.WORSE_TWO_MORNINGS,)),
    ],
)
def test_red_flags_override_everything(text: str, flags: tuple[RedFlag, ...]) -> None:
    intent = parse_intent(text)
    assert (intent.kind, intent.red_flags) == (K.RED_FLAG, flags)


def test_red_flag_keeps_the_pain_score() -> None:
    assert parse_intent("hurt 6").pain == 6


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("no sharp pain", K.UNKNOWN),
        ("done, no sharp pain", K.DONE),
        ("done, no swelling or numbness", K.DONE),
        ("not done", K.UNKNOWN),
        ("not done yet", K.UNKNOWN),
        ("haven't finished", K.UNKNOWN),
        ("wasn't that hard", K.UNKNOWN),
        ("not too hard, done", K.DONE),
        ("it didn't hurt", K.UNKNOWN),
        ("no pain", K.UNKNOWN),
        ("don't stop", K.UNKNOWN),
        ("no more", K.UNKNOWN),
        ("no thanks", K.UNKNOWN),
    ],
)
def test_negation(text: str, kind: IntentKind) -> None:
    intent = parse_intent(text)
    assert intent.kind is kind
    assert intent.red_flags == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ok",
        "hmm",
        "yes",
        "no",
        "maybe tomorrow we'll see",
        "what have I done?",
        "done?",
        "was it easy?",
        "the stretch was easy but the squeeze was too hard",
        "knees and hips",
        "pause and resume",
        "sore",  # soreness after training is normal: ask, don't step down
        "42",
    ],
)
def test_ambiguous_is_unknown(text: str) -> None:
    assert parse_intent(text).kind is K.UNKNOWN


def test_outcome_of_answers() -> None:
    assert parse_intent("done").outcome is Outcome.DONE
    assert parse_intent("too hard").outcome is Outcome.TOO_HARD
    assert parse_intent("too easy").outcome is Outcome.TOO_EASY
    assert parse_intent("it hurts").outcome is Outcome.HURT
    assert parse_intent("thanks").outcome is None
    assert parse_intent("sharp pain").outcome is None


@given(st.text())
def test_any_text_gives_an_intent(text: str) -> None:
    intent = parse_intent(text)
    assert isinstance(intent.kind, IntentKind)
    assert (intent.kind is K.RED_FLAG) == bool(intent.red_flags)
    assert intent.pain is None or 0 <= intent.pain <= 10
