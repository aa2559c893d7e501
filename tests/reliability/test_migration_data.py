"""Data safety across migrations, on an SQLite file and on PostgreSQL: a populated database at
every earlier revision upgrades to head with no row lost and every kept column unchanged; the
latest revision downgrades and upgrades again with data in it.

The rows are written through the schema as reflected at each revision (not the models of
today), so the test follows the revisions as they come: a column or table added later is
filled by type, the ones the coach reads are filled with values it understands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Integer, MetaData, String, Table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.library import Area, Kind, Library
from bot.domain.state import Outcome
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.services.coaching import CoachService
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from bot.storage.models import NudgeKind
from bot.storage.repositories import dose_to_json
from tests.reliability.figures import record
from tests.reliability.harness import running_world
from tests.reliability.invariants import check_invariants
from tests.reliability.test_isolation import give_data

Rows = dict[str, list[dict[str, Any]]]
REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(alembic_config("")).walk_revisions()))
]
EARLIER = REVISIONS[:-1]
PEOPLE = 6
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    return metadata


async def _tables(engine: AsyncEngine) -> dict[str, Table]:
    async with engine.connect() as conn:
        metadata = await conn.run_sync(_reflect)
    return {t.name: t for t in metadata.sorted_tables if t.name != "alembic_version"}


async def dump(engine: AsyncEngine) -> Rows:
    """Every row of every table, ordered by primary key, as the current schema reads it."""
    found: Rows = {}
    tables = await _tables(engine)
    async with engine.connect() as conn:
        for name, table in tables.items():
            order = list(table.primary_key.columns) or list(table.columns)
            result = await conn.execute(table.select().order_by(*order))
            found[name] = [dict(r) for r in result.mappings()]
    return found


def _by_type(column: Any, i: int) -> Any:
    """A value for a column nothing below knows about (a later revision's), by its type."""
    kind = column.type
    if isinstance(kind, Boolean):
        return i % 2 == 0
    if isinstance(kind, Integer):
        return i + 1
    if isinstance(kind, DateTime):
        return START + timedelta(hours=i)
    if isinstance(kind, Date):
        return START.date() + timedelta(days=i)
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, String):
        return f"v{i}"[: kind.length or 32]
    return None


