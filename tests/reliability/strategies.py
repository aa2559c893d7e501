"""Hypothesis strategies for what people (and Telegram) send a bot, and their resolution into
raw updates against the bot's current state.

Hypothesis draws *abstract* operations ("person 3 taps a button of another person's message",
"a callback with this family and the session id of a deleted session"); `Resolver` turns each
into a concrete update when it is injected, reading the emulator's messages and the database
as they are at that moment, so forged data can name real sessions of other people, sessions
deleted by /forget, and buttons of messages long gone.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from telegram import Update

from bot.playground.emulator import ApiCall, BotApiEmulator
from tests.reliability.harness import Expectation

BOT_USERNAME = "inner_thigh_coach_bot"
PEOPLE = (
    (7001, "en"),
    (7002, "es"),
    (7003, None),
    (7004, "pt-br"),
    (7005, "en"),
    (7006, "de"),
    (7007, "es"),
    (7008, "en"),
)
STRANGER_BASE = 7_900_000  # "a new person": a fresh id each time, up to STRANGERS of them
STRANGERS = 40  # then they come back: a long run must not grow its audience without end
RECENT_MESSAGES = 30  # the bot's latest messages per chat a tap may come from
BUTTONS_KEPT = 300  # the latest distinct button data per chat a replay may send
GROUP, SUPERGROUP, CHANNEL = -100_777, -1_001_000_000_777, -1_009_000_000_777
TEXT_LIMIT = 4096

# Hand-picked troublemakers: markup, RTL, zero-width, emoji sequences, words the bot reads.
SPECIAL = [
    "",
    " ",
    "<b>",
    "&",
    "</i>",
    "<b>done</b>",
    "a & b < c > d",
    "&amp;&lt;",
    '<a href="tg://user?id=1">x</a>',
    "\u202eevil\u202c",
    "\u200b",
    "\u200d\u200c\ufeff",
    "💪🏽",
    "👩‍👩‍👧‍👦",
    "🏳️‍🌈",
    "שלום",
    "مرحبا بالعالم",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "e\u0301\u0301\u0301",
    "\x00",
    "\r\n\t",
    "null",
    "%s %d {0} {name}",
    "\\",
    "'; drop table users; --",
    "done",
    "too hard",
    "too easy",
    "it hurt 7",
    "sharp pain and a pop",
    "pause 3 days",
    "resume",
    "skip today",
    "7:30",
    "Europe/Lisbon",
    "yes",
    "no",
    "skip",
    "hecho",
    "demasiado difícil",
    "more balance",
    "change focus",
    "thanks",
    "hi",
    "/",
]
COMMANDS = [
    "start",
    "today",
    "more",
    "why",
    "focus",
    "time",
    "timezone",
    "pause",
    "resume",
    "settings",
    "export",
    "forget",
    "help",
    "stats",
    "dance",
    "START",
    f"start@{BOT_USERNAME}",
    "help@some_other_bot",
]
# /progress draws a picture (CPU-heavy): drawn now and then, not one command in seventeen.
RARE_COMMANDS = ["progress"]
JUNK_ARGS = [
    "25:61",
    "7:5",
    "-1",
    "24:00",
    "7pm",
    "0:00",
    "Mars/Olympus",
    "Europe/Lisbon",
    "UTC",
    "+05:00",
    "Etc/GMT+14",
    "../../etc/passwd",
    "-3",
    "0",
    "99999999999",
    "1e9",
    "<junk>",
    "<b>x</b>",
    "focus_knees",
    "focus_mars",
    "knees",
    "all",
    "csv",
    "json",
    "9" * 80,
]
FAMILIES = ("fb", "pn", "sa", "mc", "su", "fg")
SESSION_REFS = ("own_latest", "own_any", "other", "deleted", "nonexistent", "zero", "huge")
SETUP_STEPS = ("time", "zone", "screen", "equip", "focus", "done", "nowhere")
SETUP_VALUES = ("0700", "2530", "skip", "z0", "z999", "y", "n", "chair", "band", "knees", "x")

_chars = st.characters(exclude_categories=("Cs",))


def utf16_len(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def fit(value: str, limit: int = TEXT_LIMIT) -> str:
    """Cut to Telegram's limit, counted in UTF-16 units as Telegram counts."""
    while utf16_len(value) > limit:
        value = value[: max(len(value) - (utf16_len(value) - limit), 0)]
    return value


