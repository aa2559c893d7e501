"""Reminder-time math: DST gaps and overlaps, one reminder per local date, user input."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    is_valid_zone_name,
    local_date_of,
    next_reminder_at,
    occurrence,
    parse_local_time,
    parse_zone,
)


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


TABLE_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Santiago",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
)

# Expected instants worked out by hand from each zone's offsets and rules, then checked once
# against the tz database by a brute-force scan (not by the code under test).
OCCURRENCES = [
    # Berlin: CET +1 / CEST +2; jumps 02:00 -> 03:00 and falls 03:00 -> 02:00 at 01:00 UTC.
    ("Europe/Berlin", date(2025, 3, 30), time(2, 30), _utc(2025, 3, 30, 1, 0)),
    ("Europe/Berlin", date(2025, 3, 30), time(2, 0), _utc(2025, 3, 30, 1, 0)),
    ("Europe/Berlin", date(2025, 3, 30), time(2, 59), _utc(2025, 3, 30, 1, 0)),
    ("Europe/Berlin", date(2025, 3, 30), time(1, 59), _utc(2025, 3, 30, 0, 59)),
    ("Europe/Berlin", date(2025, 3, 30), time(3, 0), _utc(2025, 3, 30, 1, 0)),
    ("Europe/Berlin", date(2025, 10, 26), time(2, 30), _utc(2025, 10, 26, 0, 30)),
    ("Europe/Berlin", date(2025, 10, 26), time(2, 0), _utc(2025, 10, 26, 0, 0)),
    ("Europe/Berlin", date(2025, 10, 26), time(2, 59), _utc(2025, 10, 26, 0, 59)),
    ("Europe/Berlin", date(2025, 10, 26), time(3, 0), _utc(2025, 10, 26, 2, 0)),
    ("Europe/Berlin", date(2025, 10, 26), time(1, 59), _utc(2025, 10, 25, 23, 59)),
    ("Europe/Berlin", date(2026, 3, 29), time(2, 15), _utc(2026, 3, 29, 1, 0)),
    ("Europe/Berlin", date(2026, 10, 25), time(2, 45), _utc(2026, 10, 25, 0, 45)),
    ("Europe/Berlin", date(2027, 3, 28), time(2, 30), _utc(2027, 3, 28, 1, 0)),
    ("Europe/Berlin", date(2027, 10, 31), time(2, 30), _utc(2027, 10, 31, 0, 30)),
    ("Europe/Berlin", date(2025, 1, 15), time(8, 0), _utc(2025, 1, 15, 7, 0)),
    ("Europe/Berlin", date(2025, 7, 1), time(8, 0), _utc(2025, 7, 1, 6, 0)),
    # New York: EST -5 / EDT -4; jumps 02:00 -> 03:00 (07:00 UTC), falls 02:00 -> 01:00.
    ("America/New_York", date(2025, 3, 9), time(2, 30), _utc(2025, 3, 9, 7, 0)),
    ("America/New_York", date(2025, 3, 9), time(2, 0), _utc(2025, 3, 9, 7, 0)),
    ("America/New_York", date(2025, 3, 9), time(1, 59), _utc(2025, 3, 9, 6, 59)),
    ("America/New_York", date(2025, 3, 9), time(3, 0), _utc(2025, 3, 9, 7, 0)),
    ("America/New_York", date(2025, 11, 2), time(1, 30), _utc(2025, 11, 2, 5, 30)),
    ("America/New_York", date(2025, 11, 2), time(1, 0), _utc(2025, 11, 2, 5, 0)),
    ("America/New_York", date(2025, 11, 2), time(0, 59), _utc(2025, 11, 2, 4, 59)),
    ("America/New_York", date(2025, 11, 2), time(2, 0), _utc(2025, 11, 2, 7, 0)),
    ("America/New_York", date(2026, 3, 8), time(2, 30), _utc(2026, 3, 8, 7, 0)),
    ("America/New_York", date(2026, 11, 1), time(1, 30), _utc(2026, 11, 1, 5, 30)),
    ("America/New_York", date(2027, 3, 14), time(2, 45), _utc(2027, 3, 14, 7, 0)),
    ("America/New_York", date(2027, 11, 7), time(1, 15), _utc(2027, 11, 7, 5, 15)),
    ("America/New_York", date(2025, 6, 1), time(8, 0), _utc(2025, 6, 1, 12, 0)),
    ("America/New_York", date(2025, 12, 1), time(8, 0), _utc(2025, 12, 1, 13, 0)),
    # Sydney: AEST +10 / AEDT +11; April falls 03:00 -> 02:00, October jumps 02:00 -> 03:00.
    ("Australia/Sydney", date(2025, 4, 6), time(2, 30), _utc(2025, 4, 5, 15, 30)),
    ("Australia/Sydney", date(2025, 4, 6), time(2, 0), _utc(2025, 4, 5, 15, 0)),
    ("Australia/Sydney", date(2025, 4, 6), time(3, 0), _utc(2025, 4, 5, 17, 0)),
    ("Australia/Sydney", date(2025, 4, 6), time(1, 59), _utc(2025, 4, 5, 14, 59)),
    ("Australia/Sydney", date(2025, 10, 5), time(2, 30), _utc(2025, 10, 4, 16, 0)),
    ("Australia/Sydney", date(2025, 10, 5), time(2, 0), _utc(2025, 10, 4, 16, 0)),
    ("Australia/Sydney", date(2025, 10, 5), time(3, 0), _utc(2025, 10, 4, 16, 0)),
    ("Australia/Sydney", date(2025, 10, 5), time(1, 59), _utc(2025, 10, 4, 15, 59)),
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), _utc(2026, 4, 4, 15, 30)),
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), _utc(2026, 10, 3, 16, 0)),
    ("Australia/Sydney", date(2027, 4, 4), time(2, 30), _utc(2027, 4, 3, 15, 30)),
    ("Australia/Sydney", date(2027, 10, 3), time(2, 30), _utc(2027, 10, 2, 16, 0)),
    ("Australia/Sydney", date(2025, 1, 15), time(8, 0), _utc(2025, 1, 14, 21, 0)),
    ("Australia/Sydney", date(2025, 7, 15), time(8, 0), _utc(2025, 7, 14, 22, 0)),
    # Kolkata: +05:30 all year, no DST.
    ("Asia/Kolkata", date(2025, 3, 30), time(2, 30), _utc(2025, 3, 29, 21, 0)),
    ("Asia/Kolkata", date(2026, 11, 1), time(0, 0), _utc(2026, 10, 31, 18, 30)),
    ("Asia/Kolkata", date(2027, 7, 1), time(23, 59), _utc(2027, 7, 1, 18, 29)),
    # Santiago: -04 / -03, changes at midnight: April falls 24:00 -> 23:00 (Saturday's last
    # hour twice), September jumps 00:00 -> 01:00 (Sunday's first hour missing).
    ("America/Santiago", date(2025, 4, 5), time(23, 30), _utc(2025, 4, 6, 2, 30)),
    ("America/Santiago", date(2025, 4, 5), time(23, 0), _utc(2025, 4, 6, 2, 0)),
    ("America/Santiago", date(2025, 4, 5), time(22, 59), _utc(2025, 4, 6, 1, 59)),
    ("America/Santiago", date(2025, 4, 6), time(0, 0), _utc(2025, 4, 6, 4, 0)),
    ("America/Santiago", date(2025, 9, 7), time(0, 0), _utc(2025, 9, 7, 4, 0)),
    ("America/Santiago", date(2025, 9, 7), time(0, 30), _utc(2025, 9, 7, 4, 0)),
    ("America/Santiago", date(2025, 9, 7), time(1, 0), _utc(2025, 9, 7, 4, 0)),
    ("America/Santiago", date(2025, 9, 6), time(23, 59), _utc(2025, 9, 7, 3, 59)),
    ("America/Santiago", date(2026, 4, 4), time(23, 30), _utc(2026, 4, 5, 2, 30)),
    ("America/Santiago", date(2026, 9, 6), time(0, 30), _utc(2026, 9, 6, 4, 0)),
    ("America/Santiago", date(2027, 4, 3), time(23, 45), _utc(2027, 4, 4, 2, 45)),
    ("America/Santiago", date(2027, 9, 5), time(0, 0), _utc(2027, 9, 5, 4, 0)),
    ("America/Santiago", date(2025, 1, 15), time(8, 0), _utc(2025, 1, 15, 11, 0)),
    ("America/Santiago", date(2025, 7, 15), time(8, 0), _utc(2025, 7, 15, 12, 0)),
    # Chatham: +12:45 / +13:45; April falls 03:45 -> 02:45, September jumps 02:45 -> 03:45.
    ("Pacific/Chatham", date(2025, 4, 6), time(3, 0), _utc(2025, 4, 5, 13, 15)),
    ("Pacific/Chatham", date(2025, 4, 6), time(2, 45), _utc(2025, 4, 5, 13, 0)),
    ("Pacific/Chatham", date(2025, 4, 6), time(3, 44), _utc(2025, 4, 5, 13, 59)),
    ("Pacific/Chatham", date(2025, 4, 6), time(3, 45), _utc(2025, 4, 5, 15, 0)),
    ("Pacific/Chatham", date(2025, 4, 6), time(2, 44), _utc(2025, 4, 5, 12, 59)),
    ("Pacific/Chatham", date(2025, 9, 28), time(3, 0), _utc(2025, 9, 27, 14, 0)),
    ("Pacific/Chatham", date(2025, 9, 28), time(2, 45), _utc(2025, 9, 27, 14, 0)),
    ("Pacific/Chatham", date(2025, 9, 28), time(3, 44), _utc(2025, 9, 27, 14, 0)),
    ("Pacific/Chatham", date(2025, 9, 28), time(3, 45), _utc(2025, 9, 27, 14, 0)),
    ("Pacific/Chatham", date(2025, 9, 28), time(2, 44), _utc(2025, 9, 27, 13, 59)),
    ("Pacific/Chatham", date(2026, 4, 5), time(3, 15), _utc(2026, 4, 4, 13, 30)),
    ("Pacific/Chatham", date(2026, 9, 27), time(3, 15), _utc(2026, 9, 26, 14, 0)),
    ("Pacific/Chatham", date(2027, 4, 4), time(3, 30), _utc(2027, 4, 3, 13, 45)),
    ("Pacific/Chatham", date(2027, 9, 26), time(3, 30), _utc(2027, 9, 25, 14, 0)),
    ("Pacific/Chatham", date(2025, 1, 15), time(8, 0), _utc(2025, 1, 14, 18, 15)),
    ("Pacific/Chatham", date(2025, 7, 15), time(8, 0), _utc(2025, 7, 14, 19, 15)),
    # Lord Howe: +10:30 / +11, a 30-minute shift; April falls 02:00 -> 01:30, October jumps
    # 02:00 -> 02:30.
    ("Australia/Lord_Howe", date(2025, 4, 6), time(1, 45), _utc(2025, 4, 5, 14, 45)),
    ("Australia/Lord_Howe", date(2025, 4, 6), time(1, 30), _utc(2025, 4, 5, 14, 30)),
    ("Australia/Lord_Howe", date(2025, 4, 6), time(1, 29), _utc(2025, 4, 5, 14, 29)),
    ("Australia/Lord_Howe", date(2025, 4, 6), time(2, 0), _utc(2025, 4, 5, 15, 30)),
    ("Australia/Lord_Howe", date(2025, 10, 5), time(2, 15), _utc(2025, 10, 4, 15, 30)),
    ("Australia/Lord_Howe", date(2025, 10, 5), time(2, 0), _utc(2025, 10, 4, 15, 30)),
    ("Australia/Lord_Howe", date(2025, 10, 5), time(2, 30), _utc(2025, 10, 4, 15, 30)),
    ("Australia/Lord_Howe", date(2025, 10, 5), time(1, 59), _utc(2025, 10, 4, 15, 29)),
    ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), _utc(2026, 4, 4, 14, 45)),
    ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), _utc(2026, 10, 3, 15, 30)),
    ("Australia/Lord_Howe", date(2027, 4, 4), time(1, 45), _utc(2027, 4, 3, 14, 45)),
    ("Australia/Lord_Howe", date(2027, 10, 3), time(2, 15), _utc(2027, 10, 2, 15, 30)),
    ("Australia/Lord_Howe", date(2025, 1, 15), time(8, 0), _utc(2025, 1, 14, 21, 0)),
    ("Australia/Lord_Howe", date(2025, 7, 15), time(8, 0), _utc(2025, 7, 14, 21, 30)),
]


@pytest.mark.parametrize(("zone_name", "local_date", "local_time", "expected"), OCCURRENCES)
def test_occurrence_matches_the_worked_out_instant(
    zone_name: str, local_date: date, local_time: time, expected: datetime
) -> None:
    actual = occurrence(local_date, local_time, ZoneInfo(zone_name))

    assert actual == expected
    assert actual.tzinfo is UTC


def test_occurrence_ignores_a_fold_on_the_time_it_is_given() -> None:
    # A time(fold=1) must not select the second occurrence: the rule is "first, once".
    actual = occurrence(date(2025, 11, 2), time(1, 30, fold=1), ZoneInfo("America/New_York"))

    assert actual == _utc(2025, 11, 2, 5, 30)


def test_occurrence_rejects_a_time_with_a_zone() -> None:
    with pytest.raises(ValueError, match="without tzinfo"):
        occurrence(date(2025, 1, 1), time(8, 0, tzinfo=UTC), ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("instant", "zone_name", "expected"),
    [
        (_utc(2025, 1, 1, 0, 0), "America/New_York", date(2024, 12, 31)),
        (_utc(2025, 1, 1, 0, 0), "Asia/Kolkata", date(2025, 1, 1)),
        (_utc(2025, 9, 27, 11, 15), "Pacific/Chatham", date(2025, 9, 28)),
        (_utc(2025, 9, 27, 11, 14), "Pacific/Chatham", date(2025, 9, 27)),
        # The second 23:30 of Santiago's repeated Saturday hour is still Saturday.
        (_utc(2025, 4, 6, 3, 30), "America/Santiago", date(2025, 4, 5)),
        (datetime(2025, 1, 1, 6, 0, tzinfo=ZoneInfo("Asia/Tokyo")), "UTC", date(2024, 12, 31)),
    ],
)
def test_local_date_of(instant: datetime, zone_name: str, expected: date) -> None:
    assert local_date_of(instant, ZoneInfo(zone_name)) == expected


BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("local_time", "zone_name", "now", "last_served", "expected"),
    [
        pytest.param(time(8), "Europe/Berlin", _utc(2025, 6, 2, 5, 0), None,
                     _utc(2025, 6, 2, 6, 0), id="later-today"),
        pytest.param(time(8), "Europe/Berlin", _utc(2025, 6, 2, 6, 0), None,
                     _utc(2025, 6, 3, 6, 0), id="exactly-now-is-not-after-now"),
        pytest.param(time(8), "Europe/Berlin", _utc(2025, 6, 2, 5, 0), date(2025, 6, 2),
                     _utc(2025, 6, 3, 6, 0), id="today-already-served"),
        pytest.param(time(20), "Europe/Berlin", _utc(2025, 6, 2, 7, 0), date(2025, 6, 2),
                     _utc(2025, 6, 3, 18, 0), id="time-moved-later-after-a-send"),
        pytest.param(time(8), "Europe/Berlin", _utc(2025, 6, 2, 5, 0), date(2025, 6, 9),
                     _utc(2025, 6, 10, 6, 0), id="served-ahead-waits"),
        pytest.param(time(2, 30), "Europe/Berlin", _utc(2025, 3, 30, 0, 30), None,
                     _utc(2025, 3, 30, 1, 0), id="gap-fires-at-the-jump"),
        pytest.param(time(2, 30), "Europe/Berlin", _utc(2025, 10, 26, 0, 45), None,
                     _utc(2025, 10, 27, 1, 30), id="overlap-second-pass-not-fired"),
        pytest.param(time(2, 30), "Europe/Berlin", _utc(2025, 10, 26, 0, 0), None,
                     _utc(2025, 10, 26, 0, 30), id="overlap-first-pass"),
        pytest.param(time(23, 30), "America/Santiago", _utc(2025, 4, 6, 2, 30), None,
                     _utc(2025, 4, 7, 3, 30), id="santiago-repeated-hour-once"),
        pytest.param(time(3), "Pacific/Chatham", _utc(2025, 9, 27, 13, 0),
                     date(2025, 9, 27), _utc(2025, 9, 27, 14, 0), id="chatham-gap"),
        pytest.param(time(8), "Asia/Kolkata",
                     datetime(2025, 6, 2, 1, 0, tzinfo=ZoneInfo("America/New_York")), None,
                     _utc(2025, 6, 3, 2, 30), id="now-in-another-zone"),
    ],
)  # fmt: skip
def test_next_reminder_at(
    local_time: time, zone_name: str, now: datetime, last_served: date | None, expected: datetime
) -> None:
    actual = next_reminder_at(local_time, ZoneInfo(zone_name), now, last_served=last_served)

    assert actual == expected
    assert actual.tzinfo is UTC


def test_next_reminder_at_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_reminder_at(time(8), BERLIN, datetime(2025, 1, 1, 8, 0))  # noqa: DTZ001


def test_moving_east_needs_the_served_date_read_in_the_new_zone() -> None:
    # Sent 08:00 in Los Angeles on 10 June (15:00 UTC), which is already 11 June in Tokyo.
    sent_at = _utc(2025, 6, 10, 15, 0)
    tokyo = ZoneInfo("Asia/Tokyo")
    stale = next_reminder_at(time(8), tokyo, sent_at, last_served=date(2025, 6, 10))
    # The old zone's date alone lets a second reminder land on Tokyo's 11 June ...
    assert local_date_of(stale, tokyo) == local_date_of(sent_at, tokyo) == date(2025, 6, 11)

    # ... so the caller passes the later of the two dates, as the docstring says.
    rebased = max(date(2025, 6, 10), local_date_of(sent_at, tokyo))
    actual = next_reminder_at(time(8), tokyo, sent_at, last_served=rebased)

    assert actual == _utc(2025, 6, 11, 23, 0)


# The spring-forward gaps of 2025-2027 in wall-clock time, from the zones' published rules.
SPRING_FORWARD: dict[str, tuple[time, time, tuple[date, ...]]] = {
    "Europe/Berlin":
        (time(2), time(3), (date(2025, 3, 30), date(2026, 3, 29), date(2027, 3, 28))),
    "America/New_York":
        (time(2), time(3), (date(2025, 3, 9), date(2026, 3, 8), date(2027, 3, 14))),
    "Australia/Sydney":
        (time(2), time(3), (date(2025, 10, 5), date(2026, 10, 4), date(2027, 10, 3))),
    "Asia/Kolkata":
        (time(0), time(0), ()),
    "America/Santiago":
        (time(0), time(1), (date(2025, 9, 7), date(2026, 9, 6), date(2027, 9, 5))),
    "Pacific/Chatham":
        (time(2, 45), time(3, 45), (date(2025, 9, 28), date(2026, 9, 27), date(2027, 9, 26))),
    "Australia/Lord_Howe":
        (time(2), time(2, 30), (date(2025, 10, 5), date(2026, 10, 4), date(2027, 10, 3))),
}  # fmt: skip
DISPATCH_TIMES = (time(2, 30), time(2, 45), time(1, 30), time(0, 0), time(23, 59), time(8, 0))


@pytest.mark.parametrize("zone_name", TABLE_ZONES)
def test_dispatcher_serves_exactly_one_reminder_per_local_date(zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    gap_start, gap_end, gap_dates = SPRING_FORWARD[zone_name]
    start = _utc(2025, 1, 1, 0, 0)
    for local_time in DISPATCH_TIMES:
        now, served = start, None
        moved: list[date] = []
        while served is None or served < date(2027, 12, 31):
            sent_at = next_reminder_at(local_time, zone, now, last_served=served)
            sent_on = local_date_of(sent_at, zone)
            if served is None:
                assert sent_on - local_date_of(start, zone) in (timedelta(0), timedelta(days=1))
            else:
                assert sent_on - served == timedelta(days=1), (local_time, served, sent_on)
            local = sent_at.astimezone(zone)
            assert local.fold == 0  # the first occurrence of a repeated time, never the second
            if local.time() != local_time:
                assert local.time() == gap_end
                moved.append(sent_on)
            now, served = sent_at, sent_on
        expected_moved = list(gap_dates) if gap_start <= local_time < gap_end else []
        assert moved == expected_moved, local_time


# Hypothesis: any zone the bot accepts, instants 1990-2040 (all zones, so historical oddities
# such as Samoa skipping 30 December 2011 are exercised too).
ZONE_NAMES = sorted(name for name in zoneinfo.available_timezones() if is_valid_zone_name(name))
zones = st.sampled_from(ZONE_NAMES).map(ZoneInfo)
instants = st.integers(
    min_value=int(_utc(1990, 1, 1, 0, 0).timestamp()),
    max_value=int(_utc(2040, 1, 1, 0, 0).timestamp()),
).map(lambda seconds: datetime.fromtimestamp(seconds, tz=UTC))
reminder_times = st.integers(min_value=0, max_value=24 * 60 - 1).map(
    lambda minutes: time(minutes // 60, minutes % 60)
)


def _reading(instant: datetime, zone: ZoneInfo) -> tuple[date, time]:
    local = instant.astimezone(zone)
    return local.date(), local.time().replace(fold=0)


def _first_instant_reading_at_least(local_date: date, local_time: time, zone: ZoneInfo) -> datetime:
    """Brute force: walk forward in time until the zone's clock shows at least the wall time.

    That is the definition of the rule (first occurrence if it exists, else the jump),
    computed with UTC->local conversions only, which are never ambiguous.
    """
    wanted = (local_date, local_time)
    # The wall time read as if in UTC, minus 15 h: no zone is that far ahead of UTC, so the
    # walk starts before the answer.
    instant = datetime.combine(local_date, local_time, tzinfo=UTC) - timedelta(hours=15)
    while _reading(instant, zone) < wanted:
        instant += timedelta(minutes=1)
    instant -= timedelta(minutes=1)
    while _reading(instant, zone) < wanted:
        instant += timedelta(seconds=1)
    return instant


def _shift(local_date: date, local_time: time, minutes: int) -> tuple[date, time]:
    """Wall-clock arithmetic on a (date, time) reading."""
    days, minute_of_day = divmod(local_time.hour * 60 + local_time.minute + minutes, 24 * 60)
    return local_date + timedelta(days=days), time(minute_of_day // 60, minute_of_day % 60)


TRANSITION_ZONES = (
    *TABLE_ZONES,
    "Europe/Dublin",  # "negative DST" in the tz database: winter is the daylight-saving time
    "America/St_Johns",  # -03:30
    "Africa/Casablanca",  # leaves and rejoins +01 around Ramadan
    "Antarctica/Troll",  # a two-hour shift
    "America/Havana",  # changes at midnight
    "Africa/Cairo",  # falls back at 24:00
)


@functools.cache
def _transitions() -> list[tuple[str, date, time]]:
    """Wall-clock readings (zone, date, time) where each transition of 2024-2028 begins."""
    found = []
    for name in TRANSITION_ZONES:
        zone = ZoneInfo(name)
        day = _utc(2024, 1, 1, 0, 0)
        while day < _utc(2029, 1, 1, 0, 0):
            low, high = day, day + timedelta(days=1)
            if low.astimezone(zone).utcoffset() != high.astimezone(zone).utcoffset():
                # Bisect whole seconds: `high` ends on the first second of the new offset.
                while high - low > timedelta(seconds=1):
                    middle = low + (high - low) // timedelta(seconds=1) // 2 * timedelta(seconds=1)
                    if middle.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
                        high = middle
                    else:
                        low = middle
                # The reading the old offset would show at the transition instant.
                before = (high - timedelta(seconds=1)).astimezone(zone) + timedelta(seconds=1)
                found.append((name, before.date(), before.time()))
            day += timedelta(days=1)
    return found


def test_the_transition_scan_found_the_table_zones_changes() -> None:
    # 5 years x 2 changes for each zone with DST; guards the strategy below against emptiness.
    counts = {name: sum(1 for t in _transitions() if t[0] == name) for name in TABLE_ZONES}
    assert counts == {name: 0 if name == "Asia/Kolkata" else 10 for name in TABLE_ZONES}


near_transitions = st.tuples(
    st.sampled_from(_transitions()), st.integers(min_value=-130, max_value=130)
)


@settings(deadline=None)
@given(pick=near_transitions)
def test_occurrence_near_transitions_is_the_first_reading_at_least_the_wall_time(
    pick: tuple[tuple[str, date, time], int],
) -> None:
    (name, start_date, start_time), minutes = pick
    zone = ZoneInfo(name)
    local_date, local_time = _shift(start_date, start_time, minutes)

    actual = occurrence(local_date, local_time, zone)

    assert actual == _first_instant_reading_at_least(local_date, local_time, zone)


@settings(deadline=None)
@given(zone=zones, instant=instants, local_time=reminder_times)
def test_occurrence_anywhere_is_the_first_reading_at_least_the_wall_time(
    zone: ZoneInfo, instant: datetime, local_time: time
) -> None:
    local_date = local_date_of(instant, zone)

    actual = occurrence(local_date, local_time, zone)

    assert actual == _first_instant_reading_at_least(local_date, local_time, zone)


@given(zone=zones, instant=instants)
def test_occurrence_round_trips_for_times_that_exist(zone: ZoneInfo, instant: datetime) -> None:
    local = instant.astimezone(zone)

    actual = occurrence(local.date(), local.time(), zone)

    if local.fold == 0:
        assert actual == instant
    else:
        # The second pass of a repeated hour: same reading, first occurrence, earlier.
        assert actual < instant
        assert _reading(actual, zone) == _reading(instant, zone)


@given(
    zone=zones,
    local_time=reminder_times,
    now=instants,
    served_offset=st.none() | st.integers(min_value=-3, max_value=3),
)
def test_next_reminder_at_is_the_earliest_allowed_occurrence(
    zone: ZoneInfo, local_time: time, now: datetime, served_offset: int | None
) -> None:
    today = local_date_of(now, zone)
    last_served = None if served_offset is None else today + timedelta(days=served_offset)

    actual = next_reminder_at(local_time, zone, now, last_served=last_served)

    assert actual > now
    assert actual.tzinfo is UTC
    actual_date = local_date_of(actual, zone)
    if last_served is not None:
        assert actual_date > last_served
    allowed = [
        candidate
        for offset in range(-1, (actual_date - today).days + 1)
        if (candidate := occurrence(today + timedelta(days=offset), local_time, zone)) > now
        and (last_served is None or local_date_of(candidate, zone) > last_served)
    ]
    assert actual == min(allowed)


@given(
    start=instants,
    first_zone=zones,
    first_time=reminder_times,
    steps=st.lists(
        st.tuples(
            st.none() | zones,  # a move to another zone, or none
            st.none() | reminder_times,  # a new reminder time, or none
            st.integers(min_value=0, max_value=3 * 24 * 60),  # minutes until the change
        ),
        max_size=25,
    ),
)
def test_changing_zone_or_time_never_serves_two_on_one_local_date(
    start: datetime,
    first_zone: ZoneInfo,
    first_time: time,
    steps: list[tuple[ZoneInfo | None, time | None, int]],
) -> None:
    zone, local_time, now = first_zone, first_time, start
    served: date | None = None
    sent: list[datetime] = []
    for new_zone, new_time, minutes in [(None, None, 0), *steps]:
        now += timedelta(minutes=minutes)
        if new_time is not None:
            local_time = new_time
        if new_zone is not None:
            zone = new_zone
            if served is not None:
                # The served-date bookkeeping a zone move needs (see next_reminder_at).
                served = max(served, local_date_of(sent[-1], zone))
        sent_at = next_reminder_at(local_time, zone, now, last_served=served)
        sent_on = local_date_of(sent_at, zone)

        assert served is None or sent_on > served
        # Read in the zone the person is in now, no earlier send shares this date.
        assert all(local_date_of(earlier, zone) < sent_on for earlier in sent)
        sent.append(sent_at)
        served, now = sent_on, sent_at


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("19:45", time(19, 45)),
        ("0:00", time(0, 0)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("7", time(7, 0)),
        ("0", time(0, 0)),
        ("7pm", time(19, 0)),
        ("7 pm", time(19, 0)),
        ("7PM", time(19, 0)),
        ("7 p.m.", time(19, 0)),
        ("7.30pm", time(19, 30)),
        ("7:30 AM", time(7, 30)),
        ("11:59pm", time(23, 59)),
        ("12am", time(0, 0)),
        ("12:15 am", time(0, 15)),
        ("12pm", time(12, 0)),
        ("12:59 PM", time(12, 59)),
        ("0730", time(7, 30)),
        ("1930", time(19, 30)),
        ("19h30", time(19, 30)),
        ("19h", time(19, 0)),
        ("7h pm", time(19, 0)),
        ("  7:30\n", time(7, 30)),
    ],
)
def test_parse_local_time_reads_what_people_type(text: str, expected: time) -> None:
    assert parse_local_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "25:61",
        "24:00",
        "24",
        "2400",
        "12:60",
        "7:5",
        "7.3pm",
        "7h3",
        "-1",
        "+7",
        "730",
        "7 30",
        "7::30",
        "7:30:15",
        "13pm",
        "0am",
        "19:45pm",
        "7pmm",
        "7:30 xm",
        "7:30 am pm",
        "noon",
        "seven",
        "7:30\u200b",  # zero-width space
        "\u200b7:30",
        "7\u200d:30",  # zero-width joiner
        "\ufeff7:30",  # byte-order mark
        "\u202e7:30",  # right-to-left override
        "\u05e9\u05e2\u05d4 7:30",  # Hebrew, right to left
        "\u0667:\u0663\u0660",  # Arabic-Indic digits
        "\uff17\uff1a\uff13\uff10",  # full-width digits and colon
        "7:30\x00",
        "7:30" * 1000,
        "1" * 100_000,
    ],
)
def test_parse_local_time_rejects_junk(text: str) -> None:
    assert parse_local_time(text) is None


@given(text=st.text(max_size=40))
def test_parse_local_time_never_raises_and_keeps_minute_precision(text: str) -> None:
    parsed = parse_local_time(text)

    assert parsed is None or (parsed.second, parsed.microsecond, parsed.tzinfo) == (0, 0, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Lisbon", "Europe/Lisbon"),
        ("europe/lisbon", "Europe/Lisbon"),
        (" America/New_York ", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("AMERICA/NEW_YORK", "America/New_York"),
        ("australia/lord howe", "Australia/Lord_Howe"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("america/port-au-prince", "America/Port-au-Prince"),
        ("Pacific/Chatham", "Pacific/Chatham"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("Etc/UTC", "Etc/UTC"),
    ],
)
def test_parse_zone_finds_the_canonical_name(text: str, expected: str) -> None:
    zone = parse_zone(text)

    assert zone is not None
    assert zone.key == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Mars/Olympus",
        "Europe",
        "Europe/",
        "Europe/Lisbon/",
        "Europe//Lisbon",
        "europe_lisbon",
        "america/new  york",
        "../etc/passwd",
        "/etc/passwd",
        "/usr/share/zoneinfo/Europe/Lisbon",
        "Europe/../Europe/Lisbon",
        "+03:00",
        "GMT+3",
        "UTC+3",
        "Etc/GMT+3",  # a fixed offset, and UTC-3 despite the plus
        "Etc/GMT-14",
        "localtime",
        "Factory",
        "Europe/Lisbon\u200b",  # zero-width space
        "\u202eEurope/Lisbon",  # right-to-left override
        "Europe\u2215Lisbon",  # division slash
        "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd",  # Hebrew for Jerusalem
        "Europe/Lisbon\x00",
        "Europe/" + "x" * 10_000,
        "x" * 100_000,
    ],
)
def test_parse_zone_rejects_junk(text: str) -> None:
    assert parse_zone(text) is None


@given(text=st.text(max_size=60))
def test_parse_zone_never_raises(text: str) -> None:
    zone = parse_zone(text)

    assert zone is None or is_valid_zone_name(zone.key)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Europe/Lisbon", True),
        ("UTC", True),
        ("Pacific/Chatham", True),
        ("europe/lisbon", False),
        (" Europe/Lisbon", False),
        ("Mars/Olympus", False),
        ("Etc/GMT+3", False),
        ("localtime", False),
        ("", False),
    ],
)
def test_is_valid_zone_name(name: str, expected: bool) -> None:
    assert is_valid_zone_name(name) == expected
