"""The last line of defence: log without texts or secrets, and answer kindly."""

from __future__ import annotations

import logging

from telegram import Update

from bot.telegram.context import CoachContext
from bot.texts import text

log = logging.getLogger("bot.telegram.errors")


async def on_error(update: object, context: CoachContext) -> None:
    """Log the failure with ids only, and tell the person to try again."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    lang = update.effective_user.language_code if update.effective_user else None
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text("error.generic", lang)[:200])
        elif (
            update.effective_message is not None
            and update.effective_chat is not None
            and update.effective_chat.type == "private"
        ):
            await update.effective_message.reply_text(text("error.generic", lang))
    except Exception:  # the reply is a courtesy; the failure is already logged
        log.warning("could not send the error reply for update %s", update_id)
