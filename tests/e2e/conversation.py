"""A person chatting with the real bot, as the acceptance tests of the conversation drive it.

`chat` (the fixture) wraps the real Application polling the emulator, the SQLite file and the
ManualClock. `chat.person(id)` is someone writing to the bot: `say` a text, `tap` a button by
its label or its callback data, read `last()` and the toasts. Every call waits until the bot
has handled the update completely (a marker handler in the last handler group records it), so
no test sleeps or guesses how many replies will come.

When a test ends, the fixture checks what must hold for every conversation:
- no Bot API call failed, except the refusals a test provoked on purpose (`chat.allow`);
- every text went out in HTML mode, within Telegram's limits;
- no ERROR log record from the bot (or PTB).

Test modules take the fixture by importing `chat_fixture` (see `__all__` there).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.domain.library import Library
from bot.domain.safety import SCREEN_QUESTIONS
from bot.playground.emulator import ApiCall, BotApiEmulator, StoredMessage
from bot.services.clock import ManualClock
from bot.services.delivery import DispatchReport
from bot.services.nudges import NudgeReport
from bot.storage.models import Base
from bot.telegram.context import CoachApplication
from bot.texts import text

ALICE = 1001
BOB = 1002

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
TOAST_LIMIT = 200
HANDLED_GROUP = 10_000  # after every group the bot uses: runs once the bot is done
HANDLE_TIMEOUT = 20.0


def label(slot: str, answer: str) -> str:
    """A session button's label, e.g. label("strength", "too_hard")."""
    return f"{text(f'session.{slot}')}: {text(f'button.{answer}')}"


