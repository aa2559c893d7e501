"""A local Telegram Bot API emulator for tests, the terminal chat and benchmarks.

Point python-telegram-bot at it with ``.base_url(emu.base_url).base_file_url(emu.base_file_url)``.
Run standalone with ``python -m bot.playground.emulator --port 8081``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import inspect
import ipaddress
import json
import logging
import re
import signal
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from bot.playground.emulator_http import (
    HttpError,
    HttpRequest,
    UploadedFile,
    build_response,
    decode_params,
    read_request,
)
from bot.playground.html_check import HtmlParseError, parse_html, utf16_len

__all__ = ["ApiCall", "ApiError", "BotApiEmulator", "StoredMessage", "UploadedFile", "main"]

JSONDict = dict[str, Any]
_log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
DOCUMENT_LIMIT = 50 * 1024 * 1024

_CHAT_NOT_FOUND = "Bad Request: chat not found"
_BLOCKED = "Forbidden: bot was blocked by the user"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_TERMINATED = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram only sends these when they are asked for explicitly in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_INT_TEXT = re.compile(r"-?[0-9]{1,19}")
_WAKE = "wake"
_CONFLICT = "conflict"


class ApiError(Exception):
    """A Bot API error reply: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSONDict:
        """The JSON body Telegram would send."""
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(slots=True, frozen=True)
class ApiCall:
    """One request the bot made."""

    method: str
    params: JSONDict
    at: float
    response_ok: bool
    error_code: int | None = None
    description: str | None = None


@dataclass(slots=True)
class StoredMessage:
    """The current state of one message the bot sent.

    ``text``/``caption`` are what the bot sent (markup included); ``plain_text``/
    ``plain_caption`` are what the user sees.
    """

    chat_id: int
    message_id: int
    date: int
    kind: str = "text"  # "text", "photo" or "document"
    text: str | None = None
    plain_text: str | None = None
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    reply_markup: JSONDict | None = None
    caption: str | None = None
    plain_caption: str | None = None
    caption_entities: list[JSONDict] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    file_name: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    edited: bool = False
    edit_date: int | None = None

    @property
    def file_bytes(self) -> bytes | None:
        """The uploaded photo or document bytes, None for text or URL/file_id sends."""
        return self.photo if self.photo is not None else self.document

    @property
    def inline_keyboard(self) -> list[list[JSONDict]]:
        """Rows of inline buttons, empty if none."""
        if self.reply_markup is None:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def button_texts(self) -> list[str]:
        """Texts of all inline buttons, row by row."""
        return [str(button.get("text")) for row in self.inline_keyboard for button in row]

    def _inline_markup(self) -> JSONDict | None:
        return self.reply_markup if self.inline_keyboard else None


@dataclass(slots=True)
class _Chat:
    id: int
    type: str
    name: str
    obj: JSONDict


@dataclass(slots=True)
class _StoredFile:
    file_id: str
    unique_id: str
    data: bytes | None
    file_name: str | None
    mime_type: str | None
    path: str


@dataclass(slots=True)
class _Fault:
    error_code: int
    description: str
    retry_after: int | None
    chat_id: int | None
    remaining: int


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_TEXT.fullmatch(value):
        return int(value)
    return None


def _update_type(update: JSONDict) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""


