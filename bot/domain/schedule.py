"""Reminder-time math: when a person's local reminder time happens, as a UTC instant.

Pure: no clock reads and no I/O beyond zoneinfo's own tz database. Every datetime that comes
in or goes out is aware; zones are IANA names (`ZoneInfo`), never fixed offsets.

DST rules (DESIGN.md, "Daily delivery"):
- a local time that does not exist that day (spring forward) fires at the first valid instant
  after it, which is the instant the clocks jump;
- a local time that exists twice (fall back) fires once, at the first occurrence.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

__all__ = [
    "is_valid_zone_name",
    "local_date_of",
    "next_reminder_at",
    "occurrence",
    "parse_local_time",
    "parse_zone",
]

_SECOND = timedelta(seconds=1)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


# A wall-clock reading: what a clock on the wall in the zone shows. Kept as a (date, time)
# pair rather than a naive datetime, which would look like an instant and is not one.
_Reading = tuple[date, time]


def _reading(instant: datetime, zone: ZoneInfo) -> _Reading:
    local = instant.astimezone(zone)
    return local.date(), local.time().replace(fold=0)


def occurrence(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant at which `local_time` happens on `local_date` in `zone`.

    A time in a spring-forward gap maps to the instant the clocks jump (the end of the gap);
    a time in a fall-back overlap maps to its first occurrence.
    """
    if local_time.tzinfo is not None:
        raise ValueError(f"local_time must be a wall-clock time without tzinfo: {local_time!r}")
    wanted: _Reading = (local_date, local_time.replace(fold=0))
    # fold=0 is the earlier of two readings in an overlap: exactly "the first occurrence".
    first = datetime.combine(local_date, wanted[1], tzinfo=zone).astimezone(UTC)
    if _reading(first, zone) == wanted:
        return first
    # The round trip failed, so the wall time falls in a gap. PEP 495 resolves a gap with
    # fold=0 by the offset in force before the jump, which lands past the jump by the gap's
    # length (02:30 in Berlin would fire at 03:30). The jump itself lies between the two
    # instants the two folds give; search for it instead of assuming a one-hour, on-the-hour
    # shift, so 45-minute offsets (Chatham) and 30-minute shifts (Lord Howe) work too.
    second = datetime.combine(local_date, wanted[1].replace(fold=1), tzinfo=zone).astimezone(UTC)
    return _jump_instant(wanted, zone, min(first, second), max(first, second))


