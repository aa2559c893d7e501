"""Read the YAML files of `content/` into schema models, collecting every problem on the way."""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.library.problems import Problem
from bot.library.schema import (
    AreaModel,
    AreasFile,
    LadderModel,
    LaddersFile,
    MoveModel,
    MovesFile,
    SourceModel,
    SourcesFile,
)

AREAS_FILE = "areas.yaml"
LADDERS_FILE = "ladders.yaml"
SOURCES_FILE = "sources.yaml"
SOURCES_DOC = "SOURCES.md"
MOVES_DIR = "moves"

# A source is described in SOURCES.md by a heading such as "## `polglass2019` — ...".
_DOC_HEADING = re.compile(r"^#{2,3}\s+`([^`]+)`", re.MULTILINE)

M = TypeVar("M", bound=BaseModel)

# Returned for a file that is missing or not YAML (already reported), unlike an empty file.
_UNREADABLE: Any = object()


@dataclass(frozen=True, slots=True)
class Entry(Generic[M]):
    """A validated item and the file it came from."""

    file: str
    model: M


@dataclass
class ParsedContent:
    areas: list[Entry[AreaModel]] = field(default_factory=list)
    ladders: list[Entry[LadderModel]] = field(default_factory=list)
    moves: list[Entry[MoveModel]] = field(default_factory=list)
    sources: dict[str, SourceModel] = field(default_factory=dict)
    documented_sources: frozenset[str] | None = None  # None when SOURCES.md is missing
    # Every (file, id) declared per kind of item, valid or not, so duplicate ids are found
    # even when one of the copies failed the schema.
    declared: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # Ladders named by moves that failed the schema: their level checks would only report
    # the gap the broken move left behind.
    incomplete_ladders: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every file was read and every item passed the schema."""
        return not self.problems


def read_content(content_dir: Path) -> ParsedContent:
    """Parse all content files; problems are collected in the result, never raised."""
    parsed = ParsedContent()
    problems = parsed.problems

    data = _load_yaml(content_dir, AREAS_FILE, problems)
    for raw in _items(AREAS_FILE, data, AreasFile, "areas", problems):
        _declare(parsed, "area", AREAS_FILE, raw)
        parsed.areas += _validated(AREAS_FILE, raw, AreaModel, problems)

    data = _load_yaml(content_dir, LADDERS_FILE, problems)
    for raw in _items(LADDERS_FILE, data, LaddersFile, "ladders", problems):
        _declare(parsed, "ladder", LADDERS_FILE, raw)
        parsed.ladders += _validated(LADDERS_FILE, raw, LadderModel, problems)

    move_files = _move_files(content_dir, problems)
    for rel in move_files:
        data = _load_yaml(content_dir, rel, problems)
        for raw in _items(rel, data, MovesFile, "moves", problems):
            _declare(parsed, "move", rel, raw)
            entries = _validated(rel, raw, MoveModel, problems)
            parsed.moves += entries
            if not entries and isinstance(raw.value, dict):
                ladder = raw.value.get("ladder")
                if isinstance(ladder, str):
                    parsed.incomplete_ladders.add(ladder)

    data = _load_yaml(content_dir, SOURCES_FILE, problems)
    for raw in _items(SOURCES_FILE, data, SourcesFile, "sources", problems):
        for entry in _validated(SOURCES_FILE, raw, SourceModel, problems):
            parsed.sources[raw.label] = entry.model

    doc = content_dir / SOURCES_DOC
    if doc.is_file():
        parsed.documented_sources = frozenset(_DOC_HEADING.findall(doc.read_text(encoding="utf-8")))
    else:
        problems.append(Problem(SOURCES_DOC, None, "file is missing"))
    return parsed


def describe_error(error: ErrorDetails) -> str:
    """Turn one pydantic error into a line an editor can act on."""
    where = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown field '{where}'"
    if error["type"] == "missing":
        return f"missing field '{where}'"
    got = repr(error["input"])
    if len(got) > 60:
        got = got[:57] + "..."
    return f"{where}: {error['msg']} (got {got})"


@dataclass(frozen=True, slots=True)
class _RawItem:
    label: str  # the item's id when it has one, else its position
    value: Any
    has_id: bool = True


def _declare(parsed: ParsedContent, kind: str, rel: str, raw: _RawItem) -> None:
    if raw.has_id:
        parsed.declared.setdefault(kind, []).append((rel, raw.label))


def _move_files(content_dir: Path, problems: list[Problem]) -> list[str]:
    moves_dir = content_dir / MOVES_DIR
    files = sorted(
        f"{MOVES_DIR}/{path.name}"
        for path in moves_dir.glob("*")
        if path.is_file() and path.suffix in {".yaml", ".yml"}
    )
    if not files:
        problems.append(Problem(f"{MOVES_DIR}/", None, "no move files (*.yaml) found"))
    return files


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that remembers repeated mapping keys, which plain YAML silently merges."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated_keys: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    self.repeated_keys.append((str(key), key_node.start_mark.line + 1))
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(content_dir: Path, rel: str, problems: list[Problem]) -> Any:
    path = content_dir / rel
    if not path.is_file():
        problems.append(Problem(rel, None, "file is missing"))
        return _UNREADABLE
    loader = _UniqueKeyLoader(path.read_text(encoding="utf-8"))
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, None, f"not valid YAML: {exc}".replace("\n", " ")))
        return _UNREADABLE
    finally:
        loader.dispose()
    for key, line in loader.repeated_keys:
        problems.append(
            Problem(rel, None, f"key '{key}' appears twice (line {line}); only one would be kept")
        )
    return data


def _items(
    rel: str, data: Any, file_model: type[BaseModel], key: str, problems: list[Problem]
) -> list[_RawItem]:
    if data is _UNREADABLE:
        return []
    if data is None:
        problems.append(Problem(rel, None, f"file is empty; expected '{key}:'"))
        return []
    try:
        container = file_model.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(rel, None, describe_error(error)) for error in exc.errors())
        return []
    values = getattr(container, key)
    if isinstance(values, dict):
        return [_RawItem(str(name), value) for name, value in values.items()]
    return [_raw_item(value, index, key) for index, value in enumerate(values)]


def _raw_item(value: Any, index: int, key: str) -> _RawItem:
    item_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(item_id, str) and item_id:
        return _RawItem(item_id, value)
    return _RawItem(f"{key}[{index}]", value, has_id=False)


def _validated(rel: str, raw: _RawItem, model: type[M], problems: list[Problem]) -> list[Entry[M]]:
    """The item as a one-element list, or an empty list after recording its problems."""
    try:
        return [Entry(rel, model.model_validate(raw.value))]
    except ValidationError as exc:
        problems.extend(Problem(rel, raw.label, describe_error(error)) for error in exc.errors())
        return []
