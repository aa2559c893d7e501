"""The progress picture: the last six weeks as a calendar, and the level on each ladder.

Drawn with a `Figure` on an Agg canvas, never pyplot: no global backend switch, no figure
registry to leak, safe to call from any thread. Fonts are matplotlib's bundled DejaVu Sans;
month names come from a fixed table, so the picture does not depend on the locale.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum
from pathlib import Path


def _writable(directory: Path) -> bool:
    """Whether `directory` exists writable, or could be created under a writable parent."""
    for candidate in (directory, *directory.parents):
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK | os.X_OK)
    return False


def _ensure_matplotlib_dirs() -> None:
    """Give matplotlib a writable config and cache folder before it is first imported.

    matplotlib writes a font cache under ~/.config and ~/.cache (or MPLCONFIGDIR). With a
    read-only HOME (a container, a service account) it falls back to a new temporary folder and
    logs a warning on every start. So: when MPLCONFIGDIR is unset and the default folders are
    not writable, point it at a temporary folder of our own. A writable default is kept, so its
    font cache survives restarts. This must run before `import matplotlib` below.
    """
    if "MPLCONFIGDIR" in os.environ:
        return
    try:
        home = Path.home()
    except (KeyError, RuntimeError):
        home = None
    config = os.environ.get("XDG_CONFIG_HOME") or (str(home / ".config") if home else "")
    cache = os.environ.get("XDG_CACHE_HOME") or (str(home / ".cache") if home else "")
    if config and cache and _writable(Path(config)) and _writable(Path(cache)):
        return
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="coach-matplotlib-")


_ensure_matplotlib_dirs()

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from bot.domain.library import Library  # noqa: E402
from bot.domain.safety import PAIN_FINE_MAX  # noqa: E402
from bot.domain.state import Outcome  # noqa: E402
from bot.storage.history import DayRecord, UserHistory  # noqa: E402

WIDTH_PX, HEIGHT_PX, DPI = 800, 600, 100
WEEKS = 6

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Colour-blind-safe where it matters (done vs hurt differ in lightness too); fixed per ladder.
_LADDER_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


class DayMark(IntEnum):
    """How a calendar day is coloured; a higher value wins when several apply."""

    NOT_YET = 0  # in the future, before the first session, or today still open
    MISSED = 1
    REST = 2  # announced rest, "skip today", a failed delivery, a day given as rest
    DONE = 3  # answered: done or too easy
    TOO_HARD = 4
    HURT = 5  # "it hurt", or pain above 3 of 10


_MARK_STYLE: dict[DayMark, tuple[str, str]] = {
    DayMark.DONE: ("#2e9e4f", "done"),
    DayMark.TOO_HARD: ("#f4a640", "too hard"),
    DayMark.HURT: ("#d7301f", "hurt"),
    DayMark.REST: ("#9ecae1", "rest / skipped"),
    DayMark.MISSED: ("#c8c8c8", "missed"),
    DayMark.NOT_YET: ("#ffffff", "not yet"),
}


def calendar_marks(history: UserHistory, days: Sequence[date], today: date) -> list[DayMark]:
    """The colour class of each of `days`; announced rest shows ahead, nothing else does."""
    by_date = {record.local_date: record for record in history.days}
    first = _first_day(history)
    return [_mark(by_date.get(day), day, history, first, today) for day in days]


def _mark(
    record: DayRecord | None, day: date, history: UserHistory, first: date | None, today: date
) -> DayMark:
    if first is None or day < first:
        return DayMark.NOT_YET
    if day <= today and record is not None and record.answered:
        return _answered_mark(record)
    if day in history.rest_dates or (record is not None and record.excused):
        return DayMark.REST
    return DayMark.NOT_YET if day >= today else DayMark.MISSED


def _answered_mark(record: DayRecord) -> DayMark:
    answers = record.answers.values()
    if any(
        a.outcome is Outcome.HURT or (a.pain is not None and a.pain > PAIN_FINE_MAX)
        for a in answers
    ):
        return DayMark.HURT
    if any(a.outcome is Outcome.TOO_HARD for a in answers):
        return DayMark.TOO_HARD
    return DayMark.DONE


def _first_day(history: UserHistory) -> date | None:
    starts = [d.local_date for d in history.days[:1]]
    if history.rest_dates:
        starts.append(min(history.rest_dates))
    return min(starts) if starts else None


@dataclass(frozen=True, slots=True)
class LadderSteps:
    """A ladder's level over the chart window, as (day index, level) change points."""

    ladder_id: str
    name: str
    points: tuple[tuple[int, int], ...]


