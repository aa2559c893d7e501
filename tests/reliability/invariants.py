"""What must hold in the database whatever people sent: a checker for SQLite and PostgreSQL.

`check_invariants` returns every problem found (an empty list when all is well), so one run
reports them all. Foreign keys are read from the models' metadata: a table added later is
checked for orphans without a change here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.library import Area, Contraindication, Equipment, Library
from bot.domain.safety import SCREEN_QUESTIONS
from bot.domain.schedule import is_valid_zone_name
from bot.domain.state import Outcome
from bot.services.views import SetupStep
from bot.storage.db import create_engine
from bot.storage.models import Base, NudgeKind, SessionStatus, UserStatus

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def onboarding_step_problem(value: str | None) -> str | None:
    """Why a users.onboarding_step value cannot be read back, or None if it can.

    The shape the set-up service writes: "<o|s>:<step>:<index>", the step one of the
    questions (never "done": done is stored as NULL), the index within the safety screen.
    """
    if value is None:
        return None
    parts = value.split(":")
    if len(parts) != 3:
        return "not mode:step:index"
    mode, step, index = parts
    if mode not in {"o", "s"}:
        return f"mode {mode!r}"
    try:
        decoded = SetupStep(step)
    except ValueError:
        return f"step {step!r}"
    if decoded is SetupStep.DONE:
        return "done is stored as NULL"
    if not index.isdigit() or int(index) >= max(len(SCREEN_QUESTIONS), 1):
        return f"index {index!r}"
    return None


async def _rows(conn: AsyncConnection, sql: str) -> list[dict[str, Any]]:
    return [dict(r) for r in (await conn.execute(text(sql))).mappings()]


def _as_list(value: object) -> list[Any] | None:
    """A JSON column as read back: a list, or a JSON text of one (SQLite raw reads)."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, list) else None


async def check_invariants(database_url: str, library: Library) -> list[str]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return await _check(conn, library)
    finally:
        await engine.dispose()


async def _check(conn: AsyncConnection, library: Library) -> list[str]:
    problems: list[str] = []
    problems += await _orphans(conn)

    # One session per person and local date; one answer per move of a session.
    for row in await _rows(
        conn,
        "select user_id, local_date, count(*) as n from daily_sessions "
        "group by user_id, local_date having count(*) > 1",
    ):
        problems.append(f"{row['n']} sessions for user {row['user_id']} on {row['local_date']}")
    for row in await _rows(
        conn,
        "select session_id, move_id, count(*) as n from feedback "
        "group by session_id, move_id having count(*) > 1",
    ):
        problems.append(f"{row['n']} answers to {row['move_id']} in session {row['session_id']}")

    # Rows about a session belong to the session's person; answers are about its moves.
    for row in await _rows(
        conn,
        "select f.id, f.user_id, f.move_id, s.user_id as owner, s.stretch_id, s.strength_id "
        "from feedback f join daily_sessions s on s.id = f.session_id",
    ):
        if row["user_id"] != row["owner"]:
            problems.append(f"feedback {row['id']} of user {row['user_id']} on {row['owner']}'s")
        if row["move_id"] not in (row["stretch_id"], row["strength_id"]):
            problems.append(f"feedback {row['id']} about {row['move_id']}, not a session move")
        if row["move_id"] not in library.moves:
            problems.append(f"feedback {row['id']} about unknown move {row['move_id']}")
    for row in await _rows(
        conn,
        "select n.id, n.user_id, s.user_id as owner from nudges n "
        "join daily_sessions s on s.id = n.session_id",
    ):
        if row["user_id"] != row["owner"]:
            problems.append(f"nudge {row['id']} of user {row['user_id']} on {row['owner']}'s")

    problems += await _users(conn)
    problems += await _sessions(conn, library)
    problems += await _ladders(conn, library)

    for row in await _rows(conn, "select id, outcome, pain from feedback"):
        if row["outcome"] not in set(Outcome):
            problems.append(f"feedback {row['id']} outcome {row['outcome']!r}")
        if row["pain"] is not None and not 0 <= row["pain"] <= 10:
            problems.append(f"feedback {row['id']} pain {row['pain']}")
    for row in await _rows(conn, "select id, kind from nudges"):
        if row["kind"] not in set(NudgeKind):
            problems.append(f"nudge {row['id']} kind {row['kind']!r}")
    return problems