class Chat:
    """The bot, its database and its clock, seen from outside."""

    def __init__(
        self,
        app: CoachApplication,
        emulator: BotApiEmulator,
        db_url: str,
        clock: ManualClock,
        library: Library,
    ) -> None:
        self.app = app
        self.emulator = emulator
        self.db_path = db_url.removeprefix("sqlite+aiosqlite:///")
        self.clock = clock
        self.library = library
        self.handled: set[int] = set()
        self.allowed_errors: list[str] = []
        app.add_handler(TypeHandler(Update, self._mark_handled), group=HANDLED_GROUP)

    async def _mark_handled(self, update: Update, context: object) -> None:
        self.handled.add(update.update_id)

    # --- people -------------------------------------------------------------------------

    def person(
        self, user_id: int = ALICE, *, first_name: str = "Alice", lang: str = "en"
    ) -> Person:
        return Person(self, user_id, first_name, lang)

    async def inject(self, update: dict[str, Any]) -> int:
        """Queue any raw update and wait until the bot has handled it."""
        queued = self.emulator.inject_update(update)
        await self.until_handled(queued["update_id"])
        return int(queued["update_id"])

    async def set_blocked(self, user_id: int, *, blocked: bool) -> None:
        """The person blocks (or unblocks) the bot: a my_chat_member update, handled."""
        queued = self.emulator.inject_my_chat_member(user_id, blocked=blocked)
        await self.until_handled(queued["update_id"])

    async def until_handled(self, update_id: int) -> None:
        # Generous: it returns as soon as the update is handled (a cold matplotlib is slow).
        await self.emulator.wait_for(lambda: update_id in self.handled, timeout=HANDLE_TIMEOUT)

    # --- time ---------------------------------------------------------------------------

    def set_local(self, zone: str, *args: int) -> None:
        """Move the clock to a local wall time, e.g. set_local("Europe/Lisbon", 2026, 3, 8, 18)."""
        self.clock.set(datetime(*args, tzinfo=ZoneInfo(zone)))

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    async def tick(self) -> tuple[DispatchReport, NudgeReport]:
        """One tick of the repeating job: daily sessions, then the other timed messages."""
        services = self.app.bot_data.services
        return await services.dispatcher.dispatch_due(), await services.nudges.dispatch_due()

    # --- the database -------------------------------------------------------------------

    def rows(self, sql: str, *params: object) -> list[dict[str, Any]]:
        with sqlite3.connect(self.db_path) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params).fetchall()]

    def value(self, sql: str, *params: object) -> Any:
        rows = self.rows(sql, *params)
        assert len(rows) == 1, f"{sql!r} gave {len(rows)} rows"
        return next(iter(rows[0].values()))

    def user(self, user_id: int) -> dict[str, Any]:
        rows = self.rows("select * from users where id = ?", user_id)
        assert rows, f"no users row for {user_id}"
        return rows[0]

    def sessions(self, user_id: int) -> list[dict[str, Any]]:
        return self.rows(
            "select * from daily_sessions where user_id = ? order by local_date", user_id
        )

    def feedback(self, user_id: int) -> list[dict[str, Any]]:
        return self.rows("select * from feedback where user_id = ? order by id", user_id)

    def nudges(self, user_id: int, kind: str | None = None) -> list[dict[str, Any]]:
        rows = self.rows("select * from nudges where user_id = ? order by due_at", user_id)
        return [r for r in rows if kind is None or r["kind"] == kind]

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table: to show that something changed nothing."""
        return {
            table.name: self.rows(f"select * from {table.name} order by 1")  # noqa: S608
            for table in Base.metadata.sorted_tables
        }

    def rows_mentioning(self, user_id: int, session_ids: Iterable[int]) -> dict[str, int]:
        """Rows in ANY table of the schema that name the person or one of their sessions.

        The person's id is looked for in every integer column (ids, chat ids, foreign keys);
        session ids in daily_sessions.id and every column that refers to it.
        """
        sessions = set(session_ids)
        found: dict[str, int] = {}
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                refers_to_sessions = (table.name, column.name) == ("daily_sessions", "id") or any(
                    fk.column.table.name == "daily_sessions" for fk in column.foreign_keys
                )
                wanted = set(sessions) if refers_to_sessions else set()
                if column.type.python_type is int:
                    wanted.add(user_id)
                for value in wanted:
                    count = self.value(
                        f"select count(*) from {table.name} where {column.name} = ?",  # noqa: S608
                        value,
                    )
                    if count:
                        key = f"{table.name}.{column.name}"
                        found[key] = found.get(key, 0) + count
        return found

    # --- what must hold for every conversation ------------------------------------------

    def allow(self, *descriptions: str) -> None:
        """Bot API refusals this test provokes on purpose (substrings of the description)."""
        self.allowed_errors.extend(descriptions)

    def failed_calls(self) -> list[ApiCall]:
        return [
            c
            for c in self.emulator.calls
            if not c.response_ok
            and not any(a in (c.description or "") for a in self.allowed_errors)
        ]

    def check_every_call(self) -> None:
        failed = [(c.method, c.error_code, c.description) for c in self.failed_calls()]
        assert failed == [], f"Bot API calls failed: {failed}"
        for call in self.emulator.calls:
            if call.method in {"sendMessage", "editMessageText"}:
                body = str(call.params.get("text"))
                assert call.params.get("parse_mode") == "HTML", (call.method, body[:80])
                assert len(body) <= TEXT_LIMIT
            caption = str(call.params.get("caption") or "")
            if "<" in caption:
                assert call.params.get("parse_mode") == "HTML", (call.method, caption[:80])
            if call.method == "answerCallbackQuery" and call.params.get("text"):
                assert len(str(call.params["text"])) <= TOAST_LIMIT
        for chat_id in {c.params.get("chat_id") for c in self.emulator.calls}:
            if not isinstance(chat_id, int | str) or not str(chat_id).lstrip("-").isdigit():
                continue
            for message in self.emulator.messages(int(chat_id)):
                assert len(message.plain_text or "") <= TEXT_LIMIT
                assert len(message.plain_caption or "") <= CAPTION_LIMIT


@dataclass
class Tap:
    """What a tap on a button got: the toast, and the new messages it brought."""

    toast: str | None
    new: list[StoredMessage]


class Person:
    """One person in a private chat with the bot."""

    def __init__(self, chat: Chat, user_id: int, first_name: str, lang: str) -> None:
        self.chat = chat
        self.id = user_id
        self.first_name = first_name
        self.lang = lang
        self.emulator = chat.emulator
        self._last_own_id = 0  # the newest message id this person used in the chat

    # --- reading ------------------------------------------------------------------------

    def messages(self) -> list[StoredMessage]:
        return self.emulator.messages(self.id)

    def last(self) -> StoredMessage:
        message = self.emulator.last_message(self.id)
        assert message is not None, f"the bot never wrote to {self.id}"
        return message

    def message(self, message_id: int) -> StoredMessage:
        return next(m for m in self.messages() if m.message_id == message_id)

    def last_with(self, needle: str) -> StoredMessage:
        """The newest message whose visible text (or caption) contains `needle`."""
        for message in reversed(self.messages()):
            if needle in (message.plain_text or message.plain_caption or ""):
                return message
        raise AssertionError(f"no message with {needle!r}: {self.transcript()}")

    def transcript(self) -> list[str]:
        return [(m.plain_text or m.plain_caption or f"<{m.kind}>")[:90] for m in self.messages()]

    def user(self) -> dict[str, Any]:
        return self.chat.user(self.id)

    def sessions(self) -> list[dict[str, Any]]:
        return self.chat.sessions(self.id)

    def feedback(self) -> list[dict[str, Any]]:
        return self.chat.feedback(self.id)

    def nudges(self, kind: str | None = None) -> list[dict[str, Any]]:
        return self.chat.nudges(self.id, kind)

    # --- acting -------------------------------------------------------------------------

    async def onboard(
        self, *, at: str = "7:00", zone: str = "UTC", focus: str = "skip", start: str = "/start"
    ) -> None:
        """Go through the whole set-up by typing: no to every safety question, no equipment."""
        await self.say(start, until="When should your session arrive")
        await self.say(at, until="Which time zone")
        await self.say(zone, until="(1 of 6)")
        for _ in SCREEN_QUESTIONS:
            await self.say("no")
        await self.say("done")
        await self.say(focus, until="All set")
        assert self.user()["onboarding_step"] is None

    async def today(self) -> StoredMessage:
        """Ask for today's session: the message with its buttons."""
        await self.say("/today", until="Your inner-thigh session")
        message = self.last()
        assert message.inline_keyboard or "Skipped" in (message.plain_text or "")
        return message

    async def say(self, words: str, *, until: str | None = None) -> list[StoredMessage]:
        """Write to the bot; the new messages it answered with (`until`: one must contain it)."""
        before = {m.message_id for m in self.messages()}
        update = self.emulator.inject_message(
            self.id, words, first_name=self.first_name, language_code=self.lang
        )
        self._last_own_id = update["message"]["message_id"]
        await self.chat.until_handled(update["update_id"])
        new = [m for m in self.messages() if m.message_id not in before]
        if until is not None:
            seen = [m.plain_text or m.plain_caption or "" for m in new]
            assert any(until in s for s in seen), f"{words!r} -> {seen}, wanted {until!r}"
        return new

    async def send(self, **fields: Any) -> list[StoredMessage]:
        """A private message that is not plain text: a location, a sticker, a photo..."""
        before = {m.message_id for m in self.messages()}
        await self.chat.inject({"message": self.raw_message(**fields)})
        return [m for m in self.messages() if m.message_id not in before]

    def raw_message(self, **fields: Any) -> dict[str, Any]:
        """A message from this person, numbered after every message of the chat so far."""
        self._last_own_id = max([self._last_own_id, *(m.message_id for m in self.messages())]) + 1
        return {
            "message_id": self._last_own_id,
            "date": int(self.chat.clock.now().timestamp()),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
            "from": self.sender(),
            **fields,
        }

    def sender(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.lang,
        }

    def button(self, wanted: str) -> tuple[int, str]:
        """The newest button with this label or this callback data: (message id, data)."""
        for message in reversed(self.messages()):
            for row in message.inline_keyboard:
                for button in row:
                    if wanted in (button.get("text"), button.get("callback_data")):
                        return message.message_id, str(button["callback_data"])
        labels = [b for m in self.messages() for b in m.button_texts]
        raise AssertionError(f"no button {wanted!r}; buttons: {labels}")

    def has_button(self, wanted: str) -> bool:
        try:
            self.button(wanted)
        except AssertionError:
            return False
        return True

    async def tap(self, wanted: str) -> Tap:
        """Tap the newest button with this label or callback data."""
        message_id, data = self.button(wanted)
        return await self.tap_data(data, message_id)

    async def tap_data(self, data: str, message_id: int) -> Tap:
        """Send this callback data from this message, whatever the message's buttons are."""
        before = {m.message_id for m in self.messages()}
        update = self.emulator.inject_callback(self.id, message_id, data)
        query_id = update["callback_query"]["id"]
        await self.chat.until_handled(update["update_id"])
        answers = [
            a for a in self.emulator.callback_answers() if a["callback_query_id"] == query_id
        ]
        assert len(answers) == 1, f"the tap on {data!r} was answered {len(answers)} times"
        new = [m for m in self.messages() if m.message_id not in before]
        return Tap(answers[0].get("text"), new)


@pytest.fixture(name="chat")
async def chat_fixture(
    running_app: CoachApplication,
    emulator: BotApiEmulator,
    db_url: str,
    clock: ManualClock,
    library: Library,
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[Chat]:
    caplog.set_level(logging.WARNING)
    world = Chat(running_app, emulator, db_url, clock, library)
    yield world
    world.check_every_call()
    errors = [
        f"{r.name}: {r.getMessage()}"
        for phase in ("setup", "call")
        for r in caplog.get_records(phase)
        if r.levelno >= logging.ERROR and r.name.split(".")[0] in {"bot", "telegram"}
    ]
    assert errors == [], errors
