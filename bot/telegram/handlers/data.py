"""The person's own data: their progress picture, an export, and forgetting them."""

from __future__ import annotations

from html import escape

from telegram import InputFile, Update

from bot.services.progress import ExportFormat
from bot.telegram.callback_data import ForgetChoice, ForgetData
from bot.telegram.context import CoachContext
from bot.telegram.handlers.common import edit, reply, who
from bot.telegram.keyboards import forget_keyboard
from bot.texts import text


async def on_progress(update: Update, context: CoachContext) -> None:
    """Send the progress picture with a two-line summary."""
    user_id, chat_id, lang = who(update)
    await context.coach.start(user_id, chat_id, lang)
    view = await context.services.progress.progress(user_id)
    message = update.effective_message
    if view is None or message is None or (view.done_last_28 == 0 and not view.levels):
        await reply(update, text("progress.empty", lang))
        return
    levels = ", ".join(
        f"{escape(level.name)} {level.level}/{level.top_level}" for level in view.levels
    )
    caption = text(
        "progress.caption",
        lang,
        streak=view.streak.days,
        week=view.done_last_7,
        month=view.done_last_28,
    )
    if levels:
        caption += "\n" + text("progress.levels", lang, levels=levels)
    await message.reply_photo(
        InputFile(view.png, filename="progress.png"),
        caption=caption[:1024],
        parse_mode="HTML",
        do_quote=False,
    )


async def on_export(update: Update, context: CoachContext) -> None:
    """Send all the person's data as a file: JSON (complete) or CSV ("/export csv")."""
    user_id, _, lang = who(update)
    fmt = (
        ExportFormat.CSV if "csv" in [a.lower() for a in context.args or []] else ExportFormat.JSON
    )
    export = await context.services.progress.export(user_id, fmt)
    message = update.effective_message
    if export is None or message is None:
        await reply(update, text("export.empty", lang))
        return
    await message.reply_document(
        InputFile(export.content, filename=export.filename),
        caption=text("export.caption", lang),
        do_quote=False,
    )


async def on_forget(update: Update, context: CoachContext) -> None:
    """Ask before deleting everything about the person."""
    _, _, lang = who(update)
    await reply(update, text("forget.ask", lang), forget_keyboard(lang))


async def on_forget_tapped(update: Update, context: CoachContext) -> None:
    """Delete everything about the person, or keep it, as they chose."""
    query = update.callback_query
    assert query is not None
    lang = query.from_user.language_code
    data = ForgetData.decode(query.data if isinstance(query.data, str) else None)
    if data is None:
        await query.answer(text("toast.invalid", lang))
        return
    await query.answer()
    if data.choice is ForgetChoice.CANCEL:
        await edit(update, text("forget.cancelled", lang))
        return
    await context.services.progress.forget(query.from_user.id)
    await edit(update, text("forget.done", lang))
