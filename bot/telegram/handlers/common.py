"""Small helpers every handler module uses."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

log = logging.getLogger("bot.telegram.handlers")


def who(update: Update) -> tuple[int, int, str | None]:
    """User id, chat id and language: handlers using this are registered for private chats."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None
    assert chat is not None
    return user.id, chat.id, user.language_code


def language(update: Update) -> str | None:
    return update.effective_user.language_code if update.effective_user else None


async def reply(
    update: Update,
    html: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_html(html, reply_markup=markup, do_quote=False)


def is_benign_edit_error(exc: BadRequest) -> bool:
    """Editing to the same content, or a message already gone, changes nothing: not errors."""
    description = exc.message.lower()
    return "not modified" in description or "message to edit not found" in description


async def edit_message(
    bot: Bot,
    chat_id: int,
    message_id: int,
    html: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit any message of ours by id, treating benign refusals as done."""
    try:
        await bot.edit_message_text(
            html, chat_id=chat_id, message_id=message_id, parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )  # fmt: skip
    except BadRequest as exc:
        if not is_benign_edit_error(exc):
            raise
        log.debug("edit skipped: %s", exc.message)


async def edit(update: Update, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message a button belongs to, treating benign refusals as done."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(html, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if not is_benign_edit_error(exc):
            raise
        log.debug("edit skipped: %s", exc.message)
