"""Fixtures for the library tests: a throwaway copy of the shipped content to break on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.library import DEFAULT_CONTENT_DIR, Problem, check_library


class ContentEditor:
    """Edits a copy of `content/` one small change at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, rel: str) -> Any:
        return yaml.safe_load((self.root / rel).read_text(encoding="utf-8"))

    def save(self, rel: str, data: Any) -> None:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        (self.root / rel).write_text(text, encoding="utf-8")

    @contextmanager
    def edit(self, rel: str) -> Iterator[Any]:
        data = self.load(rel)
        yield data
        self.save(rel, data)

    def move_file(self, move_id: str) -> str:
        for path in sorted((self.root / "moves").glob("*.yaml")):
            rel = f"moves/{path.name}"
            if any(move["id"] == move_id for move in self.load(rel)["moves"]):
                return rel
        raise KeyError(move_id)

    @contextmanager
    def edit_move(self, move_id: str) -> Iterator[dict[str, Any]]:
        with self.edit(self.move_file(move_id)) as data:
            yield next(move for move in data["moves"] if move["id"] == move_id)

    @contextmanager
    def edit_ladder(self, ladder_id: str) -> Iterator[dict[str, Any]]:
        with self.edit("ladders.yaml") as data:
            yield next(ladder for ladder in data["ladders"] if ladder["id"] == ladder_id)

    def remove_move(self, move_id: str) -> None:
        """Delete a move and its place in its ladder, as an editor would."""
        with self.edit(self.move_file(move_id)) as data:
            data["moves"] = [move for move in data["moves"] if move["id"] != move_id]
        with self.edit("ladders.yaml") as data:
            for ladder in data["ladders"]:
                ladder["levels"] = [level for level in ladder["levels"] if level != move_id]

    def problems(self) -> list[Problem]:
        library, problems = check_library(self.root)
        assert (library is None) == bool(problems)
        return problems


@pytest.fixture
def content(tmp_path: Path) -> ContentEditor:
    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, root)
    return ContentEditor(root)
