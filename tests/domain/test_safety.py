"""The safety screen, pain scores and red flags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.library import Contraindication, Equipment, Library, Position
from bot.domain.safety import (
    PAIN_ACCEPTABLE_MAX,
    PAIN_FINE_MAX,
    SCREEN_QUESTIONS,
    RedFlag,
    allowed,
    filter_moves,
    find_pain,
    find_red_flags,
    has_equipment,
    is_safe,
)
from bot.domain.state import Profile

R = RedFlag


def test_pain_limits_match_the_evidence() -> None:
    assert (PAIN_FINE_MAX, PAIN_ACCEPTABLE_MAX) == (3, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sharp pain on the inside of my thigh", (R.SHARP_PAIN,)),
        ("It was SHARP", (R.SHARP_PAIN,)),
        ("a stabbing pain", (R.SHARP_PAIN,)),
        ("shooting pain down the leg", (R.SHARP_PAIN,)),
        ("I felt something pop", (R.POP,)),
        ("heard a popping sound", (R.POP,)),
        ("there was a pop", (R.POP,)),
        ("it popped", (R.POP,)),
        ("some bruising today", (R.BRUISING,)),
        ("it looks bruised", (R.BRUISING,)),
        ("my groin is swollen", (R.SWELLING,)),
        ("swelling above the knee", (R.SWELLING,)),
        ("my leg went numb", (R.NUMBNESS,)),
        ("numbness in the foot", (R.NUMBNESS,)),
        ("tingling in my toes", (R.TINGLING,)),
        ("pins and needles", (R.TINGLING,)),
        ("pins-and-needles after", (R.TINGLING,)),
        ("there's a lump in the groin", (R.GROIN_LUMP,)),
        ("I found a bulge in my groin", (R.GROIN_LUMP,)),
        ("fever and groin pain", (R.FEVER_WITH_PAIN,)),
        ("I have a fever. My groin hurts", (R.FEVER_WITH_PAIN,)),
        ("pain 7/10", (R.PAIN_ABOVE_LIMIT,)),
        ("hurts about 6", (R.PAIN_ABOVE_LIMIT,)),
        ("pain above 5", (R.PAIN_ABOVE_LIMIT,)),
        ("pain worse two mornings running", (R.WORSE_TWO_MORNINGS,)),
        ("worse again this morning", (R.WORSE_TWO_MORNINGS,)),
        ("worse 2 days in a row", (R.WORSE_TWO_MORNINGS,)),
        ("sharp pain and now it's swollen", (R.SHARP_PAIN, R.SWELLING)),
        ("done ✅ but I felt a pop", (R.POP,)),
        ("numb and tingling, pain 8/10", (R.NUMBNESS, R.TINGLING, R.PAIN_ABOVE_LIMIT)),
        # A hedge is not a denial: better to pause once too often.
        ("not sure if it's swollen", (R.SWELLING,)),
        ("no idea why it feels numb", (R.NUMBNESS,)),
        ("I don't know if that was a pop", (R.POP,)),
        # Negation stops at the clause.
        ("no pain, but it's swollen", (R.SWELLING,)),
        ("not numb but tingling", (R.TINGLING,)),
    ],
)
def test_red_flags_found(text: str, expected: tuple[RedFlag, ...]) -> None:
    assert find_red_flags(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no sharp pain",
        "No sharp pain at all!",
        "it wasn't sharp",
        "without any popping",
        "nothing popped, no pop",
        "no swelling",
        "no sharp pain or swelling",
        "never any numbness",
        "I don't feel any tingling",
        "no numbness or tingling",
        "no bruising",
        "no lump",
        "no fever",
        "I have a fever",  # a fever without groin pain is not this flag
        "pain 5/10",  # acceptable, not above the limit
        "pain 3",
        "pause for 7 days",
        "did 10 reps",
        "it's not worse two mornings running",
        "worse this morning",  # once is a morning check, not a red flag
        "done",
        "smelling salts",  # never fuzzily "swelling"
        "",
    ],
)
def test_no_red_flag(text: str) -> None:
    assert find_red_flags(text) == ()


@pytest.mark.parametrize(
    ("text", "pain"),
    [
        ("pain 7/10", 7),
        ("pain 7 / 10", 7),
        ("hurt 6", 6),
        ("it hurts, about 4", 4),
        ("3 out of 10", 3),
        ("it hurts, about four", 4),
        ("sore, 2", 2),
        ("pain level 0", 0),
        ("pain above 5", 6),
        ("over 9 pain", 10),
        ("pain 10/10", 10),
        ("pain 11", None),
        ("hurt for 2 days", None),
        ("pause for 3 days", None),
        ("did 12 reps", None),
        ("done 5", None),
        ("it hurts", None),
    ],
)
def test_find_pain(text: str, pain: int | None) -> None:
    assert find_pain(text) == pain


@given(st.text())
def test_readers_never_crash(text: str) -> None:
    flags = find_red_flags(text)
    pain = find_pain(text)
    assert len(set(flags)) == len(flags)
    assert pain is None or 0 <= pain <= 10


def test_screen_asks_about_every_contraindication_once() -> None:
    assert sorted(q.sets for q in SCREEN_QUESTIONS) == sorted(Contraindication)
    assert len({q.id for q in SCREEN_QUESTIONS}) == len(SCREEN_QUESTIONS)
    assert len({q.text_key for q in SCREEN_QUESTIONS}) == len(SCREEN_QUESTIONS)
    assert all(q.default_text.endswith("?") for q in SCREEN_QUESTIONS)


def test_contraindicated_move_not_allowed(library: Library) -> None:
    move = library.move("butterfly-3")  # floor, no equipment, rules out stiff knees
    assert allowed(move, Profile())
    assert not allowed(move, Profile(contraindications=frozenset({Contraindication.STIFF_KNEE})))


def test_no_floor_rules_out_floor_and_kneeling_moves_even_unlisted(library: Library) -> None:
    no_floor = frozenset({Contraindication.NO_FLOOR})
    floor_moves = [m for m in library.moves.values() if m.needs_floor]
    assert floor_moves
    assert all(Contraindication.NO_FLOOR not in m.contraindications for m in floor_moves)
    assert not any(is_safe(m, no_floor) for m in floor_moves)
    assert {m.position for m in floor_moves} == {Position.FLOOR, Position.KNEELING}
    assert is_safe(library.move("side-lunge-1"), no_floor)


def test_equipment(library: Library) -> None:
    needs_chair = library.move("side-lunge-2")
    assert not has_equipment(needs_chair, frozenset({Equipment.NONE}))
    assert has_equipment(needs_chair, frozenset({Equipment.CHAIR}))
    # No equipment is always at hand, even if the profile forgot to say so.
    assert has_equipment(library.move("side-lunge-1"), frozenset())


def test_filter_moves_keeps_order(library: Library) -> None:
    profile = Profile(contraindications=frozenset({Contraindication.NO_FLOOR}))
    moves = list(library.ladders["side-lunge"].moves)
    assert [m.id for m in filter_moves(moves, profile)] == [
        "side-lunge-1",
        "side-lunge-4",
        "side-lunge-5",
    ]