def _trim(plain: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip surrounding whitespace like Telegram does, shifting entities to match."""
    stripped = plain.strip()
    if len(stripped) == len(plain) or not entities:
        return stripped, entities
    lead = utf16_len(plain[: len(plain) - len(plain.lstrip())])
    total = utf16_len(stripped)
    shifted: list[JSONDict] = []
    for entity in entities:
        start = max(int(entity["offset"]) - lead, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - lead, total)
        if end > start:
            shifted.append({**entity, "offset": start, "length": end - start})
    return stripped, shifted


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/BMP/WebP image, None if it is not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(int(width)), abs(int(height))
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_size(data) or (1280, 720)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + int(length)
    return None


def _check_inline_button(button: object) -> None:
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise ApiError(400, prefix + "InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise ApiError(400, prefix + 'Field "text" must be of type String')
    if not text.strip():
        raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    elif not _BUTTON_ACTIONS.intersection(button):
        raise ApiError(400, prefix + "Text buttons are unallowed in the inline keyboard")
    if "url" in button and not (isinstance(button["url"], str) and button["url"].strip()):
        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


def _check_markup(markup: object) -> JSONDict | None:
    """Validate reply_markup; an empty inline keyboard means no markup."""
    if markup is None:
        return None
    bad_json = ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if not isinstance(markup, dict):
        raise bad_json
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                "should be an Array of Arrays",
            )
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup if any(rows) else None
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400,
                'Bad Request: field "keyboard" of the ReplyKeyboardMarkup '
                "should be an Array of Arrays",
            )
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text:
                    raise ApiError(400, "Bad Request: can't parse keyboard button")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_json


def _is_inline(markup: JSONDict | None) -> bool:
    return markup is not None and "inline_keyboard" in markup


class BotApiEmulator:
    """An in-process Telegram Bot API server on 127.0.0.1, driven like a person would."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - a fake token for a fake server
        bot_id: int = 123456,
        bot_username: str = "inner_thigh_coach_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        auto_register_chats: bool = False,
        record_calls: bool = True,
        bot_first_name: str = "Inner Thigh Coach",
    ) -> None:
        if host == "localhost":
            host = "127.0.0.1"
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"the emulator only binds loopback addresses, not {host!r}")
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.host = host
        self.auto_register_chats = auto_register_chats
        self.record_calls = record_calls
        self.delay_seconds = 0.0
        self.calls: list[ApiCall] = []
        self.counts: dict[str, int] = {}
        self._requested_port = port
        self._port: int | None = None
        self._bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._lock = threading.RLock()
        self._calls_by_method: dict[str, list[ApiCall]] = {}
        self._listeners: list[Callable[[ApiCall], None]] = []
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._next_mid: dict[int, int] = {}
        self._msgs: dict[int, dict[int, StoredMessage]] = {}
        self._user_msgs: dict[int, dict[int, JSONDict]] = {}
        self._updates: deque[JSONDict] = deque()
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_waiter: asyncio.Future[str] | None = None
        self._pending_queries: set[str] = set()
        self._query_seq = 0
        self._answers: list[JSONDict] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._webhook_url = ""
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._server: asyncio.Server | None = None
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread_id: int | None = None
        self._connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._thread_stop: asyncio.Event | None = None
        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any] | None]] = {}
        for name, handler in (
            ("getMe", self._get_me),
            ("getUpdates", None),
            ("deleteWebhook", self._delete_webhook),
            ("setWebhook", self._set_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("deleteMessage", self._delete_message),
            ("answerCallbackQuery", self._answer_callback_query),
            ("sendPhoto", self._send_photo),
            ("sendDocument", self._send_document),
            ("sendChatAction", self._send_chat_action),
            ("getFile", self._get_file),
            ("close", self._return_true),
            ("logOut", self._return_true),
            ("setMyDescription", self._return_true),
            ("setMyShortDescription", self._return_true),
            ("setMyName", self._return_true),
            ("setChatMenuButton", self._return_true),
        ):
            self._methods[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        """The bound port (after start)."""
        if self._port is None:
            raise RuntimeError("the emulator is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Bot API base URL for PTB's ``base_url`` (PTB appends the token)."""
        return f"http://{self._url_host()}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """File download base URL for PTB's ``base_file_url``."""
        return f"http://{self._url_host()}:{self.port}/file/bot"

    @property
    def is_polling(self) -> bool:
        """True while a getUpdates long poll is waiting for updates."""
        waiter = self._poll_waiter
        return waiter is not None and not waiter.done()

    def _url_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    async def start(self) -> None:
        """Start serving in the running event loop."""
        if self._server is not None:
            raise RuntimeError("the emulator is already started")
        self._loop = asyncio.get_running_loop()
        self._loop_thread_id = threading.get_ident()
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self._requested_port
        )
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop serving and drop open connections."""
        if self._thread is not None and threading.get_ident() != self._loop_thread_id:
            await asyncio.to_thread(self.stop_thread)
            return
        server = self._server
        if server is None:
            return
        self._server = None
        self._stopping = True
        server.close()
        # Aborting transports ends each connection task normally; cancelling them instead
        # makes Python 3.11's StreamReaderProtocol log a spurious CancelledError.
        for writer in self._connections.values():
            writer.transport.abort()
        waiter = self._poll_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(_WAKE)
        tasks = [task for task in self._connections if task is not asyncio.current_task()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=2.0)
            for task in pending:
                task.cancel()
        await server.wait_closed()
        self._stopping = False
        self._loop = None
        self._loop_thread_id = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self, timeout: float = 10.0) -> None:
        """Serve from a private event loop in a daemon thread."""
        if self._thread is not None or self._server is not None:
            raise RuntimeError("the emulator is already started")
        ready = threading.Event()
        errors: list[BaseException] = []
        stop_event = asyncio.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                try:
                    loop.run_until_complete(self.start())
                except BaseException as exc:
                    errors.append(exc)
                    return
                finally:
                    ready.set()
                loop.run_until_complete(stop_event.wait())
                loop.run_until_complete(self.stop())
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread_stop = stop_event
        thread = threading.Thread(target=run, name="bot-api-emulator", daemon=True)
        self._thread = thread
        thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("the emulator thread did not start in time")
        if errors:
            self._thread = None
            thread.join(timeout)
            raise errors[0]

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop the server started by start_in_thread and join its thread."""
        thread, loop, stop_event = self._thread, self._thread_loop, self._thread_stop
        if thread is None or loop is None or stop_event is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stop_event.set)
        thread.join(timeout)
        self._thread = None
        self._thread_loop = None
        self._thread_stop = None

    # ------------------------------------------------------------------ HTTP

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections[task] = writer
        try:
            while True:
                try:
                    request = await read_request(reader, writer)
                except HttpError as exc:
                    body = _dumps(ApiError(exc.status, exc.description).payload())
                    writer.write(build_response(exc.status, body, keep_alive=False))
                    await writer.drain()
                    return
                if request is None:
                    return
                status, body, content_type = await self._route(request)
                writer.write(
                    build_response(
                        status, body, content_type=content_type, keep_alive=request.keep_alive
                    )
                )
                await writer.drain()
                if not request.keep_alive:
                    return
        except (ConnectionError, EOFError):
            pass
        except Exception:
            _log.exception("emulator connection failed")
        finally:
            if task is not None:
                self._connections.pop(task, None)
            writer.close()

    async def _route(self, request: HttpRequest) -> tuple[int, bytes, str]:
        path = request.path
        if path.startswith("/bot"):
            token, _, method = path[4:].partition("/")
            try:
                params = decode_params(request)
            except HttpError as exc:
                return exc.status, _dumps(ApiError(exc.status, exc.description).payload()), _JSON
            status, payload = await self._api(token, method, params)
            return status, _dumps(payload), _JSON
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        if path.startswith("/_emu/"):
            return await self._control(path[len("/_emu/") :], request)
        return 404, _dumps(ApiError(404, "Not Found").payload()), _JSON

    async def _api(self, token: str, method: str, params: JSONDict) -> tuple[int, JSONDict]:
        at = time.monotonic()
        if self.delay_seconds > 0:
            await asyncio.sleep(self.delay_seconds)
        name = method
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            name, handler = entry
            if self._faults:
                self._apply_fault(name, params)
            if handler is None:
                result = await self._get_updates(params)
            else:
                with self._lock:
                    result = handler(params)
        except ApiError as exc:
            self._record(name, params, at, False, exc.error_code, exc.description)
            return exc.error_code, exc.payload()
        except Exception as exc:
            _log.exception("emulator handler for %s failed", name)
            description = f"Internal Server Error: {type(exc).__name__}: {exc}"
            self._record(name, params, at, False, 500, description)
            return 500, ApiError(500, description).payload()
        self._record(name, params, at, True, None, None)
        return 200, {"ok": True, "result": result}

    def _record(
        self,
        method: str,
        params: JSONDict,
        at: float,
        ok: bool,
        error_code: int | None,
        description: str | None,
    ) -> None:
        counts = self.counts
        counts[method] = counts.get(method, 0) + 1
        if not self.record_calls and not self._listeners:
            return
        call = ApiCall(method, params, at, ok, error_code, description)
        if self.record_calls:
            self.calls.append(call)
            per_method = self._calls_by_method.get(method)
            if per_method is None:
                self._calls_by_method[method] = per_method = []
            per_method.append(call)
        for listener in list(self._listeners):
            try:
                listener(call)
            except Exception:
                _log.exception("emulator listener failed")

    def _apply_fault(self, method: str, params: JSONDict) -> None:
        with self._lock:
            chat_id = _as_int(params.get("chat_id"))
            for key in (method, "*"):
                rules = self._faults.get(key)
                if not rules:
                    continue
                for rule in rules:
                    if rule.chat_id is None or rule.chat_id == chat_id:
                        rule.remaining -= 1
                        if rule.remaining <= 0:
                            rules.remove(rule)
                            if not rules:
                                del self._faults[key]
                        raise ApiError(rule.error_code, rule.description, rule.retry_after)

    def _download(self, rest: str) -> tuple[int, bytes, str]:
        token, _, file_path = rest.partition("/")
        with self._lock:
            stored = self._files_by_path.get(file_path) if token == self.token else None
        if stored is None or stored.data is None:
            return 404, _dumps(ApiError(404, "Not Found").payload()), _JSON
        return 200, stored.data, stored.mime_type or "application/octet-stream"

    async def _control(self, action: str, request: HttpRequest) -> tuple[int, bytes, str]:
        """Endpoints for driving a standalone emulator from another process."""
        try:
            params = decode_params(request)
            result: Any
            if action == "stats":
                with self._lock:
                    result = {
                        "counts": dict(self.counts),
                        "calls": len(self.calls),
                        "pending_updates": len(self._updates),
                        "chats": len(self._chats),
                    }
            elif action == "register_chat":
                ids = params.get("chat_ids") or [params.get("chat_id")]
                for chat_id in ids:
                    self.register_chat(int(chat_id))
                result = True
            elif action == "inject_message":
                result = self.inject_message(int(params["user_id"]), str(params["text"]))
            elif action == "inject_update":
                result = self.inject_update(params)
            elif action == "reset_calls":
                self.reset_calls()
                result = True
            else:
                raise ApiError(404, "Not Found")
        except ApiError as exc:
            return exc.error_code, _dumps(exc.payload()), _JSON
        except (HttpError, KeyError, TypeError, ValueError) as exc:
            return 400, _dumps(ApiError(400, f"Bad Request: {exc}").payload()), _JSON
        return 200, _dumps({"ok": True, "result": result}), _JSON

    # ------------------------------------------------------------------ driving it like a person

    def register_chat(
        self, chat_id: int, user_id: int | None = None, first_name: str = "Test"
    ) -> None:
        """Make chat_id known, as if its user had written to the bot."""
        with self._lock:
            if chat_id > 0:
                self._user_locked(user_id if user_id is not None else chat_id, first_name, None)
                self._chat_locked(chat_id, "private", first_name)
            else:
                if user_id is not None:
                    self._user_locked(user_id, first_name, None)
                chat_type = "supergroup" if chat_id < -1_000_000_000_000 else "group"
                self._chat_locked(chat_id, chat_type, "Test group")

    def _user_locked(self, user_id: int, first_name: str, language_code: str | None) -> JSONDict:
        user = self._users.get(user_id)
        if user is None or user["first_name"] != first_name:
            user = {"id": user_id, "is_bot": False, "first_name": first_name}
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
        elif language_code and user.get("language_code") != language_code:
            user = {**user, "language_code": language_code}
            self._users[user_id] = user
        return user

    def _chat_locked(self, chat_id: int, chat_type: str, name: str) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is not None and chat.type == chat_type and chat.name == name:
            return chat
        obj: JSONDict = {"id": chat_id, "type": chat_type}
        obj["first_name" if chat_type == "private" else "title"] = name
        chat = _Chat(chat_id, chat_type, name, obj)
        self._chats[chat_id] = chat
        return chat

    def _enqueue_locked(self, update: JSONDict) -> JSONDict:
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            update_id = self._next_update_id
            update = {"update_id": update_id, **update}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        return update

    def _notify(self) -> None:
        loop = self._loop
        if loop is None or self._poll_waiter is None:
            return
        if threading.get_ident() == self._loop_thread_id:
            self._wake()
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        waiter = self._poll_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(_WAKE)

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_mid.get(chat_id, 0) + 1
        self._next_mid[chat_id] = message_id
        return message_id

    def inject_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Test",
        language_code: str | None = "en",
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Queue a text message from a user; returns the Update dict."""
        target = user_id if chat_id is None else chat_id
        if chat_type == "private" and target != user_id:
            raise ValueError("a private chat's id is the user's id")
        if entities is None:
            entities = []
            command = _COMMAND_RE.match(text)
            if command is not None:
                entities.append(
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                )
        with self._lock:
            user = self._user_locked(user_id, first_name, language_code)
            chat = self._chat_locked(target, chat_type, first_name if target > 0 else "Test group")
            message_id = self._new_message_id(target)
            message: JSONDict = {
                "message_id": message_id,
                "from": user,
                "chat": chat.obj,
                "date": int(time.time()),
                "text": text,
            }
            if entities:
                message["entities"] = entities
            self._user_msgs.setdefault(target, {})[message_id] = message
            update = self._enqueue_locked({"message": message})
        self._notify()
        return update

    def inject_callback(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> JSONDict:
        """Queue a tap on an inline button of a bot message; returns the Update dict."""
        target = user_id if chat_id is None else chat_id
        with self._lock:
            user = self._users.get(user_id) or self._user_locked(user_id, "Test", "en")
            chat = self._chats.get(target) or self._chat_locked(
                target, "private" if target > 0 else "group", "Test"
            )
            stored = self._msgs.get(target, {}).get(message_id)
            if stored is not None:
                message = self._message_dict(stored, chat)
            else:
                # Telegram sends date 0 for messages the bot can no longer access.
                message = {"message_id": message_id, "chat": chat.obj, "date": 0}
            self._query_seq += 1
            query_id = f"{self.bot_id}{self._query_seq:08d}"
            self._pending_queries.add(query_id)
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(abs(target) * 7919 + 1),
                "data": data,
            }
            update = self._enqueue_locked({"callback_query": query})
        self._notify()
        return update

    def inject_button_press(
        self, user_id: int, button_text: str, *, chat_id: int | None = None
    ) -> JSONDict:
        """Tap the newest inline button labelled button_text in the chat."""
        target = user_id if chat_id is None else chat_id
        with self._lock:
            for stored in reversed(list(self._msgs.get(target, {}).values())):
                for row in stored.inline_keyboard:
                    for button in row:
                        if button.get("text") == button_text and "callback_data" in button:
                            message_id, data = stored.message_id, str(button["callback_data"])
                            break
                    else:
                        continue
                    break
                else:
                    continue
                break
            else:
                labels = [t for m in self._msgs.get(target, {}).values() for t in m.button_texts]
                raise LookupError(f"no button {button_text!r} in chat {target}; buttons: {labels}")
        return self.inject_callback(user_id, message_id, data, chat_id=chat_id)

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue any raw update; assigns update_id if missing and learns its chat."""
        update = dict(update)
        with self._lock:
            kind = _update_type(update)
            payload = update.get(kind)
            if isinstance(payload, dict):
                if kind == "callback_query" and isinstance(payload.get("id"), str):
                    self._pending_queries.add(payload["id"])
                self._learn_locked(payload)
                if isinstance(payload.get("message"), dict):
                    self._learn_locked(payload["message"])
            update = self._enqueue_locked(update)
        self._notify()
        return update

    def _learn_locked(self, payload: JSONDict) -> None:
        chat = payload.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            chat_id = int(chat["id"])
            chat_type = str(chat.get("type", "private"))
            name = str(chat.get("first_name") or chat.get("title") or "Test")
            self._chat_locked(chat_id, chat_type, name)
            message_id = payload.get("message_id")
            if isinstance(message_id, int) and "date" in payload:
                self._user_msgs.setdefault(chat_id, {})[message_id] = payload
                self._next_mid[chat_id] = max(self._next_mid.get(chat_id, 0), message_id)
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            self._users.setdefault(int(sender["id"]), sender)

    def inject_my_chat_member(self, user_id: int, *, blocked: bool) -> JSONDict:
        """The user blocks (or unblocks) the bot: flips the block state and queues the update."""
        with self._lock:
            user = self._users.get(user_id) or self._user_locked(user_id, "Test", "en")
            chat = self._chats.get(user_id) or self._chat_locked(
                user_id, "private", str(user["first_name"])
            )
            if blocked:
                self._blocked.add(user_id)
            else:
                self._blocked.discard(user_id)
            member = {"user": dict(self._bot_user), "status": "member"}
            banned = {"user": dict(self._bot_user), "status": "kicked", "until_date": 0}
            payload = {
                "chat": chat.obj,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": member if blocked else banned,
                "new_chat_member": banned if blocked else member,
            }
            update = self._enqueue_locked({"my_chat_member": payload})
        self._notify()
        return update

    # ------------------------------------------------------------------ what the bot did

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method, in order."""
        return list(self._calls_by_method.get(method, ()))

    def messages(self, chat_id: int) -> list[StoredMessage]:
        """Snapshot of the bot's current (not deleted) messages in a chat, oldest first."""
        with self._lock:
            return [dataclasses.replace(m) for m in self._msgs.get(chat_id, {}).values()]

    def last_message(self, chat_id: int) -> StoredMessage | None:
        """Snapshot of the bot's newest message in a chat."""
        with self._lock:
            chat_msgs = self._msgs.get(chat_id)
            if not chat_msgs:
                return None
            return dataclasses.replace(next(reversed(chat_msgs.values())))

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._lock:
            return list(self._updates)

    def callback_answers(self) -> list[JSONDict]:
        """Params of accepted answerCallbackQuery calls, in order."""
        with self._lock:
            return list(self._answers)

    def reset_calls(self) -> None:
        """Forget recorded calls, per-method counts and callback answers."""
        with self._lock:
            self.calls.clear()
            self._calls_by_method.clear()
            self.counts.clear()
            self._answers.clear()

    def subscribe(self, listener: Callable[[ApiCall], None]) -> Callable[[], None]:
        """Call listener (in the emulator's thread) after every request; returns unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the public API
    ) -> None:
        """Wait until predicate() is true; TimeoutError says what was awaited and what happened."""
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while not predicate():
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{_describe(predicate)} still false after {timeout}s; "
                    f"last calls: {self._recent_calls()}"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.01)

    async def wait_for_call(
        self,
        method: str,
        *,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the public API
        chat_id: int | None = None,
    ) -> list[ApiCall]:
        """Wait until at least count calls of method (to chat_id, if given) were made."""
        if not self.record_calls:
            raise RuntimeError("wait_for_call needs record_calls=True")

        def matching() -> list[ApiCall]:
            found = self._calls_by_method.get(method, [])
            if chat_id is None:
                return list(found)
            return [c for c in found if _as_int(c.params.get("chat_id")) == chat_id]

        deadline = time.monotonic() + timeout
        delay = 0.0005
        while True:
            found = matching()
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                where = "" if chat_id is None else f" to chat {chat_id}"
                raise TimeoutError(
                    f"expected {count} {method} call(s){where} within {timeout}s, "
                    f"got {len(found)}; last calls: {self._recent_calls()}"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.01)

    def _recent_calls(self, limit: int = 8) -> str:
        recent = self.calls[-limit:]
        if not recent:
            return "none" if self.record_calls else f"(not recorded) counts={self.counts}"
        parts = []
        for call in recent:
            outcome = "ok" if call.response_ok else f"{call.error_code} {call.description}"
            chat = call.params.get("chat_id")
            parts.append(f"{call.method}(chat_id={chat}) -> {outcome}")
        return "; ".join(parts)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of method (``"*"``: any) fail with this error."""
        entry = self._methods.get(method.lower())
        key = entry[0] if entry is not None else method
        with self._lock:
            self._faults.setdefault(key, []).append(
                _Fault(error_code, description, retry_after, chat_id, times)
            )

    def block_user(self, chat_id: int) -> None:
        """Sends to this chat fail with 403 from now on (no update is queued)."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock_user(self, chat_id: int) -> None:
        """Undo block_user."""
        with self._lock:
            self._blocked.discard(chat_id)

    # ------------------------------------------------------------------ method helpers

    def _target_chat(self, params: JSONDict, *, check_blocked: bool = True) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _as_int(raw)
        if chat_id is None:
            raise ApiError(400, _CHAT_NOT_FOUND)
        chat = self._chats.get(chat_id)
        if chat is None:
            if not (self.auto_register_chats and chat_id > 0):
                raise ApiError(400, _CHAT_NOT_FOUND)
            chat = self._chat_locked(chat_id, "private", "Test")
        if check_blocked and chat_id in self._blocked:
            raise ApiError(403, _BLOCKED)
        return chat

    def _render(
        self,
        text: object,
        parse_mode: object,
        entities: object,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[JSONDict]]:
        source = "" if text is None else text if isinstance(text, str) else str(text)
        mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
        parsed: list[JSONDict]
        if mode == "html":
            try:
                plain, parsed = parse_html(source)
            except HtmlParseError as exc:
                raise ApiError(400, exc.description) from None
        elif mode == "":
            plain = source
            if entities is None:
                parsed = []
            elif isinstance(entities, list) and all(isinstance(e, dict) for e in entities):
                parsed = list(entities)
            else:
                raise ApiError(400, "Bad Request: can't parse entities JSON object")
        elif mode in ("markdown", "markdownv2"):
            plain, parsed = source, []
        else:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        plain, parsed = _trim(plain, parsed)
        if empty is not None and not plain:
            raise ApiError(400, empty)
        if len(plain) > limit // 2 and utf16_len(plain) > limit:
            raise ApiError(400, too_long)
        return plain, parsed

    def _reply_target(self, chat_id: int, params: JSONDict) -> int | None:
        message_id: object = params.get("reply_to_message_id")
        allow = params.get("allow_sending_without_reply") is True
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            if reply.get("chat_id") not in (None, chat_id):
                return None
            message_id = reply.get("message_id")
            allow = reply.get("allow_sending_without_reply") is True or allow
        if message_id is None:
            return None
        mid = _as_int(message_id)
        if mid is not None and (
            mid in self._msgs.get(chat_id, {}) or mid in self._user_msgs.get(chat_id, {})
        ):
            return mid
        if allow:
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")

    def _store(self, chat: _Chat, message: StoredMessage) -> JSONDict:
        chat_msgs = self._msgs.get(chat.id)
        if chat_msgs is None:
            self._msgs[chat.id] = chat_msgs = {}
        chat_msgs[message.message_id] = message
        return self._message_dict(message, chat)

    def _message_dict(self, msg: StoredMessage, chat: _Chat) -> JSONDict:
        out: JSONDict = {
            "message_id": msg.message_id,
            "from": self._bot_user,
            "chat": chat.obj,
            "date": msg.date,
        }
        if msg.edit_date is not None:
            out["edit_date"] = msg.edit_date
        if msg.reply_to_message_id is not None:
            replied = self._msgs.get(chat.id, {}).get(msg.reply_to_message_id)
            if replied is not None:
                out["reply_to_message"] = self._message_dict(
                    dataclasses.replace(replied, reply_to_message_id=None), chat
                )
            else:
                user_msg = self._user_msgs.get(chat.id, {}).get(msg.reply_to_message_id)
                if user_msg is not None:
                    out["reply_to_message"] = user_msg
        if msg.plain_text is not None:
            out["text"] = msg.plain_text
            if msg.entities:
                out["entities"] = msg.entities
        if msg.file_id is not None:
            stored = self._files[msg.file_id]
            size = len(stored.data) if stored.data is not None else 0
            if msg.kind == "photo":
                width, height = _image_size(stored.data or b"") or (1280, 720)
                out["photo"] = [
                    {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.unique_id,
                        "width": width,
                        "height": height,
                        "file_size": size,
                    }
                ]
            else:
                document: JSONDict = {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "file_size": size,
                }
                if stored.file_name:
                    document["file_name"] = stored.file_name
                if stored.mime_type:
                    document["mime_type"] = stored.mime_type
                out["document"] = document
        if msg.plain_caption:
            out["caption"] = msg.plain_caption
            if msg.caption_entities:
                out["caption_entities"] = msg.caption_entities
        if _is_inline(msg.reply_markup):
            out["reply_markup"] = msg.reply_markup
        return out

    def _editable(self, params: JSONDict) -> tuple[StoredMessage, _Chat]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: message to edit not found")
        chat = self._target_chat(params)
        raw = params.get("message_id")
        if raw is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message_id = _as_int(raw)
        msg = self._msgs.get(chat.id, {}).get(message_id) if message_id is not None else None
        if msg is None:
            if message_id in self._user_msgs.get(chat.id, {}):
                raise ApiError(400, "Bad Request: message can't be edited")
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg, chat

    def _edit_markup(self, params: JSONDict) -> JSONDict | None:
        markup = _check_markup(params.get("reply_markup"))
        if markup is not None and not _is_inline(markup):
            raise ApiError(400, "Bad Request: inline keyboard expected")
        return markup

    # ------------------------------------------------------------------ methods

    def _return_true(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = _as_int(params.get("offset")) or 0
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        raw_timeout = params.get("timeout")
        timeout = float(raw_timeout) if isinstance(raw_timeout, int | float) else 0.0
        allowed = params.get("allowed_updates")
        with self._lock:
            if self._webhook_url:
                raise ApiError(409, _WEBHOOK_ACTIVE)
            if isinstance(allowed, list):
                self._allowed_updates = frozenset(str(a) for a in allowed) or None
            self._confirm_locked(offset)
            previous, self._poll_waiter = self._poll_waiter, None
        if previous is not None and not previous.done():
            previous.set_result(_CONFLICT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while True:
            with self._lock:
                if self._webhook_url:
                    raise ApiError(409, _WEBHOOK_ACTIVE)
                batch = self._take_locked(limit)
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or self._stopping:
                    return batch
                waiter: asyncio.Future[str] = loop.create_future()
                self._poll_waiter = waiter
            try:
                outcome = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                return []
            finally:
                with self._lock:
                    if self._poll_waiter is waiter:
                        self._poll_waiter = None
            if outcome == _CONFLICT:
                raise ApiError(409, _TERMINATED)

    def _confirm_locked(self, offset: int) -> None:
        updates = self._updates
        if offset > 0:
            while updates and updates[0]["update_id"] < offset:
                updates.popleft()
        elif offset < 0:
            while len(updates) > -offset:
                updates.popleft()

    def _allowed(self, update: JSONDict) -> bool:
        kind = _update_type(update)
        allowed = self._allowed_updates
        return kind not in _OPT_IN_UPDATES if allowed is None else kind in allowed

    def _take_locked(self, limit: int) -> list[JSONDict]:
        batch: list[JSONDict] = []
        dropped = False
        for update in self._updates:
            if self._allowed(update):
                batch.append(update)
                if len(batch) >= limit:
                    break
            else:
                dropped = True
        if dropped:
            self._updates = deque(u for u in self._updates if self._allowed(u))
        return batch

    def _delete_webhook(self, params: JSONDict) -> bool:
        self._webhook_url = ""
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url")
        url = url if isinstance(url, str) else ""
        if url and not url.lower().startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self._webhook_url = url
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) or None
        if url and self._poll_waiter is not None:
            self._notify()
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook_url:
            info["max_connections"] = 40
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is None:
            scope = {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        language = params.get("language_code")
        return json.dumps(scope, sort_keys=True), language if isinstance(language, str) else ""

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        cleaned: list[JSONDict] = []
        for item in commands:
            if not isinstance(item, dict):
                raise ApiError(400, "Bad Request: can't parse BotCommand JSON object")
            command, description = item.get("command"), item.get("description")
            if not isinstance(command, str) or not _BOT_COMMAND_RE.fullmatch(command):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return list(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._target_chat(params)
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        plain, entities = self._render(
            text,
            parse_mode,
            params.get("entities"),
            limit=TEXT_LIMIT,
            too_long="Bad Request: message is too long",
            empty="Bad Request: message text is empty",
        )
        markup = _check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat.id, params)
        message = StoredMessage(
            chat_id=chat.id,
            message_id=self._new_message_id(chat.id),
            date=int(time.time()),
            text=text if isinstance(text, str) else str(text),
            plain_text=plain,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            entities=entities,
            reply_markup=markup,
            reply_to_message_id=reply_to,
        )
        return self._store(chat, message)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        msg, chat = self._editable(params)
        if msg.plain_text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = params.get("text")
        parse_mode = params.get("parse_mode")
        plain, entities = self._render(
            text,
            parse_mode,
            params.get("entities"),
            limit=TEXT_LIMIT,
            too_long="Bad Request: message is too long",
            empty="Bad Request: message text is empty",
        )
        markup = self._edit_markup(params)
        if plain == msg.plain_text and entities == msg.entities and markup == msg._inline_markup():
            raise ApiError(400, _NOT_MODIFIED)
        msg.text = text if isinstance(text, str) else str(text)
        msg.plain_text = plain
        msg.parse_mode = parse_mode if isinstance(parse_mode, str) else None
        msg.entities = entities
        if markup is not None or _is_inline(msg.reply_markup):
            msg.reply_markup = markup
        msg.edited = True
        msg.edit_date = int(time.time())
        return self._message_dict(msg, chat)

    def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        msg, chat = self._editable(params)
        if msg.file_id is None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = params.get("caption")
        parse_mode = params.get("parse_mode")
        plain, entities = self._render(
            caption,
            parse_mode,
            params.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="Bad Request: message caption is too long",
            empty=None,
        )
        markup = self._edit_markup(params)
        if (
            plain == (msg.plain_caption or "")
            and entities == msg.caption_entities
            and markup == msg._inline_markup()
        ):
            raise ApiError(400, _NOT_MODIFIED)
        msg.caption = caption if isinstance(caption, str) else None
        msg.plain_caption = plain or None
        msg.caption_entities = entities
        msg.reply_markup = markup
        msg.edited = True
        msg.edit_date = int(time.time())
        return self._message_dict(msg, chat)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        msg, chat = self._editable(params)
        markup = self._edit_markup(params)
        if markup == msg._inline_markup():
            raise ApiError(400, _NOT_MODIFIED)
        msg.reply_markup = markup
        msg.edited = True
        msg.edit_date = int(time.time())
        return self._message_dict(msg, chat)

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._target_chat(params, check_blocked=False)
        message_id = _as_int(params.get("message_id"))
        bot_msgs = self._msgs.get(chat.id, {})
        if message_id in bot_msgs:
            del bot_msgs[message_id]
            return True
        user_msgs = self._user_msgs.get(chat.id, {})
        if message_id in user_msgs:
            del user_msgs[message_id]
            return True
        raise ApiError(400, "Bad Request: message to delete not found")

    def _answer_callback_query(self, params: JSONDict) -> bool:
        text = params.get("text")
        if isinstance(text, str) and len(text) > CALLBACK_ANSWER_LIMIT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query_id = params.get("callback_query_id")
        query_key = query_id if isinstance(query_id, str) else str(query_id)
        if query_key not in self._pending_queries:
            raise ApiError(400, _QUERY_INVALID)
        self._pending_queries.discard(query_key)
        self._answers.append(dict(params))
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(stored.data) if stored.data is not None else 0
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": size,
            "file_path": stored.path,
        }

    def _send_photo(self, params: JSONDict) -> JSONDict:
        return self._send_file(params, "photo")

    def _send_document(self, params: JSONDict) -> JSONDict:
        return self._send_file(params, "document")

    def _input_file(self, params: JSONDict, kind: str) -> _StoredFile:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            data = value.data
            if not data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if kind == "photo" and _image_size(data) is None:
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            if kind == "document" and len(data) > DOCUMENT_LIMIT:
                raise ApiError(413, "Request Entity Too Large")
            return self._new_file(kind, data, value.filename or None, value.content_type)
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                # No internet here: a URL is accepted and remembered, never fetched.
                return self._new_file(kind, None, value, None)
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {kind} in the request")

    def _new_file(
        self, kind: str, data: bytes | None, file_name: str | None, mime_type: str | None
    ) -> _StoredFile:
        number = len(self._files) + 1
        prefix = "AgAC" if kind == "photo" else "BQAC"
        folder = "photos" if kind == "photo" else "documents"
        suffix = ""
        if file_name and "." in file_name.rsplit("/", 1)[-1]:
            suffix = "." + file_name.rsplit(".", 1)[-1][:8]
        elif kind == "photo":
            suffix = ".jpg"
        stored = _StoredFile(
            file_id=f"{prefix}{self.bot_id}_{number:06d}",
            unique_id=f"AQAD{number:06d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            path=f"{folder}/file_{number}{suffix}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.path] = stored
        return stored

    def _send_file(self, params: JSONDict, kind: str) -> JSONDict:
        chat = self._target_chat(params)
        stored = self._input_file(params, kind)
        caption = params.get("caption")
        parse_mode = params.get("parse_mode")
        plain, entities = self._render(
            caption,
            parse_mode,
            params.get("caption_entities"),
            limit=CAPTION_LIMIT,
            too_long="Bad Request: message caption is too long",
            empty=None,
        )
        markup = _check_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat.id, params)
        message = StoredMessage(
            chat_id=chat.id,
            message_id=self._new_message_id(chat.id),
            date=int(time.time()),
            kind=kind,
            parse_mode=parse_mode if isinstance(parse_mode, str) else None,
            reply_markup=markup,
            caption=caption if isinstance(caption, str) else None,
            plain_caption=plain or None,
            caption_entities=entities,
            file_name=stored.file_name,
            mime_type=stored.mime_type,
            file_id=stored.file_id,
            reply_to_message_id=reply_to,
        )
        if kind == "photo":
            message.photo = stored.data
        else:
            message.document = stored.data
        return self._store(chat, message)


_JSON = "application/json"


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _describe(predicate: Callable[[], bool]) -> str:
    try:
        source = inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
    return f"condition `{source}`"


# ---------------------------------------------------------------------- standalone


async def _serve_forever(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(
        token=args.token,
        bot_username=args.bot_username,
        port=args.port,
        auto_register_chats=args.auto_register_chats,
        record_calls=args.record_calls,
    )
    emulator.delay_seconds = args.delay
    for chat_id in args.chat:
        emulator.register_chat(chat_id)
    await emulator.start()
    print(emulator.base_url, flush=True)
    print(
        f"file url {emulator.base_file_url}, token {emulator.token}; "
        f"control: {emulator.base_url[: -len('/bot')]}/_emu/stats",
        file=sys.stderr,
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def main(argv: Iterable[str] | None = None) -> int:
    """Run the emulator standalone until SIGINT/SIGTERM; prints its base_url first."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.playground.emulator", description="Local Telegram Bot API emulator"
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--bot-username", default="inner_thigh_coach_bot")
    parser.add_argument(
        "--auto-register-chats",
        action="store_true",
        help="accept sends to any positive chat id without a prior update",
    )
    parser.add_argument("--chat", type=int, action="append", default=[], help="pre-register")
    parser.add_argument(
        "--record-calls", action="store_true", help="keep every call (default: counts only)"
    )
    parser.add_argument("--delay", type=float, default=0.0, help="latency per request, seconds")
    args = parser.parse_args(list(argv) if argv is not None else None)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
