"""Turn service results into Telegram HTML and inline keyboards."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.library import Library
from bot.domain.render import format_dose, render_move
from bot.domain.state import Outcome
from bot.services.views import ScheduleView, SessionView, Slot, SlotAnswer
from bot.telegram.callback_data import FeedbackData
from bot.texts import text

_ANSWER_KEYS = {
    Outcome.DONE: "answer.done",
    Outcome.TOO_HARD: "answer.too_hard",
    Outcome.TOO_EASY: "answer.too_easy",
    Outcome.HURT: "answer.hurt",
}
_BUTTON_KEYS = {
    Outcome.DONE: "button.done",
    Outcome.TOO_HARD: "button.too_hard",
    Outcome.TOO_EASY: "button.too_easy",
    Outcome.HURT: "button.hurt",
}


class SessionRenderer:
    def __init__(self, library: Library) -> None:
        self._library = library

    def session_html(self, view: SessionView) -> str:
        lang = view.language_code
        area = self._library.areas.get(view.focus)
        parts = [text("session.title", lang, date=view.local_date.strftime("%a %d %b"))]
        if area is not None:
            parts.append(f"<i>{escape(area.why)}</i>")
        for slot, label in ((Slot.STRETCH, "session.stretch"), (Slot.STRENGTH, "session.strength")):
            prescription = view.prescription(slot)
            if prescription is None:
                continue
            block = [
                f"<u>{text(label, lang)}</u>",
                render_move(prescription.move, prescription.dose),
            ]
            answer = view.answers.get(slot)
            if answer is not None:
                block.append(self._answer_html(answer, lang))
            parts.append("\n".join(block))
        if view.strength is None and view.strength_paused:
            parts.append(text("session.paused", lang))
        if len(view.answers) < (2 if view.strength else 1):
            parts.append(f"<i>{text('session.footer', lang)}</i>")
        return "\n\n".join(parts)

    @staticmethod
    def _answer_html(answer: SlotAnswer, lang: str | None) -> str:
        line = f"<b>{text(_ANSWER_KEYS[answer.outcome], lang)}</b>"
        if answer.offered is not None:
            move, dose = answer.offered.move, answer.offered.dose
            line += (
                f"\n{text('answer.easier', lang)} <b>{escape(move.name)}</b> "
                f"({escape(format_dose(dose))})"
            )
        return line

    @staticmethod
    def session_keyboard(view: SessionView) -> InlineKeyboardMarkup | None:
        """Answer buttons for each move not yet answered; none once both are answered."""
        lang = view.language_code
        rows: list[list[InlineKeyboardButton]] = []
        for slot, label in ((Slot.STRETCH, "session.stretch"), (Slot.STRENGTH, "session.strength")):
            if view.prescription(slot) is None or slot in view.answers:
                continue
            prefix = text(label, lang)
            buttons = [
                InlineKeyboardButton(
                    f"{prefix}: {text(_BUTTON_KEYS[o], lang)}",
                    callback_data=FeedbackData(view.session_id, slot, o).encode(),
                )
                for o in (Outcome.DONE, Outcome.TOO_HARD, Outcome.TOO_EASY, Outcome.HURT)
            ]
            rows.extend([buttons[:2], buttons[2:]])
        return InlineKeyboardMarkup(rows) if rows else None


def schedule_html(key: str, view: ScheduleView, lang: str | None) -> str:
    next_text = (
        view.next_reminder_local.strftime("%a %d %b, %H:%M") if view.next_reminder_local else "—"
    )
    return text(
        key, lang, time=view.reminder_time, zone=escape(view.timezone), next=escape(next_text)
    )
