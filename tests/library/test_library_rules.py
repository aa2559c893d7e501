"""Each rule, broken on purpose in a copy of the shipped content, is reported by file and id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.library import LibraryError, Problem, load_library


def reported(problems: list[Problem], file: str, item: str | None, fragment: str) -> bool:
    return any(p.file == file and p.id == item and fragment in p.message for p in problems)


def add_unknown_field(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["colour"] = "red"


def duplicate_move_id(content: Any) -> None:
    moves = content.load("moves/squeeze.yaml")["moves"]
    squeeze = next(move for move in moves if move["id"] == "seated_pillow_squeeze")
    with content.edit("moves/straddle.yaml") as data:
        data["moves"].append(squeeze)


def leave_level_gap(content: Any) -> None:
    content.remove_move("side_lunge")  # level 4 of the standing ladder


def unknown_area(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["areas"].append("calves")


def unknown_equipment(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["equipment"] = ["dumbbell"]


def unknown_source(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["source"] = "nobody2020"


def unknown_ladder(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["ladder"] = "pilates"


def set_dose(**step: int) -> Callable[[Any], None]:
    def mutate(content: Any) -> None:
        with content.edit_move("seated_pillow_squeeze") as move:
            move["doses"][0] = step

    return mutate


def too_few_cues(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["cues"] = move["cues"][:1]


def too_many_cues(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["cues"] = [f"Cue number {n}." for n in range(5)]


def too_long_rendered(content: Any) -> None:
    # Within the field's own limit, but every "&" becomes "&amp;" in Telegram HTML.
    with content.edit_move("seated_pillow_squeeze") as move:
        move["mistake"] = "&" * 150
        move["fix"] = "<" * 150


def uncover_ankles(content: Any) -> None:
    with content.edit_move("cossack_squat") as move:  # the only hard strength move for ankles
        move["areas"].remove("ankles")


def mismatch_kind(content: Any) -> None:
    with content.edit_move("bridge_squeeze") as move:
        move["kind"] = "stretch"


def undocumented_source(content: Any) -> None:
    with content.edit("sources.yaml") as data:
        data["sources"]["extra2020"] = {"citation": "Someone. A paper. 2020."}


def overclaim_evidence(content: Any) -> None:
    with content.edit("areas.yaml") as data:
        data["areas"][3]["evidence"] = "strong"


def forget_groin_strain(content: Any) -> None:
    with content.edit_move("cossack_squat") as move:
        move["contraindications"].remove("recent_groin_strain")


def forget_screen_on_high_intensity(content: Any) -> None:
    with content.edit_move("copenhagen_adduction") as move:
        move["contraindications"].remove("pregnancy")


def butterfly_without_stiff_knee(content: Any) -> None:
    with content.edit_move("seated_butterfly") as move:
        move["contraindications"].remove("stiff_knee")


def speed_up_copenhagen(content: Any) -> None:
    with content.edit_ladder("copenhagen") as ladder:
        ladder["max_levels_per_week"] = 2


def short_ladder(content: Any) -> None:
    content.remove_move("butterfly_hinge")


def too_few_strength_moves(content: Any) -> None:
    for move_id in ("band_adduction_free", "band_adduction_ankle", "side_lying_slow_lower"):
        content.remove_move(move_id)
    for move_id in ("wide_squat_chair", "side_lunge_chair", "feet_ball_squeeze"):
        content.remove_move(move_id)


def floor_only_middle_stretch(content: Any) -> None:
    with content.edit_move("side_lunge_shift") as move:  # the only no-floor middle stretch
        move["position"] = "floor"


def nothing_left_in_pregnancy(content: Any) -> None:
    for move_id in (
        "standing_floor_squeeze",
        "seated_pillow_squeeze",
        "lying_ball_squeeze",
        "bridge_squeeze",
        "sit_to_stand_squeeze",
    ):
        with content.edit_move(move_id) as move:
            move["contraindications"].append("pregnancy")


def too_long_day(content: Any) -> None:
    with content.edit_move("side_lunge") as move:
        move["doses"][-1] = {"reps": 12, "sets": 3}


def easier_step(content: Any) -> None:
    with content.edit_move("sit_to_stand_squeeze") as move:
        move["doses"][-1] = {"reps": 4, "sets": 1}


def wrong_level_listed(content: Any) -> None:
    with content.edit_ladder("squeeze") as ladder:
        ladder["levels"][0], ladder["levels"][1] = ladder["levels"][1], ladder["levels"][0]


def no_standby(content: Any) -> None:
    with content.edit_move("standing_floor_squeeze") as move:
        move["equipment"] = ["chair"]


def bad_type(content: Any) -> None:
    with content.edit_move("seated_pillow_squeeze") as move:
        move["level"] = "one"


def duplicate_name(content: Any) -> None:
    with content.edit_move("wall_butterfly") as move:
        move["name"] = "butterfly, sitting TALL"


def promise_a_cure(content: Any) -> None:
    with content.edit("areas.yaml") as data:
        data["areas"][2]["evidence_note"] = "This cures knee pain."


SQUEEZE = ("moves/squeeze.yaml", "seated_pillow_squeeze")

CASES: list[tuple[str, Callable[[Any], None], str, str | None, str]] = [
    ("unknown field", add_unknown_field, *SQUEEZE, "unknown field 'colour'"),
    (
        "duplicate id",
        duplicate_move_id,
        "moves/straddle.yaml",
        "seated_pillow_squeeze",
        "duplicate move id (first defined in moves/squeeze.yaml)",
    ),
    ("level gap", leave_level_gap, "ladders.yaml", "standing", "missing 4"),
    ("level out of place", leave_level_gap, "moves/standing.yaml", "cossack_squat", "level 4"),
    ("unknown area", unknown_area, *SQUEEZE, "unknown area 'calves'"),
    ("unknown equipment", unknown_equipment, *SQUEEZE, "unknown equipment 'dumbbell'"),
    ("unknown source", unknown_source, *SQUEEZE, "unknown source 'nobody2020'"),
    ("unknown ladder", unknown_ladder, *SQUEEZE, "unknown ladder 'pilates'"),
    (
        "hold too long",
        set_dose(hold_seconds=150, sets=2),
        *SQUEEZE,
        "dose step 1: hold 150 s is outside 5-120 s",
    ),
    ("no reps", set_dose(reps=0, sets=1), *SQUEEZE, "dose step 1: 0 reps is outside 1-30"),
    ("too many sets", set_dose(reps=8, sets=6), *SQUEEZE, "6 sets is outside 1-5"),
    (
        "hold and reps",
        set_dose(reps=8, hold_seconds=5, sets=1),
        *SQUEEZE,
        "needs exactly one of hold_seconds or reps",
    ),
    ("neither", set_dose(sets=1), *SQUEEZE, "needs exactly one of hold_seconds or reps"),
    ("easier step", easier_step, "moves/standing.yaml", "sit_to_stand_squeeze", "is easier"),
    ("too few cues", too_few_cues, *SQUEEZE, "has 1 cue; a move needs 2-4"),
    ("too many cues", too_many_cues, *SQUEEZE, "has 5 cues; a move needs 2-4"),
    ("too long rendered", too_long_rendered, *SQUEEZE, "rendered message is"),
    (
        "uncovered area",
        uncover_ankles,
        "areas.yaml",
        "ankles",
        "no strength move serves it in the hard third",
    ),
    (
        "kind mismatch",
        mismatch_kind,
        "moves/squeeze.yaml",
        "bridge_squeeze",
        "kind 'stretch' differs from its ladder 'squeeze' (strength)",
    ),
    ("undocumented source", undocumented_source, "SOURCES.md", "extra2020", "not described"),
    ("overclaimed evidence", overclaim_evidence, "areas.yaml", "ankles", "claims 'strong'"),
    (
        "groin strain",
        forget_groin_strain,
        "moves/standing.yaml",
        "cossack_squat",
        "must list recent_groin_strain",
    ),
    (
        "high intensity screen",
        forget_screen_on_high_intensity,
        "moves/copenhagen.yaml",
        "copenhagen_adduction",
        "must also list pregnancy",
    ),
    (
        "butterfly stiff knee",
        butterfly_without_stiff_knee,
        "moves/butterfly.yaml",
        "seated_butterfly",
        "no butterfly with a stiff knee",
    ),
    ("copenhagen pace", speed_up_copenhagen, "ladders.yaml", "copenhagen", "one level a week"),
    ("short ladder", short_ladder, "ladders.yaml", "butterfly", "has 3 levels"),
    ("few strength moves", too_few_strength_moves, "moves/", "strength", "has 15 strength"),
    (
        "no-floor gap",
        floor_only_middle_stretch,
        "moves/",
        "stretch",
        "no stretch move in the middle third works without the floor",
    ),
    (
        "screen leaves nothing",
        nothing_left_in_pregnancy,
        "moves/",
        "pregnancy",
        "no strength move is left",
    ),
    ("day too long", too_long_day, "moves/standing.yaml", "side_lunge", "top dose takes about"),
    (
        "levels list disagrees",
        wrong_level_listed,
        "moves/squeeze.yaml",
        "seated_pillow_squeeze",
        "says level 2, but ladders.yaml lists it at level 1",
    ),
    (
        "duplicate name",
        duplicate_name,
        "moves/butterfly.yaml",
        "seated_butterfly",
        "name is already used by 'wall_butterfly'",
    ),
    ("overclaim", promise_a_cure, "areas.yaml", "knees", "promises too much ('cures')"),
    ("no standby", no_standby, "moves/", "strength", "no strength move is fit for everyone"),
    ("wrong type", bad_type, *SQUEEZE, "level: Input should be a valid integer"),
]


@pytest.mark.parametrize(
    ("mutate", "file", "item", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_broken_content_is_reported_by_file_and_id(
    content: Any, mutate: Callable[[Any], None], file: str, item: str | None, fragment: str
) -> None:
    mutate(content)

    problems = content.problems()

    assert reported(problems, file, item, fragment), "\n".join(map(str, problems))
    with pytest.raises(LibraryError) as raised:
        load_library(content.root)
    assert raised.value.problems == problems


def test_a_schema_failure_does_not_echo_as_ladder_or_coverage_problems(content: Any) -> None:
    with content.edit_move("cossack_squat") as move:
        move["colour"] = "red"

    problems = content.problems()

    assert [str(p) for p in problems] == [
        "moves/standing.yaml: cossack_squat: unknown field 'colour'"
    ]


def test_every_problem_is_reported_in_one_run(content: Any) -> None:
    add_unknown_field(content)
    duplicate_move_id(content)
    unknown_source_in_other_move(content)
    mismatch_kind(content)
    with content.edit_move("side_lunge") as move:
        move["doses"][0] = {"hold_seconds": 200, "sets": 9}
    undocumented_source(content)

    problems = content.problems()

    expected = [
        (*SQUEEZE, "unknown field 'colour'"),
        ("moves/straddle.yaml", "seated_pillow_squeeze", "duplicate move id"),
        ("moves/open_chain.yaml", "side_lying_lift", "unknown source 'nobody2020'"),
        ("moves/squeeze.yaml", "bridge_squeeze", "differs from its ladder"),
        ("moves/standing.yaml", "side_lunge", "hold 200 s is outside 5-120 s"),
        ("moves/standing.yaml", "side_lunge", "9 sets is outside 1-5"),
        ("moves/standing.yaml", "side_lunge", "switches between holds and reps"),
        ("SOURCES.md", "extra2020", "not described"),
    ]
    missing = [e for e in expected if not reported(problems, *e)]
    assert missing == []


def unknown_source_in_other_move(content: Any) -> None:
    with content.edit_move("side_lying_lift") as move:
        move["source"] = "nobody2020"


def test_repeated_yaml_keys_are_reported(content: Any) -> None:
    path = content.root / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "  acsm2011:\n    citation: Again.\n", encoding="utf-8")

    problems = content.problems()

    assert reported(problems, "sources.yaml", None, "key 'acsm2011' appears twice")


def test_invalid_yaml_is_reported_and_other_files_still_checked(content: Any) -> None:
    (content.root / "areas.yaml").write_text("areas: [unclosed\n", encoding="utf-8")
    with content.edit_move("side_lying_lift") as move:
        move["colour"] = "red"

    problems = content.problems()

    assert reported(problems, "areas.yaml", None, "not valid YAML")
    assert reported(problems, "moves/open_chain.yaml", "side_lying_lift", "unknown field")


def test_missing_files_are_reported(content: Any) -> None:
    (content.root / "SOURCES.md").unlink()
    (content.root / "ladders.yaml").write_text("", encoding="utf-8")

    problems = content.problems()

    assert reported(problems, "SOURCES.md", None, "file is missing")
    assert reported(problems, "ladders.yaml", None, "file is empty")


def test_an_empty_directory_is_reported_not_crashed_on(tmp_path: Any) -> None:
    with pytest.raises(LibraryError) as raised:
        load_library(tmp_path)

    files = {p.file for p in raised.value.problems}
    assert {"areas.yaml", "ladders.yaml", "sources.yaml", "SOURCES.md", "moves/"} <= files


def test_unknown_top_level_key_is_reported(content: Any) -> None:
    with content.edit("ladders.yaml") as data:
        data["rungs"] = []

    assert reported(content.problems(), "ladders.yaml", None, "unknown field 'rungs'")
