"""Load `content/` into the frozen domain library, or say everything that is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from bot.domain.library import AreaInfo, Ladder, Library
from bot.library.problems import LibraryError, Problem
from bot.library.reader import ParsedContent, read_content
from bot.library.validate import find_problems

# The repository's content directory; a deployment can pass another one.
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


@dataclass(frozen=True, slots=True)
class Inspection:
    """The result of one content check: the parsed files, their problems, and the library."""

    parsed: ParsedContent
    problems: list[Problem]
    library: Library | None  # None whenever there is any problem


def inspect_content(content_dir: Path = DEFAULT_CONTENT_DIR) -> Inspection:
    """Read and check the content; problems come back in the result, never raised."""
    parsed = read_content(content_dir)
    problems = [*parsed.problems, *find_problems(parsed)]
    library = None if problems else _build(parsed)
    return Inspection(parsed, problems, library)


def check_library(
    content_dir: Path = DEFAULT_CONTENT_DIR,
) -> tuple[Library | None, list[Problem]]:
    """The library and no problems, or None and every problem found."""
    inspection = inspect_content(content_dir)
    return inspection.library, inspection.problems


def load_library(content_dir: Path = DEFAULT_CONTENT_DIR) -> Library:
    """The validated library; raises LibraryError listing every problem otherwise."""
    library, problems = check_library(content_dir)
    if library is None:
        raise LibraryError(problems)
    return library


def _build(parsed: ParsedContent) -> Library:
    moves = {entry.model.id: entry.model.to_domain() for entry in parsed.moves}
    ladders = {
        entry.model.id: Ladder(
            id=entry.model.id,
            name=entry.model.name,
            kind=entry.model.kind,
            moves=tuple(moves[move_id] for move_id in entry.model.levels),
            max_levels_per_week=entry.model.max_levels_per_week,
        )
        for entry in parsed.ladders
    }
    areas = {
        entry.model.id: AreaInfo(
            area=entry.model.id,
            title=entry.model.title,
            why=entry.model.why,
            evidence=entry.model.evidence,
            evidence_note=entry.model.evidence_note,
        )
        for entry in parsed.areas
    }
    sources = {key: source.citation for key, source in parsed.sources.items()}
    # Read-only views: the library is shared by every handler for the life of the process.
    return Library(
        areas=MappingProxyType(areas),
        ladders=MappingProxyType(ladders),
        sources=MappingProxyType(sources),
    )
