"""Handlers: read the update, call one service, render the result."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.domain.schedule import parse_local_time, parse_zone
from bot.services.views import FeedbackStatus
from bot.telegram.callback_data import FeedbackData
from bot.telegram.context import CoachContext
from bot.telegram.render import schedule_html
from bot.texts import text

log = logging.getLogger(__name__)


def _who(update: Update) -> tuple[int, int, str | None]:
    user = update.effective_user
    chat = update.effective_chat
    # Handlers that call this are registered for private chats, where both always exist.
    assert user is not None
    assert chat is not None
    return user.id, chat.id, user.language_code


async def _reply(update: Update, html: str) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_html(html, do_quote=False)


async def on_start(update: Update, context: CoachContext) -> None:
    """Greet the person, record them, and say when their session comes."""
    user_id, chat_id, lang = _who(update)
    result = await context.coach.start(user_id, chat_id, lang)
    greeting = text("welcome.new" if result.is_new else "welcome.back", lang)
    await _reply(
        update,
        "\n\n".join(
            [
                greeting,
                text("welcome.safety", lang),
                schedule_html("schedule.line", result.schedule, lang),
                text("schedule.hint", lang),
            ]
        ),
    )


async def on_today(update: Update, context: CoachContext) -> None:
    """Send today's session now."""
    user_id, chat_id, lang = _who(update)
    view = await context.coach.todays_session(user_id, chat_id, lang)
    renderer = context.services.renderer
    message = update.effective_message
    if message is None:
        return
    sent = await message.reply_html(
        renderer.session_html(view), reply_markup=renderer.session_keyboard(view), do_quote=False
    )
    await context.coach.mark_sent(view.session_id, sent.message_id)


async def on_time(update: Update, context: CoachContext) -> None:
    """Set the local time of the daily session."""
    user_id, chat_id, lang = _who(update)
    local = parse_local_time(" ".join(context.args or []))
    if local is None:
        await _reply(update, text("time.usage", lang))
        return
    view = await context.coach.set_reminder_time(user_id, chat_id, lang, local)
    await _reply(update, schedule_html("time.saved", view, lang))


async def on_timezone(update: Update, context: CoachContext) -> None:
    """Set the person's IANA time zone."""
    user_id, chat_id, lang = _who(update)
    zone = parse_zone(" ".join(context.args or []))
    if zone is None:
        await _reply(update, text("zone.usage", lang))
        return
    view = await context.coach.set_timezone(user_id, chat_id, lang, zone)
    await _reply(update, schedule_html("zone.saved", view, lang))


async def on_help(update: Update, context: CoachContext) -> None:
    """List what the coach understands."""
    _, _, lang = _who(update)
    await _reply(update, text("help", lang))


async def on_unknown(update: Update, context: CoachContext) -> None:
    """Answer anything not understood with the list of what is."""
    _, _, lang = _who(update)
    await _reply(update, f"{text('unknown', lang)}\n\n{text('help', lang)}")


async def on_group_message(update: Update, context: CoachContext) -> None:
    """Point people in groups to a private chat, once per command addressed to the bot."""
    lang = update.effective_user.language_code if update.effective_user else None
    await _reply(update, text("group.private_only", lang))


async def on_feedback_tapped(update: Update, context: CoachContext) -> None:
    """Record the person's answer about one move and show it in the message."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = FeedbackData.decode(query.data if isinstance(query.data, str) else None)
    if data is None:
        await query.answer(text("toast.invalid", lang))
        return
    result = await context.coach.record_feedback(
        query.from_user.id, data.session_id, data.slot, data.outcome
    )
    if result.status is FeedbackStatus.NOT_FOUND or result.session is None:
        await query.answer(text("toast.invalid", lang))
        return
    recorded = result.status is FeedbackStatus.RECORDED
    await query.answer(text("toast.recorded" if recorded else "toast.already", lang))
    renderer = context.services.renderer
    try:
        await query.edit_message_text(
            renderer.session_html(result.session),
            parse_mode=ParseMode.HTML,
            reply_markup=renderer.session_keyboard(result.session),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message and "not found" not in exc.message:
            raise
    if result.red_flag and query.message is not None:
        await context.bot.send_message(
            query.message.chat.id, text("red_flag", lang), parse_mode=ParseMode.HTML
        )


async def on_error(update: object, context: CoachContext) -> None:
    """Log the failure without message texts or secrets, and tell the person kindly."""
    log.error(
        "update failed",
        exc_info=context.error,
        extra={"update_id": update.update_id if isinstance(update, Update) else None},
    )
    if isinstance(update, Update) and update.effective_message is not None:
        lang = update.effective_user.language_code if update.effective_user else None
        try:
            await update.effective_message.reply_text(text("error.generic", lang))
        except Exception:  # the reply is a courtesy; the error is already logged
            log.warning("could not send the error reply", exc_info=True)


async def on_unknown_button(update: Update, context: CoachContext) -> None:
    """Answer a tap on a button we no longer know, so the person's spinner stops."""
    query = update.callback_query
    assert query is not None
    await query.answer(text("toast.invalid", query.from_user.language_code))
