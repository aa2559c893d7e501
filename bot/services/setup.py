"""Onboarding and /settings: one question at a time, each skippable and changeable later.

The step a person is on lives in the database (users.onboarding_step), so a typed answer
like "7:30" is understood even after a restart, and several bot processes agree on it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.library import Area, Contraindication, Equipment
from bot.domain.places import QUICK_PICKS, nearest_city
from bot.domain.safety import SCREEN_QUESTIONS
from bot.domain.schedule import parse_local_time, parse_zone
from bot.services.clock import Clock
from bot.services.scheduling import (
    ensure_member,
    require_member,
    reschedule,
    schedule_view,
    schedule_weekly_summary,
)
from bot.services.views import SETUP_ORDER, SetupStep, SetupView
from bot.storage.repositories import Member, UserRepository

SKIP = "skip"
# Typed answers to the yes/no safety questions, in the languages of the text catalogue.
_YES_NO = {
    "yes": "y", "yeah": "y", "yep": "y", "y": "y", "sí": "y", "si": "y", "ja": "y",
    "no": "n", "nope": "n", "n": "n", "nein": "n",
    "skip": SKIP, "saltar": SKIP,
}  # fmt: skip
TIME_CHOICES: tuple[str, ...] = ("0630", "0700", "0730", "0800", "1200", "1800", "1900", "2030")


def _encode_step(step: SetupStep, *, onboarding: bool, index: int = 0) -> str | None:
    if step is SetupStep.DONE:
        return None
    mode = "o" if onboarding else "s"
    return f"{mode}:{step.value}:{index}"


def _decode_step(value: str | None) -> tuple[SetupStep, bool, int] | None:
    if not value:
        return None
    try:
        mode, step, index = value.split(":")
        return SetupStep(step), mode == "o", int(index)
    except ValueError:
        return None


class SetupService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        default_timezone: str,
        default_reminder_time: time,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._default_zone = default_timezone
        self._default_time = default_reminder_time

    async def begin(
        self, user_id: int, chat_id: int, lang: str | None, *, only: SetupStep | None = None
    ) -> SetupView:
        """Start onboarding at the first question, or open one setting to change."""
        async with self._sessions.begin() as db:
            member = await self._member(db, user_id, chat_id, lang)
            step = only or SetupStep.TIME
            return await self._go(db, member, step, onboarding=only is None, index=0)

    async def current(self, user_id: int) -> SetupView | None:
        """The question the person is answering now, if any."""
        async with self._sessions.begin() as db:
            member = await UserRepository(db).get(user_id)
            if member is None:
                return None
            row = await UserRepository(db).onboarding_step(user_id)
            decoded = _decode_step(row)
            if decoded is None:
                return None
            step, onboarding, index = decoded
            return self._view(member, step, onboarding, index)

    async def answer(
        self, user_id: int, chat_id: int, lang: str | None, step: SetupStep, value: str
    ) -> SetupView:
        """Apply a tapped or typed answer to `step` and move on; stay put if not understood."""
        async with self._sessions.begin() as db:
            member = await self._member(db, user_id, chat_id, lang)
            decoded = _decode_step(await UserRepository(db).onboarding_step(user_id))
            onboarding, index = (decoded[1], decoded[2]) if decoded else (False, 0)
            if decoded is None or decoded[0] is not step:
                # A tap on an older question: apply it, then carry on from that question.
                index = 0
            handler = {
                SetupStep.TIME: self._time,
                SetupStep.ZONE: self._zone,
                SetupStep.SCREEN: self._screen,
                SetupStep.EQUIPMENT: self._equipment,
                SetupStep.FOCUS: self._focus,
            }.get(step)
            if handler is None:
                return await self._go(db, member, SetupStep.DONE, onboarding=onboarding)
            value = value.strip()
            if value.lower() in {SKIP, "saltar"}:
                value = SKIP
            elif step is SetupStep.EQUIPMENT and value.lower() in {"done", "listo", "fertig"}:
                value = "done"
            elif step in {SetupStep.EQUIPMENT, SetupStep.FOCUS}:
                value = value.lower()
            return await handler(db, member, value, onboarding, index)

    async def answer_location(
        self, user_id: int, chat_id: int, lang: str | None, lat: float, lon: float
    ) -> SetupView | None:
        """A shared location sets the zone of the nearest known city."""
        city = nearest_city(lat, lon)
        if city is None:
            return None
        async with self._sessions.begin() as db:
            member = await self._member(db, user_id, chat_id, lang)
            decoded = _decode_step(await UserRepository(db).onboarding_step(user_id))
            onboarding = decoded[1] if decoded else False
            member = await self._set_zone(db, member, city.zone)
            view = await self._after(db, member, SetupStep.ZONE, onboarding)
            return replace(view, zone_from_location=city.zone)

    # --- the steps --------------------------------------------------------------------------

    async def _time(
        self, db: AsyncSession, member: Member, value: str, onboarding: bool, index: int
    ) -> SetupView:
        if value != SKIP:
            text = f"{value[:2]}:{value[2:]}" if value.isdigit() and len(value) == 4 else value
            local = parse_local_time(text)
            if local is None:
                return self._view(member, SetupStep.TIME, onboarding, 0, not_understood=True)
            now = self._clock.now()
            await UserRepository(db).update(member.id, now=now, reminder_time=local)
            member = await reschedule(db, await require_member(db, member.id), now)
        return await self._after(db, member, SetupStep.TIME, onboarding)

    async def _zone(
        self, db: AsyncSession, member: Member, value: str, onboarding: bool, index: int
    ) -> SetupView:
        if value != SKIP:
            zone_name: str | None = None
            if value.startswith("z") and value[1:].isdigit() and int(value[1:]) < len(QUICK_PICKS):
                zone_name = QUICK_PICKS[int(value[1:])]
            else:
                zone = parse_zone(value)
                zone_name = zone.key if zone else None
            if zone_name is None:
                return self._view(member, SetupStep.ZONE, onboarding, 0, not_understood=True)
            member = await self._set_zone(db, member, zone_name)
        return await self._after(db, member, SetupStep.ZONE, onboarding)

    async def _set_zone(self, db: AsyncSession, member: Member, zone_name: str) -> Member:
        now = self._clock.now()
        await UserRepository(db).update(member.id, now=now, timezone=zone_name)
        member = await reschedule(db, await require_member(db, member.id), now)
        # The weekly summary comes at 18:00 in the new zone too.
        await schedule_weekly_summary(db, member, now)
        return member

    async def _screen(
        self, db: AsyncSession, member: Member, value: str, onboarding: bool, index: int
    ) -> SetupView:
        value = _YES_NO.get(value.lower().strip(" .!"), value)
        if value not in {"y", "n", SKIP} or index >= len(SCREEN_QUESTIONS):
            return self._view(member, SetupStep.SCREEN, onboarding, index, not_understood=True)
        if value != SKIP:
            # Skipping leaves this one answer as it was; the other safety questions still come.
            question = SCREEN_QUESTIONS[index]
            answers = set(member.profile.contraindications)
            if value == "y":
                answers.add(question.sets)
            else:
                answers.discard(question.sets)
            member = await self._save_profile(db, member, contraindications=frozenset(answers))
        if index + 1 < len(SCREEN_QUESTIONS):
            return await self._go(
                db, member, SetupStep.SCREEN, onboarding=onboarding, index=index + 1
            )
        return await self._after(db, member, SetupStep.SCREEN, onboarding)

    async def _equipment(
        self, db: AsyncSession, member: Member, value: str, onboarding: bool, index: int
    ) -> SetupView:
        if value in {SKIP, "done"}:
            return await self._after(db, member, SetupStep.EQUIPMENT, onboarding)
        try:
            item = Equipment(value)
        except ValueError:
            return self._view(member, SetupStep.EQUIPMENT, onboarding, 0, not_understood=True)
        have = set(member.profile.equipment)
        have ^= {item}
        member = await self._save_profile(db, member, equipment=frozenset(have))
        return await self._go(db, member, SetupStep.EQUIPMENT, onboarding=onboarding)

    async def _focus(
        self, db: AsyncSession, member: Member, value: str, onboarding: bool, index: int
    ) -> SetupView:
        if value != SKIP:
            if value == "all":
                focus = None
            else:
                try:
                    focus = Area(value)
                except ValueError:
                    return self._view(member, SetupStep.FOCUS, onboarding, 0, not_understood=True)
            await UserRepository(db).update(
                member.id, now=self._clock.now(), focus=focus.value if focus else None
            )
            member = await require_member(db, member.id)
        return await self._after(db, member, SetupStep.FOCUS, onboarding)

    # --- moving between steps ---------------------------------------------------------------

    async def _after(
        self, db: AsyncSession, member: Member, step: SetupStep, onboarding: bool
    ) -> SetupView:
        following = SETUP_ORDER[SETUP_ORDER.index(step) + 1] if onboarding else SetupStep.DONE
        return await self._go(db, member, following, onboarding=onboarding)

    async def _go(
        self,
        db: AsyncSession,
        member: Member,
        step: SetupStep,
        *,
        onboarding: bool,
        index: int = 0,
    ) -> SetupView:
        values: dict[str, object] = {
            "onboarding_step": _encode_step(step, onboarding=onboarding, index=index)
        }
        if step is SetupStep.DONE and onboarding:
            values["setup_completed"] = True
        await UserRepository(db).update(member.id, now=self._clock.now(), **values)
        return self._view(member, step, onboarding, index)

    async def _save_profile(
        self,
        db: AsyncSession,
        member: Member,
        *,
        equipment: frozenset[Equipment] | None = None,
        contraindications: frozenset[Contraindication] | None = None,
    ) -> Member:
        profile = member.profile
        if equipment is not None:
            profile = replace(profile, equipment=equipment | {Equipment.NONE})
        if contraindications is not None:
            profile = replace(profile, contraindications=contraindications)
        await UserRepository(db).save_profile(member.id, profile, now=self._clock.now())
        return await require_member(db, member.id)

    async def _member(
        self, db: AsyncSession, user_id: int, chat_id: int, lang: str | None
    ) -> Member:
        member, _ = await ensure_member(
            db,
            user_id,
            chat_id,
            lang,
            self._clock.now(),
            default_zone=self._default_zone,
            default_time=self._default_time,
        )
        return member

    @staticmethod
    def _view(
        member: Member,
        step: SetupStep,
        onboarding: bool,
        index: int,
        *,
        not_understood: bool = False,
    ) -> SetupView:
        return SetupView(
            step=step,
            onboarding=onboarding,
            screen_index=index,
            focus=member.profile.focus,
            equipment=member.profile.equipment,
            contraindications=member.profile.contraindications,
            schedule=schedule_view(member),
            not_understood=not_understood,
        )
