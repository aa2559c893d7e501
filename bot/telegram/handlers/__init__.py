"""Handlers, one module per concern; app.py registers them all in one visible block."""

from bot.telegram.handlers.commands import (
    on_focus,
    on_help,
    on_location,
    on_more,
    on_pause,
    on_resume,
    on_settings,
    on_setup_tapped,
    on_start,
    on_summary,
    on_time,
    on_timezone,
    on_why,
)
from bot.telegram.handlers.data import (
    on_export,
    on_forget,
    on_forget_tapped,
    on_progress,
)
from bot.telegram.handlers.errors import on_error
from bot.telegram.handlers.membership import on_my_chat_member
from bot.telegram.handlers.session import (
    on_feedback_tapped,
    on_morning_check_tapped,
    on_pain_tapped,
    on_session_action,
    on_today,
)
from bot.telegram.handlers.text import (
    on_group_message,
    on_media,
    on_text,
    on_unknown_button,
    on_unknown_command,
)

__all__ = [
    "on_error",
    "on_export",
    "on_feedback_tapped",
    "on_focus",
    "on_forget",
    "on_forget_tapped",
    "on_group_message",
    "on_help",
    "on_location",
    "on_media",
    "on_more",
    "on_morning_check_tapped",
    "on_my_chat_member",
    "on_pain_tapped",
    "on_pause",
    "on_progress",
    "on_resume",
    "on_session_action",
    "on_settings",
    "on_setup_tapped",
    "on_start",
    "on_summary",
    "on_text",
    "on_time",
    "on_timezone",
    "on_today",
    "on_unknown_button",
    "on_unknown_command",
    "on_why",
]
