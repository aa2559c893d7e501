"""The tick's claim: DeliveryRepository.claim_due_users for one batch among N people.

Each run is its own transaction (as in a tick) and only the claim call is timed; the first
run warms the connection and SQLAlchemy's statement cache and is not counted. The SQL the
repository actually sent is captured and EXPLAINed on the same database.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

from sqlalchemy import event

from bench.seed import BENCH_NOW
from bench.support import JSONDict
from bot.storage.db import create_engine, create_session_factory
from bot.storage.repositories import DeliveryRepository

INDEX = "ix_users_due"
CLAIM_SQL = re.compile(r"\bFROM users\b.*\bLIMIT\b", re.DOTALL | re.IGNORECASE)


async def run(params: JSONDict) -> JSONDict:
    url, runs, batch = params["database_url"], int(params["runs"]), int(params["batch"])
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    captured: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if CLAIM_SQL.search(statement):
            captured.append((statement, parameters))

    timings: list[float] = []
    claimed: list[int] = []
    try:
        for _ in range(runs + 1):
            async with sessions.begin() as db:
                started = time.perf_counter()
                members = await DeliveryRepository(db).claim_due_users(BENCH_NOW, limit=batch)
                timings.append(1000 * (time.perf_counter() - started))
                claimed.append(len(members))
        statement, parameters = captured[-1]
        # The same SQL through the bare driver: what the database costs, without the ORM.
        sql_timings: list[float] = []
        for _ in range(runs + 1):
            async with engine.begin() as conn:
                started = time.perf_counter()
                (await conn.exec_driver_sql(statement, parameters)).all()
                sql_timings.append(1000 * (time.perf_counter() - started))
        is_sqlite = engine.dialect.name == "sqlite"
        prefix = "EXPLAIN QUERY PLAN " if is_sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
        async with engine.begin() as conn:
            rows = (await conn.exec_driver_sql(prefix + statement, parameters)).all()
        plan = [str(row[-1]) for row in rows]
    finally:
        await engine.dispose()
    measured = timings[1:]
    return {
        "backend": engine.dialect.name,
        "users": int(params["users"]),
        "batch": batch,
        "claimed": claimed[1:],
        "median_ms": round(statistics.median(measured), 3),
        "min_ms": round(min(measured), 3),
        "max_ms": round(max(measured), 3),
        "runs_ms": [round(t, 3) for t in measured],
        "sql_only_median_ms": round(statistics.median(sql_timings[1:]), 3),
        "statement": " ".join(statement.split()),
        "plan": plan,
        "uses_index": any(INDEX in line for line in plan),
    }
