"""Readiness: can this process serve right now? Database reachable, schema current, and
Telegram reachable when the bot started (getMe answered before post_init ran)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.storage.migrate import alembic_config, current_revision
from bot.storage.repositories import OperationsRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    database: str  # "ok", or what failed (an exception class name, never its text)
    # "current"; "ahead" (a revision this code does not know: a newer release migrated, as in
    # a rolling upgrade); "behind" (older, or none); "unknown" when the database is unreachable.
    migrations: str
    telegram: str  # "ok" once getMe answered at start, else "not yet"

    @property
    def ready(self) -> bool:
        schema_ok = self.migrations in ("current", "ahead")
        return self.database == "ok" and schema_ok and self.telegram == "ok"


class Readiness:
    """Built empty; the composition root points it at the engine and marks Telegram reached."""

    def __init__(self, *, timeout: float = 3.0) -> None:
        self._engine: AsyncEngine | None = None
        self._head: str | None = None
        self._known: frozenset[str] = frozenset()
        self._timeout = timeout
        self.telegram_reached = False

    def watch(self, engine: AsyncEngine, database_url: str) -> None:
        scripts = ScriptDirectory.from_config(alembic_config(database_url))
        self._engine = engine
        self._head = scripts.get_current_head()
        self._known = frozenset(script.revision for script in scripts.walk_revisions())

    async def check(self) -> ReadinessReport:
        telegram = "ok" if self.telegram_reached else "not yet"
        if self._engine is None:
            return ReadinessReport("not configured", "unknown", telegram)
        try:
            revision = await asyncio.wait_for(self._probe(self._engine), self._timeout)
        except Exception as exc:
            # The text may name hosts or users; the class name is enough for a probe.
            log.warning("readiness: database check failed: %s", type(exc).__name__)
            return ReadinessReport(type(exc).__name__, "unknown", telegram)
        return ReadinessReport("ok", self._schema_state(revision), telegram)

    def _schema_state(self, revision: str | None) -> str:
        if revision == self._head:
            return "current"
        if revision is not None and revision not in self._known:
            return "ahead"
        return "behind"

    @staticmethod
    async def _probe(engine: AsyncEngine) -> str | None:
        async with AsyncSession(engine) as db:
            await OperationsRepository(db).ping()
        return await current_revision(engine)
