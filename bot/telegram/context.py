"""Typed access to the services from handlers (PTB's contexttypesbot pattern)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.domain.library import Library
from bot.services.coaching import CoachService
from bot.services.delivery import Dispatcher
from bot.services.nudges import NudgeService
from bot.services.progress import ProgressService
from bot.services.setup import SetupService
from bot.telegram.render import SessionRenderer


@dataclass
class Services:
    coach: CoachService
    dispatcher: Dispatcher
    renderer: SessionRenderer
    library: Library
    setup: SetupService
    progress: ProgressService
    nudges: NudgeService


class BotData:
    """PTB builds this empty; the composition root fills in `services` before start."""

    def __init__(self) -> None:
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are not wired: build the app with build_application()")
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value


class CoachContext(CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def coach(self) -> CoachService:
        return self.bot_data.services.coach


# ExtBot[int]: the AIORateLimiter's per-request argument type.
CoachApplication: TypeAlias = Application[
    ExtBot[int], CoachContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[CoachContext]
]
