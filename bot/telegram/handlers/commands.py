"""Commands and the set-up conversation."""

from __future__ import annotations

import re

from telegram import ReplyKeyboardRemove, Update

from bot.domain.intents import area_named
from bot.domain.library import Area
from bot.domain.schedule import parse_local_time, parse_zone
from bot.services.views import SetupStep, SetupView
from bot.telegram.callback_data import SetupData
from bot.telegram.context import CoachContext
from bot.telegram.handlers.common import edit, language, reply, who
from bot.telegram.keyboards import (
    focus_keyboard,
    location_keyboard,
    settings_keyboard,
    setup_keyboard,
)
from bot.telegram.render import schedule_html
from bot.texts import day_label, text

_DEEP_LINK = re.compile(r"^focus_(balance|hips|knees|ankles)$")
parse_area = area_named


async def show_setup(
    update: Update, context: CoachContext, view: SetupView, *, answered: SetupStep | None = None
) -> None:
    """Show a set-up step: toggles edit their message; a new question is a new message."""
    lang = language(update)
    renderer = context.services.renderer
    html = renderer.setup_html(view, lang)
    markup = setup_keyboard(view, renderer.library, lang)
    query = update.callback_query
    if query is not None and view.step is SetupStep.EQUIPMENT and _tapped_step(update) is view.step:
        await edit(update, html, markup)
        return
    if query is not None and query.message is not None:
        # The answered question stays readable, without its buttons.
        await edit(update, getattr(query.message, "text_html", None) or "✔", None)
    if view.step is SetupStep.DONE and view.focus is not None and not view.onboarding:
        html = renderer.focus_html(view.focus, lang) + "\n\n" + html
    if view.step is SetupStep.ZONE:
        # Sharing a location needs a reply-keyboard button; the cities are inline buttons.
        await reply(update, text("setup.zone.share", lang), location_keyboard(lang))
    elif answered is SetupStep.ZONE and not view.not_understood:
        note = schedule_html("schedule.line", view.schedule, lang)
        if view.step is SetupStep.DONE:
            await reply(update, html, ReplyKeyboardRemove())
            return
        await reply(update, note, ReplyKeyboardRemove())
    await reply(update, html, markup)


def _tapped_step(update: Update) -> SetupStep | None:
    query = update.callback_query
    data = SetupData.decode(query.data if query and isinstance(query.data, str) else None)
    return None if data is None else data.step


async def on_start(update: Update, context: CoachContext) -> None:
    """Greet the person, record them, and begin the set-up questions."""
    user_id, chat_id, lang = who(update)
    link = (context.args or [""])[0]
    match = _DEEP_LINK.match(link)
    focus = Area(match[1]) if match else None
    result = await context.coach.start(user_id, chat_id, lang, focus=focus)
    # Someone whose first message was /today has a row but never saw the safety questions.
    if not result.is_new and not result.needs_setup:
        await reply(
            update,
            "\n\n".join(
                [
                    text("welcome.back", lang),
                    schedule_html("schedule.line", result.schedule, lang),
                    text("schedule.hint", lang),
                ]
            ),
        )
        return
    intro = [text("welcome.new", lang), text("welcome.safety", lang), text("welcome.setup", lang)]
    await reply(update, "\n\n".join(intro))
    view = await context.services.setup.begin(user_id, chat_id, lang)
    await show_setup(update, context, view)


async def on_settings(update: Update, context: CoachContext) -> None:
    """Show the settings and let the person change any of them."""
    user_id, chat_id, lang = who(update)
    await context.coach.start(user_id, chat_id, lang)
    view = await context.services.setup.begin(user_id, chat_id, lang, only=SetupStep.DONE)
    await reply(
        update, context.services.renderer.settings_html(view, lang), settings_keyboard(lang)
    )


async def on_setup_tapped(update: Update, context: CoachContext) -> None:
    """Apply a set-up choice and ask the next question."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = SetupData.decode(query.data if isinstance(query.data, str) else None)
    if data is None or query.message is None:
        await query.answer(text("toast.invalid", lang))
        return
    user_id, chat_id = query.from_user.id, query.message.chat.id
    setup = context.services.setup
    if data.step is SetupStep.DONE:
        # A settings menu entry: open that one step.
        try:
            step = SetupStep(data.value)
        except ValueError:
            await query.answer(text("toast.invalid", lang))
            return
        await query.answer()
        view = await setup.begin(user_id, chat_id, lang, only=step)
    else:
        view = await setup.answer(user_id, chat_id, lang, data.step, data.value)
        await query.answer()
    await show_setup(update, context, view, answered=data.step)


async def on_location(update: Update, context: CoachContext) -> None:
    """A shared location sets the time zone."""
    user_id, chat_id, lang = who(update)
    location = update.effective_message.location if update.effective_message else None
    if location is None:
        return
    view = await context.services.setup.answer_location(
        user_id, chat_id, lang, location.latitude, location.longitude
    )
    if view is None:
        await reply(update, text("zone.usage", lang), ReplyKeyboardRemove())
        return
    await show_setup(update, context, view, answered=SetupStep.ZONE)


async def on_time(update: Update, context: CoachContext) -> None:
    """Set the local time of the daily session."""
    user_id, chat_id, lang = who(update)
    local = parse_local_time(" ".join(context.args or []))
    if local is None:
        await reply(update, text("time.usage", lang))
        return
    view = await context.coach.set_reminder_time(user_id, chat_id, lang, local)
    await reply(update, schedule_html("time.saved", view, lang))


async def on_timezone(update: Update, context: CoachContext) -> None:
    """Set the person's IANA time zone."""
    user_id, chat_id, lang = who(update)
    zone = parse_zone(" ".join(context.args or []))
    if zone is None:
        await reply(update, text("zone.usage", lang))
        return
    view = await context.coach.set_timezone(user_id, chat_id, lang, zone)
    await reply(update, schedule_html("zone.saved", view, lang))


