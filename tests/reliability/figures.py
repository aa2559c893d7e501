"""The figures docs/RELIABILITY.md quotes: each test records what it tried, the suite prints
them at the end of the run (`pytest tests/reliability -q` shows them under "reliability")."""

from __future__ import annotations

FIGURES: dict[str, str] = {}


def record(name: str, value: object) -> None:
    FIGURES[name] = str(value)
