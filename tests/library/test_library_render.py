"""Plain dose text and the Telegram-HTML block of one move."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.library import Area, Dose, Equipment, Kind, Move, Position
from bot.domain.render import (
    format_dose,
    render_move,
    telegram_length,
    visible_text,
)

MOVE = Move(
    id="pillow",
    name="Seated pillow squeeze",
    kind=Kind.STRENGTH,
    ladder="squeeze",
    level=1,
    doses=(Dose(sets=3, hold_seconds=10),),
    cues=("Sit tall.", "Press the pillow."),
    mistake="Holding your breath.",
    fix="Count out loud.",
    areas=frozenset({Area.HIPS}),
    equipment=frozenset({Equipment.PILLOW}),
    position=Position.SEATED,
    high_intensity=False,
    contraindications=frozenset(),
    source="acsm2011",
    safety_note="Stop below pain.",
)


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        (Dose(sets=2, reps=8, per_side=True), "2 × 8 reps per side"),
        (Dose(sets=2, hold_seconds=30), "hold 30 s × 2"),
        (Dose(sets=1, hold_seconds=20, per_side=True), "hold 20 s per side"),
        (Dose(sets=1, reps=10), "10 reps"),
        (Dose(sets=1, reps=1), "1 rep"),
        (Dose(sets=3, reps=1), "3 × 1 rep"),
        (Dose(sets=3, hold_seconds=10, per_side=True), "hold 10 s × 3 per side"),
    ],
)
def test_format_dose(dose: Dose, expected: str) -> None:
    assert format_dose(dose) == expected


@pytest.mark.parametrize(
    "dose", [Dose(sets=1), Dose(sets=1, reps=5, hold_seconds=5)], ids=["neither", "both"]
)
def test_format_dose_refuses_an_ambiguous_dose(dose: Dose) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        format_dose(dose)


def test_render_move_lays_out_name_dose_cues_mistake_and_safety() -> None:
    assert render_move(MOVE, MOVE.doses[0]) == (
        "<b>Seated pillow squeeze</b> — hold 10 s × 3\n"
        "• Sit tall.\n"
        "• Press the pillow.\n"
        "<i>Common mistake:</i> Holding your breath. → <i>Fix:</i> Count out loud.\n"
        "<i>Stop below pain.</i>"
    )


def test_render_move_escapes_markup_in_every_field() -> None:
    move = replace(
        MOVE,
        name="Squeeze <b>hard</b> & hold",
        cues=("Press < 50%", "Knees & ankles"),
        mistake="a > b",
        fix="x & y",
        safety_note="<script>",
    )

    html = render_move(move, move.doses[0])

    assert "<b>Squeeze &lt;b&gt;hard&lt;/b&gt; &amp; hold</b>" in html
    assert "• Press &lt; 50%" in html
    assert "• Knees &amp; ankles" in html
    assert "a &gt; b" in html
    assert "x &amp; y" in html
    assert "<i>&lt;script&gt;</i>" in html


def test_render_move_omits_an_empty_safety_note() -> None:
    html = render_move(replace(MOVE, safety_note=""), MOVE.doses[0])

    assert html.endswith("Count out loud.")


_TAGS = re.compile(r"<(/?)([^>]*)>")
_text = st.text(min_size=1, max_size=40)


@given(
    name=_text,
    cues=st.lists(_text, min_size=2, max_size=4),
    mistake=_text,
    fix=_text,
    note=_text,
)
def test_rendered_html_uses_only_b_and_i_and_shows_the_text_unchanged(
    name: str, cues: list[str], mistake: str, fix: str, note: str
) -> None:
    move = replace(MOVE, name=name, cues=tuple(cues), mistake=mistake, fix=fix, safety_note=note)

    html = render_move(move, move.doses[0])

    assert {tag for _, tag in _TAGS.findall(html)} <= {"b", "i"}
    shown = visible_text(html)
    for text in (name, *cues, mistake, fix, note):
        assert text in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", 3), ("é", 1), ("💪", 2), ("a💪b", 4)],
)
def test_telegram_length_counts_utf16_code_units(text: str, expected: int) -> None:
    assert telegram_length(text) == expected


def test_visible_text_strips_tags_and_decodes_entities() -> None:
    assert visible_text("<b>a &amp; b</b> <i>&lt;c&gt;</i>") == "a & b <c>"
