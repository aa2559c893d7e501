"""Isolation: two people trying each other's buttons and session ids, in every button family,
never read or change the other's data; an export holds only the person who asked."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import text as sql

from bot.domain.library import Library
from bot.playground.emulator import BotApiEmulator
from bot.services.clock import ManualClock
from bot.storage.db import create_engine
from bot.storage.models import Base
from bot.texts import text
from tests.reliability.figures import record
from tests.reliability.harness import World, running_world

ALICE, BOB = 7101, 7102


async def rows_of(db_url: str, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the person, in every table of the schema, in a stable order."""
    engine = create_engine(db_url)
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        async with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                column = "id" if table.name == "users" else "user_id"
                query = f"select * from {table.name} where {column} = :who order by 1, 2"  # noqa: S608
                result = await conn.execute(sql(query), {"who": user_id})
                found[table.name] = [dict(r) for r in result.mappings()]
    finally:
        await engine.dispose()
    return found


def buttons(world: World, chat_id: int) -> list[str]:
    """The data of every button ever sent to the chat, answered and edited away included."""
    found: list[str] = []
    for call in world.emulator.calls:
        if str(call.params.get("chat_id")) != str(chat_id):
            continue
        markup = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if not isinstance(markup, dict):
            continue
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and data not in found:
                    found.append(str(data))
    return found


async def give_data(world: World, user_id: int) -> None:
    """A week of a person's life in every table: sessions, answers, pain, nudges, rest days."""
    await world.say(user_id, "/start")
    await world.say(user_id, "7:00")
    await world.say(user_id, "/timezone UTC")
    message = world.emulator.last_message(user_id)
    await world.say(user_id, "/today")
    message = world.emulator.last_message(user_id)
    assert message is not None
    session_id = int(buttons(world, user_id)[-1].split(":")[1])
    await world.tap(user_id, message.message_id, f"fb:{session_id}:s:d")
    await world.tap(user_id, message.message_id, f"fb:{session_id}:g:p")
    scale = world.emulator.last_message(user_id)
    assert scale is not None
    await world.tap(user_id, scale.message_id, f"pn:{session_id}:g:5")
    await world.tap(user_id, message.message_id, f"sa:{session_id}:h")
    await world.say(user_id, "/pause 2")
    await world.say(user_id, "/resume")
    await world.say(user_id, "/settings")
    await world.say(user_id, "/forget")  # asked, not confirmed: the buttons stay in the chat


def forged(session_ids: list[int]) -> list[str]:
    """Well-formed data of every session-bound family, for someone else's sessions."""
    data = []
    for sid in session_ids:
        data += [f"fb:{sid}:{slot}:{o}" for slot in "sg" for o in "dhep"]
        data += [f"pn:{sid}:{slot}:{p}" for slot in "sg" for p in range(11)]
        data += [f"sa:{sid}:{a}" for a in "hes"]
        data += [f"mc:{sid}:{p}:{w}:{n}" for p in (4, 5, 8) for w in (0, 1) for n in (0, 6, 10)]
    return data


async def attack(world: World, attacker: int, victim: int) -> Counter[str]:
    """The attacker taps every button the victim was ever sent, and forged data for every
    session of the victim's, under the attacker's own latest message."""
    victim_sessions = [s["id"] for s in (await rows_of(world.db_url, victim))["daily_sessions"]]
    tried = [*buttons(world, victim), *forged(victim_sessions)]
    own = world.emulator.last_message(attacker)
    assert own is not None
    by_family: Counter[str] = Counter()
    invalid = text("toast.invalid")
    for data in tried:
        if data == "fg:y":
            continue  # "delete everything about me": about the attacker, tapped last below
        calls = len(world.emulator.calls)
        await world.tap(attacker, own.message_id, data)
        by_family[data.split(":")[0]] += 1
        new = world.emulator.calls[calls:]
        assert all(str(c.params.get("chat_id", attacker)) != str(victim) for c in new), data
        if data.split(":")[0] in {"fb", "pn", "sa", "mc"}:
            toasts = [c.params.get("text") for c in new if c.method == "answerCallbackQuery"]
            assert toasts == [invalid], (data, toasts)
    return by_family


async def test_people_cannot_reach_each_others_data_through_any_button(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        for person in (ALICE, BOB):
            await give_data(world, person)
        # The next morning's pain question brings the morning-check buttons.
        clock.advance(timedelta(hours=27))
        await world.app.bot_data.services.nudges.dispatch_due()
        families = {d.split(":")[0] for d in buttons(world, ALICE)}
        assert {"fb", "pn", "sa", "mc", "su", "fg"} <= families, families
        tried: Counter[str] = Counter()
        for attacker, victim in ((BOB, ALICE), (ALICE, BOB)):
            before = await rows_of(db_url, victim)
            victim_messages = world.emulator.messages(victim)
            assert all(before[t] for t in ("users", "daily_sessions", "feedback", "nudges"))
            tried += await attack(world, attacker, victim)
            assert await rows_of(db_url, victim) == before, f"{attacker} changed {victim}'s rows"
            assert world.emulator.messages(victim) == victim_messages
        # Forgetting oneself leaves the other untouched.
        alice_before = await rows_of(db_url, ALICE)
        forget = world.emulator.last_message(BOB)
        assert forget is not None
        await world.tap(BOB, forget.message_id, "fg:y")
        assert all(rows == [] for rows in (await rows_of(db_url, BOB)).values())
        assert await rows_of(db_url, ALICE) == alice_before
        await world.check()
    record(
        "isolation.taps",
        f"{tried.total()} taps with the other's data: "
        + ", ".join(f"{family} {n}" for family, n in sorted(tried.items())),
    )


async def test_an_export_holds_only_the_person_who_asked(
    emulator: BotApiEmulator, db_url: str, clock: ManualClock, library: Library
) -> None:
    async with running_world(emulator, db_url, clock, library) as world:
        for person in (ALICE, BOB):
            await give_data(world, person)
        checked = 0
        for person, other in ((ALICE, BOB), (BOB, ALICE)):
            mine = await rows_of(db_url, person)
            other_sessions = {s["id"] for s in (await rows_of(db_url, other))["daily_sessions"]}
            await world.say(person, "/export")
            exported = world.emulator.last_message(person)
            assert exported is not None
            assert exported.document is not None
            document = json.loads(exported.document)
            assert document["user_id"] == person
            assert str(other) not in exported.document.decode()
            for table, rows in document["tables"].items():
                for row in rows:
                    assert row.get("user_id", row.get("id")) == person, (table, row)
                    assert row.get("session_id") not in other_sessions, (table, row)
                assert len(rows) == len(mine[table]), table
                checked += len(rows)
            await world.say(person, "/export csv")
            exported = world.emulator.last_message(person)
            assert exported is not None
            assert exported.document is not None
            lines = list(csv.reader(io.StringIO(exported.document.decode())))
            days = {s["local_date"] for s in mine["daily_sessions"]}
            days |= {r["local_date"] for r in mine["rest_days"]}
            assert len(lines) - 1 == len(days)
        await world.check()
    record("isolation.export", f"2 JSON exports, {checked} rows: all the asker's, none other")
