"""`run_content_check`: the summary an editor reads, and its exit code."""

from __future__ import annotations

import io
from typing import Any

from bot.domain.library import Kind
from bot.library import DEFAULT_CONTENT_DIR, load_library
from bot.library.report import run_content_check


def test_clean_content_prints_the_counts_and_returns_zero() -> None:
    library = load_library()
    out = io.StringIO()

    code = run_content_check(DEFAULT_CONTENT_DIR, out)

    text = out.getvalue()
    assert code == 0
    stretches = sum(ladder.top_level for ladder in library.ladders_of(Kind.STRETCH))
    strengths = sum(ladder.top_level for ladder in library.ladders_of(Kind.STRENGTH))
    assert f"(stretch {stretches}, strength {strengths}) in {len(library.ladders)} ladders" in text
    assert "copenhagen   strength  6 levels (one level a week)" in text
    for heading in ("Moves per level:", "Areas,", "Equipment:", "Positions:", "No floor"):
        assert heading in text
    assert text.rstrip().endswith("OK: no problems")


def test_broken_content_prints_each_problem_on_its_own_line_and_returns_one(
    content: Any,
) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["colour"] = "red"
        move["source"] = "nobody2020"
    with content.edit_move("cossack_squat") as move:
        move["cues"] = move["cues"][:1]
    out = io.StringIO()

    code = run_content_check(content.root, out)

    lines = out.getvalue().splitlines()
    assert code == 1
    assert "2 problem(s):" in lines
    assert "  moves/squeeze.yaml: seated_pillow_squeeze: unknown field 'colour'" in lines
    assert "  moves/standing.yaml: cossack_squat: has 1 cue; a move needs 2-4" in lines
    assert any(line.startswith("Moves: ") for line in lines)