class Seeder:
    """Rows that make sense to the coach, for whichever of its tables a revision has."""

    def __init__(self, library: Library) -> None:
        self.stretches = [m for lad in library.ladders_of(Kind.STRETCH) for m in lad.moves]
        self.strengths = [m for lad in library.ladders_of(Kind.STRENGTH) for m in lad.moves]
        self.ladders = list(library.ladders)
        self.rows: Rows = {}

    def count(self, table: str) -> int:
        return {
            "users": PEOPLE,
            "daily_sessions": 2 * PEOPLE,
            "feedback": 2 * PEOPLE,
            "ladder_progress": 2 * PEOPLE,
            "rest_days": PEOPLE,
            "nudges": PEOPLE,
        }.get(table, PEOPLE)

    def values(self, table: str, i: int) -> dict[str, Callable[[], Any]]:
        """The coach's meaning of each column it reads, for row `i` of `table`."""
        users, sessions = self.rows.get("users", []), self.rows.get("daily_sessions", [])
        user = users[i % len(users)] if users else {"id": 0}
        stretch, strength = self.stretches[i % len(self.stretches)], self.strengths[i % 3]
        if table == "users":
            return {
                "id": lambda: 9100 + i,
                "chat_id": lambda: 9100 + i,
                "language_code": lambda: ("en", "es", None)[i % 3],
                "timezone": lambda: ("UTC", "Europe/Lisbon", "America/New_York")[i % 3],
                "reminder_time": lambda: f"{6 + i:02d}:{i * 7 % 60:02d}",
                "next_reminder_at": lambda: START + timedelta(days=1, hours=i),
                "last_served_date": lambda: START.date(),
                "status": lambda: ("active", "paused", "inactive")[i % 3],
                "paused_until": lambda: None,
                "focus": lambda: (None, *Area)[i % 5],
                "equipment": lambda: ["chair"] if i % 2 else [],
                "contraindications": lambda: ["no_floor"] if i % 3 == 0 else [],
                "strength_paused": lambda: i % 4 == 0,
                "onboarding_step": lambda: None,
            }
        if table == "daily_sessions":
            return {
                "user_id": lambda: user["id"],
                "local_date": lambda: START.date() - timedelta(days=i),
                "focus": lambda: list(Area)[i % 4],
                "stretch_id": lambda: stretch.id,
                "stretch_dose": lambda: dose_to_json(stretch.doses[0]),
                "strength_id": lambda: strength.id if i % 3 else None,
                "strength_dose": lambda: dose_to_json(strength.doses[0]) if i % 3 else None,
                "high_intensity": lambda: strength.high_intensity and i % 3 != 0,
                "status": lambda: ("sent", "pending", "failed", "expired")[i % 4],
                "attempts": lambda: i % 3,
                "due_at": lambda: START - timedelta(days=i),
                "lease_until": lambda: None,
                "telegram_message_id": lambda: 500 + i if i % 4 == 0 else None,
                "skipped": lambda: False,
                "sent_at": lambda: START - timedelta(days=i) if i % 4 == 0 else None,
            }
        session = sessions[i % len(sessions)] if sessions else {"id": 0, "user_id": 0}
        if table == "feedback":
            with_strength = [s for s in sessions if s["strength_id"] is not None]
            session = with_strength[i // 2 % len(with_strength)]  # both moves answered
            move = session["stretch_id"] if i % 2 else session["strength_id"]
            return {
                "session_id": lambda: session["id"],
                "user_id": lambda: session["user_id"],
                "move_id": lambda: move or session["stretch_id"],
                "outcome": lambda: list(Outcome)[i % 4],
                "pain": lambda: 6 if list(Outcome)[i % 4] is Outcome.HURT else None,
                "offered_move_id": lambda: None,
                "offered_dose": lambda: None,
            }
        if table == "ladder_progress":
            return {
                "user_id": lambda: user["id"],
                "ladder": lambda: self.ladders[i // len(users) % len(self.ladders)],
                "level": lambda: 1,
                "dose_step": lambda: 0,
                "clean_streak": lambda: i % 3,
                "level_changed_on": lambda: None,
            }
        if table == "nudges":
            return {
                "user_id": lambda: session["user_id"],
                "kind": lambda: list(NudgeKind)[i % 3],
                "session_id": lambda: session["id"] if i % 3 != 2 else None,
                "payload": lambda: {"pain": 5, "worse": False},
            }
        if table == "rest_days":
            return {
                "user_id": lambda: user["id"],
                "local_date": lambda: START.date() + timedelta(days=1 + i),
            }
        return {}

    async def seed(self, engine: AsyncEngine) -> None:
        tables = await _tables(engine)
        async with engine.begin() as conn:
            for name, table in tables.items():
                stored: list[dict[str, Any]] = []
                self.rows[name] = stored
                for i in range(self.count(name)):
                    meaning = self.values(name, i)
                    row: dict[str, Any] = {}
                    for column in table.columns:
                        generated = (
                            column.primary_key
                            and column.autoincrement is not False
                            and isinstance(column.type, Integer)
                            and not isinstance(column.type, BigInteger)
                            and len(table.primary_key.columns) == 1
                        )
                        if generated:
                            continue  # the database numbers it, as it does for the bot
                        make = meaning.get(column.name)
                        row[column.name] = make() if make else _by_type(column, i)
                    result = await conn.execute(table.insert().values(**row))
                    key = result.inserted_primary_key
                    if key is not None:
                        row.update(
                            zip([c.name for c in table.primary_key.columns], key, strict=True)
                        )
                    stored.append(row)


def _kept(before: Rows, after: Rows, *, skip: dict[str, set[str]] | None = None) -> list[str]:
    """Rows lost, or values changed in columns both schemas have."""
    problems = []
    for table, rows in before.items():
        if table not in after:
            problems.append(f"table {table} is gone")
            continue
        if len(after[table]) != len(rows):
            problems.append(f"{table}: {len(rows)} rows before, {len(after[table])} after")
            continue
        for old, new in zip(rows, after[table], strict=True):
            for column in old.keys() & new.keys() - (skip or {}).get(table, set()):
                if old[column] != new[column]:
                    problems.append(f"{table}.{column}: {old[column]!r} became {new[column]!r}")
    return problems


@pytest.mark.parametrize("revision", EARLIER)
async def test_a_populated_database_upgrades_from_every_earlier_revision(
    any_db_url: str, revision: str, library: Library, clock: ManualClock
) -> None:
    engine = create_engine(any_db_url)
    try:
        await upgrade(engine, revision)
        assert await current_revision(engine) == revision
        await Seeder(library).seed(engine)
        before = await dump(engine)
        await upgrade(engine)
        assert await current_revision(engine) == head_revision(any_db_url)
        after = await dump(engine)
        assert _kept(before, after) == []
        assert await check_invariants(any_db_url, library) == []
        # The coach works on the upgraded data: today's session for a person from before.
        coach = CoachService(
            create_session_factory(engine),
            library,
            clock,
            default_timezone="UTC",
            default_reminder_time=time(8, 0),
        )
        view = await coach.todays_session(9100, 9100, "en")
        assert view.stretch is not None or view.strength is not None
    finally:
        await engine.dispose()
    backend = any_db_url.split("+")[0]
    rows = sum(len(r) for r in before.values())
    record(
        f"migrations.upgrade_from_{revision}.{backend}",
        f"{rows} rows in {len(before)} tables: none lost, every kept column unchanged",
    )


async def test_the_latest_revision_downgrades_and_upgrades_with_data(
    emulator: BotApiEmulator, any_db_url: str, library: Library, clock: ManualClock
) -> None:
    async with running_world(emulator, any_db_url, clock, library) as world:
        for person in (9201, 9202, 9203):
            await give_data(world, person)
        clock.advance(timedelta(days=1))
        await world.app.bot_data.services.dispatcher.dispatch_due()
    engine = create_engine(any_db_url)
    try:
        at_head = await dump(engine)
        await downgrade(engine, "-1")
        previous = await dump(engine)
        # Everything the older schema can hold is still there.
        dropped = sorted(set(at_head) - set(previous))
        assert sorted(_kept(at_head, previous)) == [f"table {t} is gone" for t in dropped]
        await upgrade(engine)
        again = await dump(engine)
        assert set(again) == set(at_head)
        assert _kept(previous, again) == []
        assert await check_invariants(any_db_url, library) == []
    finally:
        await engine.dispose()
    async with running_world(emulator, any_db_url, clock, library) as world:
        await world.say(9201, "/today")
        await world.check()
    backend = any_db_url.split("+")[0]
    kept = sum(len(r) for t, r in at_head.items() if t in previous)
    record(
        f"migrations.down_up_latest.{backend}",
        f"{kept} rows kept through "
        f"{REVISIONS[-1]} -> {REVISIONS[-2]} -> {REVISIONS[-1]}; "
        f"tables dropped by the downgrade: {sorted(set(at_head) - set(previous))}",
    )


def test_every_revision_is_covered() -> None:
    assert REVISIONS[0] == "0001"
    assert len(EARLIER) == len(REVISIONS) - 1 >= 1
