"""What people type instead of tapping, and everything that is not text."""

from __future__ import annotations

from telegram import Update

from bot.domain.intents import Intent, IntentKind, parse_intent
from bot.domain.state import Outcome
from bot.services.views import FeedbackStatus
from bot.telegram.context import CoachContext
from bot.telegram.handlers.commands import ask_focus, pause, send_extra, set_focus, show_setup
from bot.telegram.handlers.common import language, reply, who
from bot.telegram.handlers.session import show_feedback
from bot.telegram.render import answer_text, schedule_html
from bot.texts import text


async def on_text(update: Update, context: CoachContext) -> None:
    """Understand a typed answer: a set-up answer first, then what the words mean."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    user_id, chat_id, lang = who(update)
    setup = context.services.setup
    current = await setup.current(user_id)
    intent = parse_intent(message.text)
    if current is not None and intent.kind is not IntentKind.RED_FLAG:
        view = await setup.answer(user_id, chat_id, lang, current.step, message.text)
        if not view.not_understood or intent.kind is IntentKind.UNKNOWN:
            await show_setup(update, context, view, answered=current.step)
            return
    await act_on(update, context, intent)


async def act_on(update: Update, context: CoachContext, intent: Intent) -> None:
    user_id, chat_id, lang = who(update)
    coach = context.coach
    outcome = intent.outcome
    if intent.kind is IntentKind.RED_FLAG or outcome is not None:
        result = await coach.answer_in_words(
            user_id,
            chat_id,
            lang,
            outcome or Outcome.HURT,
            pain=intent.pain,
            red_flag=intent.kind is IntentKind.RED_FLAG,
        )
        if result.status is FeedbackStatus.NO_SESSION:
            await reply(update, text("red_flag" if result.red_flag else "answer.no_session", lang))
        elif result.status is FeedbackStatus.ALREADY_ANSWERED and result.session is None:
            await reply(update, text("red_flag" if result.red_flag else "answer.all_done", lang))
        elif result.status is FeedbackStatus.RECORDED and result.session and result.slot:
            answer = result.session.answers[result.slot]
            await reply(
                update, text("answer.recorded_text", lang, answer=answer_text(answer, lang))
            )
            await show_feedback(update, context, result)
        else:
            await reply(update, text("answer.all_done", lang))
        return
    if intent.kind is IntentKind.FOCUS and intent.area is None:
        # "change focus" names no area: ask which, as /focus does; never clear it silently.
        await ask_focus(update, context)
    elif intent.kind is IntentKind.FOCUS:
        await set_focus(update, context, intent.area)
    elif intent.kind is IntentKind.MORE:
        await send_extra(update, context, intent.area)
    elif intent.kind is IntentKind.PAUSE:
        await pause(update, context, intent.days)
    elif intent.kind is IntentKind.RESUME:
        resumed = await coach.resume(user_id, chat_id, lang)
        schedule = schedule_html("schedule.line", resumed.schedule, lang)
        await reply(update, text("resume.done", lang, schedule=schedule))
    elif intent.kind is IntentKind.SKIP:
        await coach.skip_today(user_id, chat_id, lang)
        await reply(update, text("toast.skipped", lang))
    elif intent.kind is IntentKind.GREETING:
        await reply(update, text("greeting", lang))
    elif intent.kind is IntentKind.THANKS:
        await reply(update, text("thanks", lang))
    elif intent.kind is IntentKind.HELP:
        await reply(update, text("help", lang))
    else:
        await reply(update, f"{text('unknown', lang)}\n\n{text('help', lang)}")


async def on_media(update: Update, context: CoachContext) -> None:
    """Stickers, photos, voice notes: kindly say what works instead."""
    await reply(update, text("media", language(update)))


async def on_unknown_command(update: Update, context: CoachContext) -> None:
    """Answer a command we don't have with the list of those we do."""
    lang = language(update)
    await reply(update, f"{text('unknown', lang)}\n\n{text('help', lang)}")


async def on_group_message(update: Update, context: CoachContext) -> None:
    """Point people in groups to a private chat (only when they address the bot)."""
    await reply(update, text("group.private_only", language(update)))


async def on_unknown_button(update: Update, context: CoachContext) -> None:
    """Answer a tap on a button we no longer know, so the person's spinner stops."""
    query = update.callback_query
    if query is not None:
        await query.answer(text("toast.invalid", query.from_user.language_code))
