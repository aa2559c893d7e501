"""The library shipped in `content/`: it loads, meets the issue's counts, and is safe."""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from bot.domain.library import (
    FLOOR_POSITIONS,
    Area,
    Contraindication,
    Equipment,
    Evidence,
    Kind,
    Library,
    Move,
)
from bot.domain.render import MOVE_BLOCK_LIMIT, TELEGRAM_TEXT_LIMIT, render_move, telegram_length
from bot.library import DEFAULT_CONTENT_DIR, Third, check_library, load_library, third_of

SEED_ARTICLE = Path("/work/shared/seed/inner-thigh-article.txt")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def moves_of(library: Library, kind: Kind) -> list[Move]:
    return [m for ladder in library.ladders_of(kind) for m in ladder.moves]


def third(library: Library, move: Move) -> Third:
    return third_of(move.level, library.ladders[move.ladder].top_level)


def test_shipped_content_has_no_problems() -> None:
    library, problems = check_library(DEFAULT_CONTENT_DIR)

    assert problems == []
    assert library is not None


def test_counts_meet_the_minimums(library: Library) -> None:
    assert len(moves_of(library, Kind.STRETCH)) >= 12
    assert len(library.ladders_of(Kind.STRETCH)) >= 3
    assert len(moves_of(library, Kind.STRENGTH)) >= 16
    assert len(library.ladders_of(Kind.STRENGTH)) >= 4
    assert all(ladder.top_level >= 4 for ladder in library.ladders.values())


def test_ladders_run_from_level_one_up_without_gaps(library: Library) -> None:
    for ladder in library.ladders.values():
        assert [m.level for m in ladder.moves] == list(range(1, ladder.top_level + 1))
        assert all(m.ladder == ladder.id and m.kind is ladder.kind for m in ladder.moves)
        assert ladder.move_at(1) is ladder.moves[0]


def test_copenhagen_follows_the_six_published_levels(library: Library) -> None:
    ladder = library.ladders["copenhagen"]

    assert ladder.kind is Kind.STRENGTH
    assert ladder.top_level == 6
    assert ladder.max_levels_per_week == 1
    assert all(m.high_intensity for m in ladder.moves)
    assert [m.doses[-1].hold_seconds is not None for m in ladder.moves] == [True] * 5 + [False]


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("area", list(Area))
def test_every_area_is_served_at_every_third(library: Library, area: Area, kind: Kind) -> None:
    served = {third(library, m) for m in moves_of(library, kind) if area in m.areas}

    assert served == set(Third)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_whole_day_can_be_built_without_the_floor(library: Library, kind: Kind) -> None:
    usable = [
        m for m in moves_of(library, kind) if Contraindication.NO_FLOOR not in m.contraindications
    ]

    assert len(usable) >= 4
    assert {third(library, m) for m in usable} == set(Third)
    assert not any(m.position in FLOOR_POSITIONS for m in usable)


def test_floor_moves_carry_the_no_floor_contraindication(library: Library) -> None:
    for move in library.moves.values():
        assert move.needs_floor == (Contraindication.NO_FLOOR in move.contraindications)


@pytest.mark.parametrize(
    ("area", "evidence"),
    [
        (Area.HIPS, Evidence.STRONG),
        (Area.BALANCE, Evidence.INDIRECT),
        (Area.KNEES, Evidence.WEAK),
        (Area.ANKLES, Evidence.NOT_SUPPORTED),
    ],
)
def test_areas_rate_the_evidence_as_evidence_md_does(
    library: Library, area: Area, evidence: Evidence
) -> None:
    info = library.areas[area]

    assert info.evidence is evidence
    assert info.title
    assert info.why
    assert info.evidence_note


def test_after_a_groin_strain_only_the_gentle_squeezes_remain(library: Library) -> None:
    allowed = {
        m.id
        for m in library.moves.values()
        if Contraindication.RECENT_GROIN_STRAIN not in m.contraindications
    }

    assert allowed == {"standing_floor_squeeze", "seated_pillow_squeeze"}


def test_pregnancy_keeps_pillow_squeezes_and_the_small_bridge(library: Library) -> None:
    allowed = {
        m.id
        for m in moves_of(library, Kind.STRENGTH)
        if Contraindication.PREGNANCY not in m.contraindications
    }

    assert {"seated_pillow_squeeze", "bridge_squeeze"} <= allowed
    assert not any(library.move(move_id).high_intensity for move_id in allowed)


