"""Plain and Telegram-HTML text for one move; stdlib only.

Telegram's HTML parse mode needs `<`, `>` and `&` escaped in text; the only tags emitted here
are `b` and `i`, so the output is safe to send as is and easy to strip for length checks.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from bot.domain.library import Dose, Move

TELEGRAM_TEXT_LIMIT = 4096
# A day's message is a header plus two move blocks; capping each block well below half of
# Telegram's limit leaves room for the header, the reason line and an evidence note.
MOVE_BLOCK_LIMIT = 1000

_TAG = re.compile(r"</?[a-z]+>")


def format_dose(dose: Dose) -> str:
    """Say a dose plainly, e.g. "2 × 8 reps per side" or "hold 30 s × 2"."""
    if (dose.hold_seconds is None) == (dose.reps is None):
        raise ValueError(f"a dose needs exactly one of hold_seconds or reps: {dose!r}")
    if dose.hold_seconds is not None:
        text = f"hold {dose.hold_seconds} s"
        if dose.sets > 1:
            text += f" × {dose.sets}"
    else:
        reps = f"{dose.reps} rep" if dose.reps == 1 else f"{dose.reps} reps"
        text = f"{dose.sets} × {reps}" if dose.sets > 1 else reps
    return f"{text} per side" if dose.per_side else text


@lru_cache(maxsize=1024)
def render_move(move: Move, dose: Dose) -> str:
    """Render one move as a compact Telegram-HTML block.

    Remembered: moves and doses are frozen and few, and every daily message renders two.
    """
    esc = _escape
    lines = [f"<b>{esc(move.name)}</b> — {esc(format_dose(dose))}"]
    lines += [f"• {esc(cue)}" for cue in move.cues]
    lines.append(f"<i>Common mistake:</i> {esc(move.mistake)} → <i>Fix:</i> {esc(move.fix)}")
    if move.safety_note:
        lines.append(f"<i>{esc(move.safety_note)}</i>")
    return "\n".join(lines)


def visible_text(telegram_html: str) -> str:
    """What the person sees: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", telegram_html))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it, in UTF-16 code units (an emoji can count as two)."""
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    # Quotes need no escaping outside attributes, and leaving them keeps the text short.
    return html.escape(text, quote=False)