def ladder_steps(
    history: UserHistory, library: Library, start: date, today: date
) -> tuple[LadderSteps, ...]:
    """Levels from the moves actually sent, carried in from before `start`, in library order.

    Moves no longer in the library are left out.
    """
    last_before: dict[str, int] = {}
    inside: dict[str, list[tuple[int, int]]] = {}
    for record in history.days:
        if record.local_date > today:
            break
        for move_id in record.move_ids:
            move = library.moves.get(move_id)
            if move is None:
                continue
            if record.local_date < start:
                last_before[move.ladder] = move.level
            else:
                x = (record.local_date - start).days
                inside.setdefault(move.ladder, []).append((x, move.level))
    steps = []
    for ladder_id, ladder in library.ladders.items():
        points = inside.get(ladder_id, [])
        if ladder_id in last_before:
            points = [(0, last_before[ladder_id]), *points]
        if points:
            steps.append(LadderSteps(ladder_id, ladder.name, tuple(points)))
    return tuple(steps)


def _short_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


def progress_png(history: UserHistory, library: Library, today: date) -> bytes:
    """An 800x600 PNG: six weeks of days on top, the level on each ladder below."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    first_monday = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    _draw_calendar(figure, history, today, first_monday)
    _draw_levels(figure, history, library, today, first_monday)
    out = io.BytesIO()
    # No "Software" text chunk: the bytes depend on the data, not on the matplotlib version.
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _draw_calendar(figure: Figure, history: UserHistory, today: date, first_monday: date) -> None:
    ax = figure.add_axes((0.09, 0.47, 0.6, 0.43))
    ax.set_title("Last 6 weeks", loc="left", fontsize=12)
    days = [first_monday + timedelta(days=i) for i in range(7 * WEEKS)]
    for i, (day, mark) in enumerate(zip(days, calendar_marks(history, days, today), strict=True)):
        week, weekday = divmod(i, 7)
        row = WEEKS - 1 - week  # the current week at the bottom, next to the level chart
        is_today = day == today
        ax.add_patch(
            Rectangle(
                (weekday, row),
                1,
                1,
                facecolor=_MARK_STYLE[mark][0],
                edgecolor="#222222" if is_today else "#ffffff",
                linewidth=2.5 if is_today else 2,
            )
        )
        label = _short_date(day) if day.day == 1 or i == 0 else str(day.day)
        ax.text(
            weekday + 0.5, row + 0.5, label, ha="center", va="center", fontsize=7.5, color="#333333"
        )
    ax.set_xlim(0, 7)
    ax.set_ylim(0, WEEKS)
    ax.set_xticks([i + 0.5 for i in range(7)], _WEEKDAYS, fontsize=9)
    ax.xaxis.tick_top()
    ax.set_yticks(
        [WEEKS - 1 - w + 0.5 for w in range(WEEKS)],
        [_short_date(first_monday + timedelta(days=7 * w)) for w in range(WEEKS)],
        fontsize=8,
    )
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [
        Patch(facecolor=colour, edgecolor="#888888", label=label)
        for colour, label in (_MARK_STYLE[m] for m in sorted(DayMark, reverse=True))
    ]
    figure.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.72, 0.9),
        frameon=False,
        fontsize=9,
    )


def _draw_levels(
    figure: Figure, history: UserHistory, library: Library, today: date, first_monday: date
) -> None:
    ax = figure.add_axes((0.09, 0.08, 0.6, 0.3))
    ax.set_title("Level on each ladder", loc="left", fontsize=12)
    end = (today - first_monday).days
    steps = ladder_steps(history, library, first_monday, today)
    top = 1
    handles: list[Line2D] = []
    ladder_ids = list(library.ladders)
    for i, ladder in enumerate(steps):
        # Ladders often share a level: a small fixed offset keeps each line visible.
        offset = (i - (len(steps) - 1) / 2) * 0.06
        xs = [x for x, _ in ladder.points] + [end + 1]
        ys = [level + offset for _, level in ladder.points]
        ys.append(ys[-1])
        colour = _LADDER_COLOURS[ladder_ids.index(ladder.ladder_id) % len(_LADDER_COLOURS)]
        (line,) = ax.step(xs, ys, where="post", color=colour, linewidth=1.8, label=ladder.name)
        ax.plot(xs[:-1], ys[:-1], "o", color=colour, markersize=3)
        handles.append(line)
        top = max(top, library.ladders[ladder.ladder_id].top_level)
    if not steps:
        ax.text(
            0.5,
            0.5,
            "No sessions yet",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#666666",
        )
    ax.set_xlim(0, 7 * WEEKS)
    ax.set_ylim(0.5, top + 0.5)
    ax.set_yticks(range(1, top + 1))
    ax.set_xticks(
        [7 * w for w in range(WEEKS)],
        [_short_date(first_monday + timedelta(days=7 * w)) for w in range(WEEKS)],
        fontsize=8,
    )
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#eeeeee")
    ax.axvline(end + 1, color="#999999", linewidth=0.8, linestyle=":")
    if handles:
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.02, 1.0),
            frameon=False,
            fontsize=8,
        )