async def _orphans(conn: AsyncConnection) -> list[str]:
    problems = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            sql = (
                f"select count(*) as n from {table.name} c where c.{child.name} is not null "  # noqa: S608
                f"and not exists (select 1 from {parent.table.name} p "
                f"where p.{parent.name} = c.{child.name})"
            )
            count = (await _rows(conn, sql))[0]["n"]
            if count:
                problems.append(f"{count} orphan rows in {table.name}.{child.name}")
    return problems


async def _users(conn: AsyncConnection) -> list[str]:
    problems = []
    for user in await _rows(conn, "select * from users"):
        uid = user["id"]
        if user["status"] not in set(UserStatus):
            problems.append(f"user {uid} status {user['status']!r}")
        if user["status"] == UserStatus.ACTIVE and user["next_reminder_at"] is None:
            problems.append(f"active user {uid} has no next_reminder_at")
        if not is_valid_zone_name(user["timezone"]):
            problems.append(f"user {uid} timezone {user['timezone']!r}")
        if not _HHMM.fullmatch(user["reminder_time"] or ""):
            problems.append(f"user {uid} reminder_time {user['reminder_time']!r}")
        if user["focus"] is not None and user["focus"] not in set(Area):
            problems.append(f"user {uid} focus {user['focus']!r}")
        equipment = _as_list(user["equipment"])
        if equipment is None or not set(equipment) <= set(Equipment):
            problems.append(f"user {uid} equipment {user['equipment']!r}")
        contra = _as_list(user["contraindications"])
        if contra is None or not set(contra) <= set(Contraindication):
            problems.append(f"user {uid} contraindications {user['contraindications']!r}")
        step_problem = onboarding_step_problem(user.get("onboarding_step"))
        if step_problem:
            problems.append(
                f"user {uid} onboarding_step {user['onboarding_step']!r}: {step_problem}"
            )
    return problems


async def _sessions(conn: AsyncConnection, library: Library) -> list[str]:
    problems = []
    for s in await _rows(conn, "select * from daily_sessions"):
        sid = s["id"]
        if s["status"] not in set(SessionStatus):
            problems.append(f"session {sid} status {s['status']!r}")
        if s["status"] == SessionStatus.SENT and s["telegram_message_id"] is None:
            problems.append(f"session {sid} sent without a message id")
        if s["focus"] not in set(Area):
            problems.append(f"session {sid} focus {s['focus']!r}")
        for column in ("stretch_id", "strength_id"):
            move = s[column]
            if move is not None and move not in library.moves:
                problems.append(f"session {sid} {column} {move!r} not in the library")
            dose = s[column.replace("_id", "_dose")]
            if (move is None) != (dose is None or dose == "null"):  # JSON null reads "null"
                problems.append(f"session {sid} {column} and its dose disagree")
    return problems


async def _ladders(conn: AsyncConnection, library: Library) -> list[str]:
    problems = []
    for row in await _rows(conn, "select * from ladder_progress"):
        where = f"user {row['user_id']} ladder {row['ladder']!r}"
        ladder = library.ladders.get(row["ladder"])
        if ladder is None:
            problems.append(f"{where}: not in the library")
            continue
        if not 1 <= row["level"] <= ladder.top_level:
            problems.append(f"{where}: level {row['level']} outside 1..{ladder.top_level}")
            continue
        doses = len(ladder.move_at(row["level"]).doses)
        if not 0 <= row["dose_step"] < doses:
            problems.append(f"{where}: dose step {row['dose_step']} outside 0..{doses - 1}")
        if row["clean_streak"] < 0:
            problems.append(f"{where}: clean streak {row['clean_streak']}")
    return problems


def summarise(problems: Iterable[str]) -> str:
    return "\n".join(problems)