short_text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(_chars, max_size=30),
    st.lists(st.sampled_from(SPECIAL), min_size=2, max_size=5).map(" ".join),
)
long_text = st.builds(
    lambda piece, size: fit((piece or "x") * (size // max(len(piece), 1) + 1), size),
    st.one_of(st.sampled_from(SPECIAL), st.text(_chars, min_size=1, max_size=6)),
    st.sampled_from([1000, 4095, 4096]),
)
any_text = st.one_of(short_text, short_text, short_text, short_text, long_text)


def _callback_bytes_ok(data: str) -> bool:
    return len(data.encode("utf-8")) <= 64


@dataclass(frozen=True)
class Text:
    person: int
    words: str


@dataclass(frozen=True)
class Command:
    person: int
    name: str
    args: str


@dataclass(frozen=True)
class Tap:
    person: int
    data: tuple[Any, ...]  # ("replay", own?, pick) | ("shaped", family, ref, n) | ("raw", s)
    where: str  # the message it comes from: latest, any, gone, inline
    pick: int = 0  # which message, for "any"


@dataclass(frozen=True)
class Edit:
    person: int
    words: str


@dataclass(frozen=True)
class Media:
    person: int
    kind: str
    caption: str


@dataclass(frozen=True)
class Location:
    person: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Group:
    person: int
    chat: int
    words: str


@dataclass(frozen=True)
class Channel:
    edited: bool
    words: str


@dataclass(frozen=True)
class Member:
    person: int
    old: str
    new: str
    in_group: bool


@dataclass(frozen=True)
class Inline:
    person: int
    query: str


Op = Text | Command | Tap | Edit | Media | Location | Group | Channel | Member | Inline

# Each of the people twenty times as likely as a stranger writing for the first time.
person = st.sampled_from([*range(len(PEOPLE))] * 20 + [len(PEOPLE)])
# Forged data: other people's buttons, well-formed data naming any session, and junk.
forged_data = st.one_of(
    st.tuples(st.just("replay"), st.just(False), st.integers(0, 10**6)),
    st.tuples(
        st.just("shaped"),
        st.sampled_from(FAMILIES),
        st.sampled_from(SESSION_REFS),
        st.integers(0, 10**6),
    ),
    st.tuples(st.just("raw"), st.text(_chars, max_size=64).filter(_callback_bytes_ok)),
    st.tuples(
        st.just("raw"),
        st.builds(
            lambda prefix, junk: (prefix + junk).encode()[:64].decode("utf-8", "ignore"),
            st.sampled_from([f"{f}:" for f in FAMILIES] + ["fb", "x:", "::"]),
            short_text,
        ),
    ),
    st.tuples(st.just("raw"), st.sampled_from(["", "x" * 64, "fb:" + "9" * 61, "su:done:bogus"])),
)
# Replays of real buttons (one's own, mostly) are what moves people through the conversation:
# any button, or one of a family (the answers under a session are few among many buttons).
tap_data = st.one_of(
    st.tuples(st.just("replay"), st.just(True), st.integers(0, 10**6)),
    st.tuples(
        st.just("replay"),
        st.just(True),
        st.integers(0, 10**6),
        st.sampled_from(["fb:", "fb:", "pn:", "sa:", "mc:", "su:", "fg:"]),
    ),
    forged_data,
)
coordinates = st.one_of(
    st.floats(-1000, 1000, allow_nan=False, allow_infinity=False),
    st.sampled_from([90.0, -90.0, 180.0, -180.0, 90.000001, -180.5, 0.0, -0.0, 1e308]),
)
MEDIA_KINDS = ("sticker", "photo", "voice", "document", "contact", "video_note", "dice", "video")
MEMBER_STATES = ("member", "kicked", "left", "administrator", "restricted")
GROUP_WORDS = ["/today", f"/help@{BOT_USERNAME}", "/start junk", "/help@other_bot"]

# Strategies by kind, and how often each kind comes (per hundred updates).
KINDS: dict[str, tuple[int, st.SearchStrategy[Any]]] = {
    "text": (26, st.builds(Text, person, any_text)),
    "command": (
        24,
        st.builds(
            Command,
            person,
            st.sampled_from(COMMANDS),
            st.one_of(st.just(""), st.sampled_from(JUNK_ARGS), short_text),
        ),
    ),
    "rare_command": (1, st.builds(Command, person, st.sampled_from(RARE_COMMANDS), st.just(""))),
    "tap": (
        30,
        st.builds(
            Tap,
            person,
            tap_data,
            st.sampled_from(["latest", "latest", "any", "gone", "inline"]),
            st.integers(0, 1000),
        ),
    ),
    "edit": (3, st.builds(Edit, person, short_text)),
    "media": (4, st.builds(Media, person, st.sampled_from(MEDIA_KINDS), short_text)),
    "location": (3, st.builds(Location, person, coordinates, coordinates)),
    "group": (
        3,
        st.builds(
            Group,
            person,
            st.sampled_from([GROUP, SUPERGROUP]),
            st.one_of(short_text, st.sampled_from(GROUP_WORDS)),
        ),
    ),
    "channel": (2, st.builds(Channel, st.booleans(), short_text)),
    "member": (
        2,
        st.builds(
            Member,
            person,
            st.sampled_from(MEMBER_STATES),
            st.sampled_from(MEMBER_STATES),
            st.booleans(),
        ),
    ),
    "inline": (2, st.builds(Inline, person, short_text)),
}
_WEIGHTED = [kind for kind, (weight, _) in KINDS.items() for _ in range(weight)]
op: st.SearchStrategy[Op] = st.sampled_from(_WEIGHTED).flatmap(lambda kind: KINDS[kind][1])


class Batch:
    """Updates sent together; shown shortened when Hypothesis reports a failing batch."""

    def __init__(self, ops: list[Op]) -> None:
        self.ops = tuple(ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)

    def __repr__(self) -> str:
        shown = [r if len(r) <= 160 else f"{r[:150]}...({len(r)} chars)" for r in map(repr, self)]
        return "Batch([\n    " + ",\n    ".join(shown) + "\n])"


def batches(size: int) -> st.SearchStrategy[Batch]:
    return st.lists(op, min_size=size, max_size=size).map(Batch)


class Resolver:
    """Turns abstract operations into updates, against the bot's state right now."""

    def __init__(self, emulator: BotApiEmulator, db_path: str) -> None:
        self.emulator = emulator
        self.db_path = db_path
        self.kinds: Counter[str] = Counter()
        self.strangers = 0
        self.sessions: dict[int, list[int]] = {}  # person -> session ids now
        self.ever: set[int] = set()  # every session id seen, deleted ones included
        self._query = 0
        # What the bot sent, kept as it goes (reading every message back per tap would grow
        # with the chat): its latest text messages, and the data of every button it showed.
        self._recent: dict[int, deque[int]] = {}
        self._buttons: dict[int, dict[str, None]] = {}  # an ordered set, oldest first
        self.close = emulator.subscribe(self._seen)

    def _seen(self, call: ApiCall) -> None:
        if not call.response_ok or call.method not in {"sendMessage", "editMessageText"}:
            return
        chat = call.params.get("chat_id")
        if not isinstance(chat, int | str) or not str(chat).lstrip("-").isdigit():
            return
        chat_id = int(chat)
        if call.method == "sendMessage":
            # Called right after the emulator stored it: the chat's last message is this one.
            sent = self.emulator.last_message(chat_id)
            if sent is not None:
                recent = self._recent.setdefault(chat_id, deque(maxlen=RECENT_MESSAGES))
                recent.append(sent.message_id)
        markup = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        kept = self._buttons.setdefault(chat_id, {})
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                if "callback_data" in button:
                    kept.pop(str(button["callback_data"]), None)
                    kept[str(button["callback_data"])] = None
        while len(kept) > BUTTONS_KEPT:
            del kept[next(iter(kept))]

    def refresh(self) -> None:
        """Read the sessions as they are between batches (the bot is idle then)."""
        with sqlite3.connect(self.db_path) as conn:
            rows = conn.execute("select user_id, id from daily_sessions order by id").fetchall()
        self.sessions = {}
        for user_id, session_id in rows:
            self.sessions.setdefault(int(user_id), []).append(int(session_id))
            self.ever.add(int(session_id))

    def _raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a hand-built update, once PTB has shown it can read it: Telegram only sends
        well-formed updates, and one PTB cannot parse would stall polling (docs/RELIABILITY.md)."""
        Update.de_json({"update_id": 0, **update}, None)
        return self.emulator.inject_update(update)

    def _who(self, index: int) -> tuple[int, str | None]:
        if index < len(PEOPLE):
            return PEOPLE[index]
        self.strangers += 1
        return STRANGER_BASE + self.strangers % STRANGERS, "en"

    def _sender(self, user_id: int, lang: str | None) -> dict[str, Any]:
        sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"P{user_id}"}
        if lang:
            sender["language_code"] = lang
        return sender

    def _private(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "type": "private", "first_name": f"P{user_id}"}

    def _message(self, user_id: int, lang: str | None, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": 900_000 + self.kinds.total(),
            "date": 1_772_431_200,
            "chat": self._private(user_id),
            "from": self._sender(user_id, lang),
            **fields,
        }

    def inject(self, operation: Op) -> Expectation:
        """Queue the update for this operation; what it must have had once handled."""
        name = type(operation).__name__.lower()
        self.kinds[name] += 1
        if isinstance(operation, Text):
            user_id, lang = self._who(operation.person)
            update = self.emulator.inject_message(user_id, operation.words, language_code=lang)
            return Expectation(update["update_id"], user_id, wants_reply=True)
        if isinstance(operation, Command):
            user_id, lang = self._who(operation.person)
            words = fit(f"/{operation.name} {operation.args}".rstrip())
            update = self.emulator.inject_message(user_id, words, language_code=lang)
            return Expectation(update["update_id"], user_id, wants_reply=True)
        if isinstance(operation, Tap):
            return self._tap(operation)
        if isinstance(operation, Edit):
            user_id, lang = self._who(operation.person)
            edited = self._message(user_id, lang, text=operation.words or ".", edit_date=1)
            update = self._raw({"edited_message": edited})
            return Expectation(update["update_id"], user_id)
        if isinstance(operation, Media):
            user_id, lang = self._who(operation.person)
            message = self._message(user_id, lang, **_media(operation.kind, operation.caption))
            update = self._raw({"message": message})
            return Expectation(update["update_id"], user_id, wants_reply=True)
        if isinstance(operation, Location):
            user_id, lang = self._who(operation.person)
            where = {"latitude": operation.lat, "longitude": operation.lon}
            update = self._raw({"message": self._message(user_id, lang, location=where)})
            return Expectation(update["update_id"], user_id, wants_reply=True)
        if isinstance(operation, Group):
            user_id, lang = self._who(operation.person)
            kind = "group" if operation.chat == GROUP else "supergroup"
            update = self.emulator.inject_message(
                user_id,
                operation.words or ".",
                chat_id=operation.chat,
                chat_type=kind,
                language_code=lang,
            )
            return Expectation(update["update_id"], operation.chat)
        if isinstance(operation, Channel):
            post = {
                "message_id": 800_000 + self.kinds.total(),
                "date": 1_772_431_200,
                "chat": {"id": CHANNEL, "type": "channel", "title": "News"},
                "text": operation.words or ".",
            }
            kind = "edited_channel_post" if operation.edited else "channel_post"
            if operation.edited:
                post["edit_date"] = 1_772_431_260
            update = self._raw({kind: post})
            return Expectation(update["update_id"], CHANNEL)
        if isinstance(operation, Member):
            user_id, lang = self._who(operation.person)
            chat = (
                {"id": GROUP, "type": "group", "title": "Club"}
                if operation.in_group
                else self._private(user_id)
            )
            bot = {"id": self.emulator.bot_id, "is_bot": True, "first_name": "Coach"}
            change = {
                "chat": chat,
                "from": self._sender(user_id, lang),
                "date": 1_772_431_200,
                "old_chat_member": _member_state(bot, operation.old),
                "new_chat_member": _member_state(bot, operation.new),
            }
            update = self._raw({"my_chat_member": change})
            return Expectation(update["update_id"])
        assert isinstance(operation, Inline)
        user_id, lang = self._who(operation.person)
        self._query += 1
        inline = {
            "id": f"inl{self._query}",
            "from": self._sender(user_id, lang),
            "query": operation.query[:256],
            "offset": "",
        }
        update = self._raw({"inline_query": inline})
        return Expectation(update["update_id"])

    def _tap(self, tap: Tap) -> Expectation:
        user_id, lang = self._who(tap.person)
        data = self._data(user_id, tap.data)
        own = list(self._recent.get(user_id, ()))
        if tap.where == "inline" or (not own and tap.where != "gone"):
            self._query += 1
            query_id = f"fuzz{self._query}"
            query = {
                "id": query_id,
                "from": self._sender(user_id, lang),
                "chat_instance": str(user_id),
                "inline_message_id": f"inline{self._query}",
                "data": data,
            }
            update = self._raw({"callback_query": query})
        else:
            # "gone": a message deleted since, or never seen; Telegram sends it inaccessible.
            message_id = {
                "gone": 10**9,
                "latest": own[-1] if own else 0,
                "any": own[tap.pick % len(own)] if own else 0,
            }[tap.where]
            update = self.emulator.inject_callback(user_id, message_id, data)
            query_id = update["callback_query"]["id"]
        return Expectation(update["update_id"], user_id, query_id=query_id)

    def _data(self, user_id: int, spec: tuple[Any, ...]) -> str:
        kind = spec[0]
        if kind == "raw":
            return str(spec[1])
        if kind == "replay":
            own, pick = bool(spec[1]), int(spec[2])
            family = str(spec[3]) if len(spec) > 3 else ""
            chats = [user_id] if own else [p for p, _ in PEOPLE if p != user_id]
            buttons = [
                data
                for chat in chats
                for data in self._buttons.get(chat, {})
                if data.startswith(family)
            ]
            if own:
                buttons = buttons[-20:]  # mostly what is on screen now, some older
            return buttons[pick % len(buttons)] if buttons else "fb:1:s:d"
        _, family, ref, n = spec
        sid = self._session_id(user_id, str(ref), int(n))
        slot = "sg"[n % 2]
        if family == "fb":
            return f"fb:{sid}:{slot}:{'dhep'[n % 4]}"
        if family == "pn":
            return f"pn:{sid}:{slot}:{n % 12}"
        if family == "sa":
            return f"sa:{sid}:{'hesz'[n % 4]}"
        if family == "mc":
            return f"mc:{sid}:{n % 11}:{n % 2}:{(n // 7) % 12}"
        if family == "su":
            return f"su:{SETUP_STEPS[n % len(SETUP_STEPS)]}:{SETUP_VALUES[n % len(SETUP_VALUES)]}"
        return f"fg:{'yn?'[n % 3]}"

    def _session_id(self, user_id: int, ref: str, n: int) -> int:
        mine = self.sessions.get(user_id, [])
        theirs = [s for p, ids in self.sessions.items() if p != user_id for s in ids]
        current = {s for ids in self.sessions.values() for s in ids}
        deleted = sorted(self.ever - current)
        if ref == "own_latest" and mine:
            return mine[-1]
        if ref == "own_any" and mine:
            return mine[n % len(mine)]
        if ref == "other" and theirs:
            return theirs[n % len(theirs)]
        if ref == "deleted" and deleted:
            return deleted[n % len(deleted)]
        if ref == "zero":
            return 0
        if ref == "huge":
            return 10**17 + n
        return max(self.ever, default=0) + 1 + n % 1000


def _member_state(bot: dict[str, Any], status: str) -> dict[str, Any]:
    state: dict[str, Any] = {"user": bot, "status": status}
    if status == "kicked":
        state["until_date"] = 0
    if status == "administrator":
        state |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": False,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": False,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
    if status == "restricted":
        state |= {
            "is_member": True,
            "can_send_messages": True,
            "can_send_audios": True,
            "can_send_documents": True,
            "can_send_photos": True,
            "can_send_videos": True,
            "can_send_video_notes": True,
            "can_send_voice_notes": True,
            "can_send_polls": True,
            "can_send_other_messages": True,
            "can_add_web_page_previews": True,
            "can_change_info": False,
            "can_invite_users": False,
            "can_pin_messages": False,
            "can_manage_topics": False,
            "can_edit_tag": False,
            "can_react_to_messages": True,
            "until_date": 0,
        }
    return state


def _media(kind: str, caption: str) -> dict[str, Any]:
    file = {"file_id": f"F{kind}", "file_unique_id": f"U{kind}"}
    if kind == "sticker":
        return {
            "sticker": {
                **file,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "💪",
            }
        }
    if kind == "photo":
        return {"photo": [{**file, "width": 90, "height": 90}], "caption": caption[:1024]}
    if kind == "voice":
        return {"voice": {**file, "duration": 3}}
    if kind == "document":
        return {"document": {**file, "file_name": caption[:60] or "x.txt"}, "caption": caption}
    if kind == "contact":
        return {"contact": {"phone_number": "+10000000000", "first_name": caption[:60] or "A"}}
    if kind == "video_note":
        return {"video_note": {**file, "length": 240, "duration": 2}}
    if kind == "dice":
        return {"dice": {"emoji": "🎲", "value": 4}}
    return {"video": {**file, "width": 320, "height": 240, "duration": 1}, "caption": caption}


# What the issue names explicitly, tried first in every run (Hypothesis's explicit phase).
MUST_TRY = Batch(
    [
        *(
            Command(0, name, args)
            for name, args in (
                ("time", "25:61"),
                ("time", "7:5"),
                ("time", "-1"),
                ("timezone", "Mars/Olympus"),
                ("pause", "-3"),
                ("pause", "99999999999"),
                ("focus", "<junk>"),
                ("start", "<junk>"),
                ("today", ""),
            )
        ),
        *(Text(1, words) for words in ("", "x" * 4096, "\u202eevil", "\u200b", "💪🏽", "<b>")),
        *(Text(1, words) for words in ("&", "</i>", "💪" * 2048)),
        Command(2, "today", ""),
        *(
            Tap(2, data, "latest")
            for data in (
                ("raw", ""),
                ("raw", "x" * 64),
                ("shaped", "fb", "other", 0),
                ("shaped", "pn", "deleted", 1),
                ("shaped", "sa", "huge", 2),
                ("shaped", "mc", "zero", 3),
                ("replay", True, 0),
                ("replay", False, 0),
                *(("raw", f"{family}:<junk>") for family in FAMILIES),
            )
        ),
        Tap(2, ("replay", True, 1), "gone"),
        Tap(2, ("replay", True, 2), "inline"),
        Edit(3, "done"),
        *(Media(4, kind, "<b>caption</b> &") for kind in MEDIA_KINDS),
        *(Location(5, lat, lon) for lat, lon in ((91.0, 181.0), (-90.5, -180.5), (0.0, 0.0))),
        Group(6, GROUP, "/today"),
        Group(6, SUPERGROUP, "done"),
        Channel(False, "/today"),
        Channel(True, "x"),
        Member(7, "member", "kicked", False),
        Member(7, "kicked", "member", False),
        Member(7, "left", "administrator", True),
        Inline(7, "x"),
    ]
)
