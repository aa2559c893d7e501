"""Turn service results into Telegram HTML. Every inserted value is escaped here."""

from __future__ import annotations

from html import escape

from bot.domain.library import Area, AreaInfo, Library
from bot.domain.render import format_dose, render_move
from bot.domain.safety import SCREEN_QUESTIONS
from bot.domain.state import Outcome, Prescription
from bot.services.views import ScheduleView, SessionView, SetupStep, SetupView, Slot, SlotAnswer
from bot.texts import day_label, text

_ANSWER_KEYS = {
    Outcome.DONE: "answer.done",
    Outcome.TOO_HARD: "answer.too_hard",
    Outcome.TOO_EASY: "answer.too_easy",
}
_SLOT_LABELS = {Slot.STRETCH: "session.stretch", Slot.STRENGTH: "session.strength"}


def answer_text(answer: SlotAnswer, lang: str | None) -> str:
    if answer.outcome is Outcome.HURT:
        if answer.pain is None:
            return text("answer.hurt_no_score", lang)
        return text("answer.hurt", lang, pain=answer.pain)
    return text(_ANSWER_KEYS[answer.outcome], lang)


class SessionRenderer:
    """Messages that need the exercise library: sessions, extras, focus and why."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def session_html(self, view: SessionView) -> str:
        lang = view.language_code
        area = self.library.areas.get(view.focus)
        parts = [text("session.title", lang, date=day_label(view.local_date, lang))]
        if area is not None:
            parts.append(f"<i>{escape(area.why)}</i>")
        if view.stretch is None and view.strength is None:
            parts.append(text("session.rest", lang))
            return "\n\n".join(parts)
        for slot in (Slot.STRETCH, Slot.STRENGTH):
            prescription = view.prescription(slot)
            if prescription is None:
                continue
            block = [
                f"<u>{text(_SLOT_LABELS[slot], lang)}</u>",
                render_move(prescription.move, prescription.dose),
            ]
            answer = view.answers.get(slot)
            if answer is not None:
                block.append(self._answer_html(answer, lang))
            parts.append("\n".join(block))
        if view.stretch is None:
            parts.append(text("session.no_stretch", lang))
        if view.strength is None and view.strength_paused:
            parts.append(text("session.paused", lang))
        if view.skipped:
            parts.append(f"<b>{text('session.skipped', lang)}</b>")
        elif view.open_slots:
            parts.append(f"<i>{text('session.footer', lang)}</i>")
        return "\n\n".join(parts)

    @staticmethod
    def _answer_html(answer: SlotAnswer, lang: str | None) -> str:
        line = f"<b>{answer_text(answer, lang)}</b>"
        if answer.offered is not None:
            move, dose = answer.offered.move, answer.offered.dose
            line += (
                f"\n{text('answer.easier', lang)} <b>{escape(move.name)}</b> "
                f"({escape(format_dose(dose))})"
            )
        return line

    def extra_html(self, extra: Prescription, area: Area | None, lang: str | None) -> str:
        info = self.library.areas.get(area) if area is not None else None
        title = info.title if info is not None else text("focus.all", lang)
        heading = text("more.intro", lang, area=escape(title.lower()))
        return f"{heading}\n{render_move(extra.move, extra.dose)}"

    def focus_html(self, area: Area | None, lang: str | None) -> str:
        if area is None:
            return text("focus.cleared", lang)
        info: AreaInfo = self.library.areas[area]
        return text(
            "focus.saved",
            lang,
            title=escape(info.title),
            why=escape(info.why),
            evidence=text(f"evidence.{info.evidence.value}", lang)
            + " "
            + escape(info.evidence_note),
        )

    def why_html(self, view: SessionView) -> str:
        lang = view.language_code
        lines = [text("why.intro", lang)]
        area = self.library.areas.get(view.focus)
        if area is not None:
            lines.append(f"{escape(area.why)}\n<i>{escape(area.evidence_note)}</i>")
        for prescription in (view.stretch, view.strength):
            if prescription is None:
                continue
            titles = sorted(
                self.library.areas[a].title.lower()
                for a in prescription.move.areas
                if a in self.library.areas
            )
            lines.append(
                text(
                    "why.move",
                    lang,
                    name=escape(prescription.move.name),
                    areas=escape(", ".join(titles)),
                )
            )
        return "\n\n".join(lines)

    def setup_html(self, view: SetupView, lang: str | None) -> str:
        if view.step is SetupStep.TIME:
            body = text("setup.time.ask", lang)
        elif view.step is SetupStep.ZONE:
            body = text("setup.zone.ask", lang)
        elif view.step is SetupStep.SCREEN:
            question = SCREEN_QUESTIONS[min(view.screen_index, len(SCREEN_QUESTIONS) - 1)]
            body = text(
                "setup.screen.ask",
                lang,
                number=view.screen_index + 1,
                total=len(SCREEN_QUESTIONS),
                question=text(question.text_key, lang),
            )
        elif view.step is SetupStep.EQUIPMENT:
            body = text("setup.equip.ask", lang)
        elif view.step is SetupStep.FOCUS:
            body = text("setup.focus.ask", lang)
        else:
            schedule = schedule_html("schedule.line", view.schedule, lang)
            body = text("setup.done" if view.onboarding else "setup.saved", lang, schedule=schedule)
        if view.zone_from_location:
            body = (
                text("setup.zone.from_location", lang, zone=escape(view.zone_from_location))
                + "\n\n"
                + body
            )
        if view.not_understood:
            body = text("unknown", lang) + "\n\n" + body
        return body

    def settings_html(self, view: SetupView, lang: str | None) -> str:
        info = self.library.areas.get(view.focus) if view.focus is not None else None
        focus = escape(info.title) if info is not None else text("focus.all", lang)
        return text(
            "settings.menu",
            lang,
            schedule=schedule_html("schedule.line", view.schedule, lang),
            focus=focus,
        )


def schedule_html(key: str, view: ScheduleView, lang: str | None) -> str:
    if view.paused:
        return text("schedule.paused", lang)
    at = view.next_reminder_local
    next_text = f"{day_label(at.date(), lang)}, {at:%H:%M}" if at is not None else "—"
    return text(
        key, lang, time=view.reminder_time, zone=escape(view.timezone), next=escape(next_text)
    )