def _jump_instant(wanted: _Reading, zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first instant in (low, high] whose wall-clock reading is at or after `wanted`.

    Before the jump every reading is still short of the gap, from the jump on every reading
    is past it, so the test is monotonic over the interval and bisection applies. tz
    transitions happen on whole UTC seconds, so bisecting seconds finds the exact instant.
    """
    low = low.replace(microsecond=0)
    if high.microsecond:
        high = high.replace(microsecond=0) + _SECOND
    while high - low > _SECOND:
        middle = low + (high - low) // _SECOND // 2 * _SECOND
        if _reading(middle, zone) >= wanted:
            high = middle
        else:
            low = middle
    return high


def local_date_of(instant: datetime, zone: ZoneInfo) -> date:
    """Return the calendar date `instant` falls on in `zone`."""
    _require_aware(instant, "instant")
    return instant.astimezone(zone).date()


def next_reminder_at(
    local_time: time,
    zone: ZoneInfo,
    now: datetime,
    *,
    last_served: date | None = None,
) -> datetime:
    """Return the earliest reminder instant (UTC) strictly after `now`.

    The reminder's local date in `zone` is after `last_served` when given, so after a send on
    local date D, passing `last_served=D` skips to D+1 or later even if the person changed
    their time: never two reminders on one local date.

    When the person moves zone, `last_served` (a date in the old zone) may be behind the new
    zone's date of that same send; pass `max(last_served, local_date_of(last_sent_at,
    new_zone))` so no two sends share a local date in the new zone either.
    """
    _require_aware(now, "now")
    now = now.astimezone(UTC)
    # Earlier dates cannot win: an occurrence is the first instant whose clock reads at least
    # that date and time, and `now` already reads later than any time on an earlier date.
    candidate_date = local_date_of(now, zone)
    if last_served is not None and last_served >= candidate_date:
        candidate_date = last_served + timedelta(days=1)
    # Ends within a day or two: each later date's occurrence is about a day later.
    while True:
        candidate = occurrence(candidate_date, local_time, zone)
        if candidate > now and (
            last_served is None or local_date_of(candidate, zone) > last_served
        ):
            return candidate
        candidate_date += timedelta(days=1)


# Hour, optional minutes after ":", "." or "h" ("19h30", "19h"), optional am/pm ("7 p.m.").
_TIME_PATTERN = re.compile(
    r"(?P<hour>[0-9]{1,2})"
    r"(?:[:.](?P<minute>[0-9]{2})|h(?P<h_minute>[0-9]{2})?)?"
    r"\s*(?:(?P<meridiem>[ap])\.?\s?m\.?)?",
    re.ASCII,
)
# "0730": military style, 24-hour only.
_COMPACT_TIME_PATTERN = re.compile(r"(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})", re.ASCII)
# Longer than any real spelling ("12:30 p.m." is 10): don't spend regex time on an essay.
_MAX_TIME_TEXT = 16


def parse_local_time(text: str) -> time | None:
    """Read a reminder time as people type it ("7:30", "7pm", "19h30"); None if it isn't one."""
    text = text.strip()
    # isascii first: lower() maps some non-ASCII letters (the Kelvin sign) onto ASCII ones.
    if not text or len(text) > _MAX_TIME_TEXT or not text.isascii():
        return None
    text = text.lower()
    compact = _COMPACT_TIME_PATTERN.fullmatch(text)
    if compact is not None:
        return _time_or_none(int(compact["hour"]), int(compact["minute"]))
    match = _TIME_PATTERN.fullmatch(text)
    if match is None:
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or match["h_minute"] or 0)
    meridiem = match["meridiem"]
    if meridiem is not None:
        # 12-hour clock: 1..12 only, 12am is midnight and 12pm is noon.
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    return _time_or_none(hour, minute)


def _time_or_none(hour: int, minute: int) -> time | None:
    # "24:00" is rejected: a reminder at the end of the day is 00:00 of the next one.
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return time(hour, minute)
    return None


# Fixed-offset zones with the sign inverted (Etc/GMT+3 is UTC-3): people pick them by
# mistake, and a fixed offset goes wrong at the next DST change. Zero-offset ones stay.
_FIXED_OFFSET_NAME = re.compile(r"(?:Etc/)?GMT[+-](?!0$)[0-9]+")
# "localtime" is whatever the host is set to; "Factory" means "zone not yet chosen".
_NOT_A_PLACE = frozenset({"localtime", "Factory"})


@functools.cache
def _zone_names_by_key() -> dict[str, str]:
    """Map each accepted zone name, lowercased, to its canonical spelling."""
    return {
        name.lower(): name
        for name in available_timezones()
        if name not in _NOT_A_PLACE and _FIXED_OFFSET_NAME.fullmatch(name) is None
    }


def parse_zone(text: str) -> ZoneInfo | None:
    """Read an IANA zone name typed loosely ("america/new york"); None if it isn't one."""
    # Only a name found in the known set reaches ZoneInfo, so user text never becomes a path.
    key = text.strip().replace(" ", "_").lower()
    name = _zone_names_by_key().get(key)
    return None if name is None else ZoneInfo(name)


def is_valid_zone_name(name: str) -> bool:
    """Tell whether `name` is an accepted zone name spelled exactly (as stored)."""
    return _zone_names_by_key().get(name.lower()) == name
