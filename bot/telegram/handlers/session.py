"""The daily session: sending it, and every button under it."""

from __future__ import annotations

from telegram import Update

from bot.domain.state import Outcome
from bot.services.views import FeedbackResult, FeedbackStatus, SessionView
from bot.telegram.callback_data import (
    FeedbackData,
    MorningCheckData,
    PainData,
    SessionAction,
    SessionActionData,
)
from bot.telegram.context import CoachContext
from bot.telegram.handlers.common import edit, edit_message, language, reply, who
from bot.telegram.keyboards import pain_keyboard, session_keyboard
from bot.texts import text


async def send_session(update: Update, context: CoachContext, view: SessionView) -> None:
    renderer = context.services.renderer
    sent = await reply(update, renderer.session_html(view), session_keyboard(view))
    if sent is not None:
        await context.coach.mark_sent(view.session_id, sent.message_id)


async def on_today(update: Update, context: CoachContext) -> None:
    """Send today's session now."""
    user_id, chat_id, lang = who(update)
    view = await context.coach.todays_session(user_id, chat_id, lang)
    await send_session(update, context, view)


async def show_feedback(update: Update, context: CoachContext, result: FeedbackResult) -> None:
    """Show an answer: the session message edited in place, and the red-flag advice."""
    lang = language(update)
    if result.session is not None:
        renderer = context.services.renderer
        html, markup = renderer.session_html(result.session), session_keyboard(result.session)
        if update.callback_query is not None:
            await edit(update, html, markup)
        else:
            await reply(update, html, markup)
    if result.red_flag:
        await reply(update, text("red_flag", lang))


async def on_feedback_tapped(update: Update, context: CoachContext) -> None:
    """Record the person's answer about one move and show it in the message."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = FeedbackData.decode(query.data if isinstance(query.data, str) else None)
    if data is None:
        await query.answer(text("toast.invalid", lang))
        return
    if data.outcome is Outcome.HURT:
        # Ask how much first; the answer is recorded with its score.
        view = await context.coach.session_for(query.from_user.id, data.session_id)
        if view is None:
            await query.answer(text("toast.invalid", lang))
            return
        if data.slot in view.answers:
            await query.answer(text("toast.already", lang))
            return
        await query.answer()
        await reply(update, text("pain.ask", lang), pain_keyboard(data.session_id, data.slot))
        return
    result = await context.coach.record_feedback(
        query.from_user.id, data.session_id, data.slot, data.outcome
    )
    await _answer_and_show(update, context, result)


async def _answer_and_show(update: Update, context: CoachContext, result: FeedbackResult) -> None:
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    if result.status is FeedbackStatus.NOT_FOUND or result.session is None:
        await query.answer(text("toast.invalid", lang))
        return
    recorded = result.status is FeedbackStatus.RECORDED
    await query.answer(text("toast.recorded" if recorded else "toast.already", lang))
    await show_feedback(update, context, result)


async def on_pain_tapped(update: Update, context: CoachContext) -> None:
    """Record "it hurt" with its 0-10 score, then follow the pain rules."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = PainData.decode(query.data if isinstance(query.data, str) else None)
    if data is None:
        await query.answer(text("toast.invalid", lang))
        return
    result = await context.coach.record_feedback(
        query.from_user.id, data.session_id, data.slot, Outcome.HURT, pain=data.pain
    )
    if result.status is FeedbackStatus.NOT_FOUND or result.session is None:
        await query.answer(text("toast.invalid", lang))
        return
    recorded = result.status is FeedbackStatus.RECORDED
    await query.answer(text("toast.recorded" if recorded else "toast.already", lang))
    # The scale message becomes the answer; the session message shows it too.
    await edit(update, text("answer.hurt", lang, pain=data.pain))
    session = result.session
    if session.message_id is not None and query.message is not None:
        await edit_message(
            context.bot,
            query.message.chat.id,
            session.message_id,
            context.services.renderer.session_html(session),
            session_keyboard(session),
        )
    if result.red_flag:
        await reply(update, text("red_flag", lang))


async def on_session_action(update: Update, context: CoachContext) -> None:
    """Snooze the session for an hour or until the evening, or skip today."""
    query = update.callback_query
    assert query is not None
    user_id, lang = query.from_user.id, query.from_user.language_code
    data = SessionActionData.decode(query.data if isinstance(query.data, str) else None)
    view = None if data is None else await context.coach.session_for(user_id, data.session_id)
    if data is None or view is None:
        await query.answer(text("toast.invalid", lang))
        return
    if data.action is SessionAction.SKIP_TODAY:
        chat_id = query.message.chat.id if query.message else user_id
        if not await context.coach.skip_today(user_id, chat_id, lang, session_id=view.session_id):
            await query.answer(text("toast.invalid", lang))  # another day's session
            return
        await query.answer(text("toast.skipped", lang))
        refreshed = await context.coach.session_for(user_id, data.session_id)
        if refreshed is not None:
            await edit(update, context.services.renderer.session_html(refreshed), None)
        return
    result = await context.coach.snooze(
        user_id, data.session_id, evening=data.action is SessionAction.SNOOZE_EVENING
    )
    if result is None:
        await query.answer(text("toast.invalid", lang))
    elif not result.ok:
        await query.answer(text("toast.too_late_to_snooze", lang))
    else:
        await query.answer(text("toast.snoozed", lang, time=result.at.strftime("%H:%M")))


async def on_morning_check_tapped(update: Update, context: CoachContext) -> None:
    """Record how a painful move feels the next morning."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = MorningCheckData.decode(query.data if isinstance(query.data, str) else None)
    result = (
        None
        if data is None
        else await context.coach.morning_check(
            query.from_user.id, data.session_id, data.pain_before, data.worse_before, data.pain_now
        )
    )
    if result is None:
        await query.answer(text("toast.invalid", lang))
        return
    await query.answer(text("toast.recorded", lang))
    lines = [text("morning.worse" if result.worse else "morning.better", lang)]
    if result.check_again:
        lines.append(text("morning.again", lang))
    await edit(update, "\n".join(lines))
    if result.red_flag:
        await reply(update, text("red_flag", lang))
