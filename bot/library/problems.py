"""What the content checker reports, and the error the loader raises."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the content, located well enough for an editor to fix it."""

    file: str  # relative to the content directory, e.g. "moves/squeeze.yaml"
    id: str | None  # the move, ladder, area or source id; None for file-level problems
    message: str

    def __str__(self) -> str:
        where = self.file if self.id is None else f"{self.file}: {self.id}"
        return f"{where}: {self.message}"


class LibraryError(Exception):
    """The content is not usable; `problems` lists everything found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the exercise library:\n{lines}")
