"""The dispatcher's Sender on top of PTB: maps Telegram's errors to delivery outcomes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.services.delivery import RecipientGone, RetryLater, Undeliverable
from bot.services.views import SessionView
from bot.telegram.keyboards import session_keyboard_json
from bot.telegram.render import SessionRenderer


@asynccontextmanager
async def delivery_errors() -> AsyncIterator[None]:
    """Turn PTB's errors into the delivery outcomes the services act on."""
    try:
        yield
    except Forbidden as exc:
        raise RecipientGone(exc.message) from None
    except RetryAfter as exc:
        raise RetryLater("flood control", retry_after=retry_seconds(exc)) from None
    except BadRequest as exc:
        raise Undeliverable(exc.message) from None
    except (TimedOut, NetworkError) as exc:
        # NetworkError also covers Telegram's 5xx answers.
        raise RetryLater(exc.message) from None


class TelegramSender:
    def __init__(self, bot: Bot, renderer: SessionRenderer) -> None:
        self._bot = bot
        self._renderer = renderer

    async def send_session(self, view: SessionView) -> int:
        # The keyboard goes as the Bot API's JSON (PTB passes `api_kwargs` through as given):
        # the same bytes as an InlineKeyboardMarkup, without building and serialising eleven
        # PTB objects per reminder.
        keyboard = session_keyboard_json(view)
        async with delivery_errors():
            message = await self._bot.send_message(
                chat_id=view.chat_id,
                text=self._renderer.session_html(view),
                parse_mode=ParseMode.HTML,
                api_kwargs=None if keyboard is None else {"reply_markup": keyboard},
            )
        return message.message_id


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait, whether PTB hands out an int or (with PTB_TIMEDELTA) a timedelta."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