async def on_focus(update: Update, context: CoachContext) -> None:
    """Choose a benefit area, by button or as "/focus knees"."""
    user_id, chat_id, lang = who(update)
    renderer = context.services.renderer
    if context.args:
        area = parse_area(context.args)
        if area is None and " ".join(context.args).lower() not in {"all", "everything"}:
            await reply(
                update,
                text("focus.usage", lang),
                focus_keyboard(renderer.library, lang, step=SetupStep.FOCUS),
            )
            return
        await context.coach.set_focus(user_id, chat_id, lang, area)
        await reply(update, renderer.focus_html(area, lang))
        return
    await ask_focus(update, context)


async def ask_focus(update: Update, context: CoachContext) -> None:
    """Ask which area to focus on, with a button for each."""
    lang = language(update)
    keyboard = focus_keyboard(context.services.renderer.library, lang, step=SetupStep.FOCUS)
    await reply(update, text("focus.ask", lang), keyboard)


async def set_focus(update: Update, context: CoachContext, area: Area | None) -> None:
    user_id, chat_id, lang = who(update)
    await context.coach.set_focus(user_id, chat_id, lang, area)
    await reply(update, context.services.renderer.focus_html(area, lang))


async def on_more(update: Update, context: CoachContext) -> None:
    """One extra move, now, for an area ("/more balance") or their focus."""
    await send_extra(update, context, parse_area(context.args or []))


async def send_extra(update: Update, context: CoachContext, area: Area | None) -> None:
    user_id, chat_id, lang = who(update)
    extra = await context.coach.extra_move(user_id, chat_id, lang, area)
    if extra is None:
        await reply(update, text("more.none", lang))
        return
    await reply(update, context.services.renderer.extra_html(extra, area, lang))


async def on_why(update: Update, context: CoachContext) -> None:
    """Explain why today's moves matter, honestly."""
    user_id, chat_id, lang = who(update)
    view = await context.coach.todays_view(user_id, chat_id, lang)
    if view is None:
        await reply(update, text("why.none", lang))
        return
    await reply(update, context.services.renderer.why_html(view))


async def on_pause(update: Update, context: CoachContext) -> None:
    """Pause daily sessions, for N days or until /resume."""
    args = context.args or []
    days: int | None = None
    if args:
        digits = re.findall(r"\d+", " ".join(args))
        if not digits:
            await reply(update, text("pause.usage", language(update)))
            return
        days = int(digits[0][:3])
    await pause(update, context, days)


async def pause(update: Update, context: CoachContext, days: int | None) -> None:
    user_id, chat_id, lang = who(update)
    result = await context.coach.pause(user_id, chat_id, lang, days)
    if result.days is None:
        await reply(update, text("pause.open", lang))
    else:
        schedule = schedule_html("schedule.line", result.schedule, lang)
        await reply(update, text("pause.days", lang, days=result.days, schedule=schedule))


async def on_resume(update: Update, context: CoachContext) -> None:
    """Start daily sessions again, strength moves included."""
    user_id, chat_id, lang = who(update)
    result = await context.coach.resume(user_id, chat_id, lang)
    schedule = schedule_html("schedule.line", result.schedule, lang)
    await reply(update, text("resume.done", lang, schedule=schedule))


async def on_help(update: Update, context: CoachContext) -> None:
    """List what the coach understands."""
    await reply(update, text("help", language(update)))


_WEEKDAYS = {
    **{name: i for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"))},
    "miercoles": 2,
    "sabado": 5,
}  # fmt: skip


async def on_summary(update: Update, context: CoachContext) -> None:
    """Choose the weekday of the weekly summary ("/summary sunday")."""
    user_id, chat_id, lang = who(update)
    words = [w.strip(".,!").casefold() for w in context.args or []]
    weekday = next((_WEEKDAYS[w] for w in words if w in _WEEKDAYS), None)
    if weekday is None:
        await reply(update, text("summary.usage", lang))
        return
    at = await context.coach.set_summary_day(user_id, chat_id, lang, weekday)
    next_text = f"{day_label(at.date(), lang)}, {at:%H:%M}"
    await reply(update, text("summary.saved", lang, next=next_text))