def test_stiff_knee_rules_out_every_butterfly_and_kneeling_move(library: Library) -> None:
    for move in library.moves.values():
        if move.ladder == "butterfly" or move.position.value == "kneeling":
            assert Contraindication.STIFF_KNEE in move.contraindications, move.id


def test_some_strength_move_suits_everyone_anywhere(library: Library) -> None:
    assert any(
        not m.contraindications and m.equipment == {Equipment.NONE} and not m.needs_floor
        for m in moves_of(library, Kind.STRENGTH)
    )


@pytest.mark.parametrize("answer", list(Contraindication))
def test_every_screen_answer_leaves_some_strength_work(
    library: Library, answer: Contraindication
) -> None:
    assert any(answer not in m.contraindications for m in moves_of(library, Kind.STRENGTH))


def test_high_intensity_moves_are_screened_for_hips_groin_and_pregnancy(
    library: Library,
) -> None:
    needed = {
        Contraindication.PREGNANCY,
        Contraindication.RECENT_GROIN_STRAIN,
        Contraindication.HIP_REPLACEMENT_ANTERIOR,
        Contraindication.HIP_REPLACEMENT_POSTERIOR,
    }
    for move in library.moves.values():
        if move.high_intensity:
            assert needed <= move.contraindications, move.id


def test_stretch_holds_are_within_the_recommended_range(library: Library) -> None:
    for move in moves_of(library, Kind.STRETCH):
        for dose in move.doses:
            assert dose.hold_seconds is None or 10 <= dose.hold_seconds <= 60, move.id


def test_isolation_moves_cue_the_muscle_and_whole_leg_moves_cue_the_world(
    library: Library,
) -> None:
    # Internal focus helps low-load isolation work; external focus suits squats and lunges.
    for ladder_id in ("squeeze", "copenhagen", "open_chain"):
        for move in library.ladders[ladder_id].moves:
            assert any("feel" in cue.lower() for cue in move.cues), move.id
    for move in library.ladders["standing"].moves:
        text = " ".join(move.cues).lower()
        assert "push the floor away" in text or "little toe" in text, move.id


def test_the_wide_squat_is_not_sold_as_an_isolation_move(library: Library) -> None:
    squat = library.move("wide_squat_chair")

    assert "not an inner-thigh isolation" in squat.safety_note


def test_every_move_cites_a_known_source(library: Library) -> None:
    for move in library.moves.values():
        assert move.source in library.sources


def test_sources_doc_describes_exactly_the_sources_file(library: Library) -> None:
    doc = (DEFAULT_CONTENT_DIR / "SOURCES.md").read_text(encoding="utf-8")

    assert set(re.findall(r"^## `([^`]+)`", doc, re.MULTILINE)) == set(library.sources)
    assert "nverified" in doc  # the Copenhagen hold times are flagged as our own


def test_a_day_fits_one_telegram_message_with_room_to_spare(library: Library) -> None:
    def longest(kind: Kind) -> int:
        return max(
            telegram_length(render_move(m, d)) for m in moves_of(library, kind) for d in m.doses
        )

    assert longest(Kind.STRETCH) <= MOVE_BLOCK_LIMIT
    assert longest(Kind.STRENGTH) <= MOVE_BLOCK_LIMIT
    assert longest(Kind.STRETCH) + longest(Kind.STRENGTH) < TELEGRAM_TEXT_LIMIT // 2


def test_the_library_is_frozen(library: Library) -> None:
    move = next(iter(library.moves.values()))

    with pytest.raises(FrozenInstanceError):
        move.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        library.ladders["new"] = library.ladders["squeeze"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("top", "thirds"),
    [
        (4, "GGMH"),
        (5, "GGMMH"),
        (6, "GGMMHH"),
        (3, "GMH"),
    ],
)
def test_third_of_splits_a_ladder_with_the_remainder_at_the_gentle_end(
    top: int, thirds: str
) -> None:
    letters = {Third.GENTLE: "G", Third.MIDDLE: "M", Third.HARD: "H"}

    assert "".join(letters[third_of(level, top)] for level in range(1, top + 1)) == thirds


@pytest.mark.skipif(not SEED_ARTICLE.is_file(), reason="seed article not available")
def test_no_sentence_is_taken_from_the_seed_article() -> None:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z']+", text.lower())
        return {tuple(words[i : i + 6]) for i in range(len(words) - 5)}

    ours = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(DEFAULT_CONTENT_DIR.rglob("*.yaml"))
    )

    assert shingles(ours) & shingles(SEED_ARTICLE.read_text(encoding="utf-8")) == set()
