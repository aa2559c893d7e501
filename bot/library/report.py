"""The `coach content check` report: what the library holds, then every problem."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.domain.library import Area, Equipment, Kind, Position
from bot.library.loader import inspect_content
from bot.library.validate import PlacedMove, Third, placed_moves


def run_content_check(content_dir: Path, out: TextIO) -> int:
    """Print a summary of the content and each problem on its own line; 0 if clean, else 1."""
    inspection = inspect_content(content_dir)
    parsed = inspection.parsed
    unique = list({entry.model.id: entry.model for entry in reversed(parsed.moves)}.values())
    placed = placed_moves(parsed)

    def say(line: str = "") -> None:
        print(line, file=out)

    kinds = Counter(model.kind.value for model in unique)
    say(f"Exercise library in {content_dir}")
    say(
        f"Moves: {len(unique)} ({_counts(kinds, Kind)}) in {len(parsed.ladders)} ladders, "
        f"{len(parsed.sources)} sources"
    )
    say("Ladders:")
    for entry in parsed.ladders:
        ladder = entry.model
        weekly = " (one level a week)" if ladder.max_levels_per_week == 1 else ""
        say(f"  {ladder.id:<12} {ladder.kind:<9} {len(ladder.levels)} levels{weekly}")
    levels = Counter(p.move.level for p in placed)
    say("Moves per level: " + ", ".join(f"{lv}: {n}" for lv, n in sorted(levels.items())))
    say("Areas, moves per third (gentle/middle/hard):")
    for area in Area:
        cells = "  ".join(
            f"{kind} {_thirds(p for p in placed if p.move.kind is kind and area in p.move.areas)}"
            for kind in Kind
        )
        say(f"  {area:<8} {cells}")
    equipment = Counter(item for model in unique for item in model.equipment)
    say(f"Equipment: {_counts(equipment, Equipment)}")
    say(f"Positions: {_counts(Counter(model.position.value for model in unique), Position)}")
    no_floor = "  ".join(
        f"{kind} {_thirds(p for p in placed if p.move.kind is kind and not p.move.needs_floor)}"
        for kind in Kind
    )
    say(f"No floor needed, per third: {no_floor}")

    problems = inspection.problems
    if not problems:
        say("OK: no problems")
        return 0
    say(f"{len(problems)} problem(s):")
    for problem in problems:
        say(f"  {problem}")
    return 1


def _counts(counter: Counter[str], order: Iterable[str]) -> str:
    known = [f"{key} {counter[key]}" for key in order if counter[key]]
    unknown = [f"{key} {n}" for key, n in sorted(counter.items()) if key not in set(order)]
    return ", ".join(known + unknown) or "none"


def _thirds(moves: Iterable[PlacedMove]) -> str:
    per_third = Counter(p.third for p in moves)
    return "/".join(str(per_third[third]) for third in Third)
