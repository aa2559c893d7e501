"""A person blocking or unblocking the bot (my_chat_member updates)."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.telegram.context import CoachContext


async def on_my_chat_member(update: Update, context: CoachContext) -> None:
    """Stop daily sessions when the person blocks the bot; resume when they unblock it."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    was = change.old_chat_member.status
    now = change.new_chat_member.status
    gone = {ChatMember.BANNED, ChatMember.LEFT}
    if now in gone and was not in gone:
        await context.coach.set_reachable(change.from_user.id, reachable=False)
    elif now not in gone and was in gone:
        await context.coach.set_reachable(change.from_user.id, reachable=True)
