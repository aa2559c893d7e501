"""English texts. Values are Telegram HTML: anything inserted must be escaped by the caller."""

TEXTS: dict[str, str] = {
    "welcome.new": (
        "Hi! I'm your inner-thigh coach. Once a day I send one stretch and one "
        "strengthening move for the muscles on the inside of your thighs.\n"
        "Tell me how each went and I'll make the next one easier or harder."
    ),
    "welcome.back": "Welcome back! Your coaching carries on where you left it.",
    "welcome.safety": (
        "<i>This is coaching, not medical advice. Work to gentle tension, never pain, and "
        "stop if anything feels sharp.</i>"
    ),
    "schedule.line": "Your daily session comes at <b>{time}</b> ({zone}). Next: {next}.",
    "schedule.hint": (
        "Change it with /time 7:30 and /timezone Europe/Lisbon. Want it now? Send /today."
    ),
    "time.saved": "Done: your session will arrive at <b>{time}</b> ({zone}). Next: {next}.",
    "time.usage": (
        "Tell me a time like <code>/time 7:30</code>, <code>/time 19:45</code> "
        "or <code>/time 7pm</code>."
    ),
    "zone.saved": "Time zone set to <b>{zone}</b>. Next session: {next}.",
    "zone.usage": (
        "Tell me your time zone as Area/City, like <code>/timezone Europe/Lisbon</code> "
        "or <code>/timezone America/New_York</code>."
    ),
    "help": (
        "<b>What I can do</b>\n"
        "/today – today's stretch and strengthening move, now\n"
        "/time 7:30 – when your daily session arrives\n"
        "/timezone Europe/Lisbon – your time zone\n"
        "/help – this list\n\n"
        "Tap the buttons under a session to tell me how each move went."
    ),
    "unknown": "I didn't catch that. Here is what I understand:",
    "group.private_only": (
        "I coach one person at a time: open a private chat with me to get your daily session."
    ),
    "error.generic": "Sorry, something went wrong on my side. Please try again in a moment.",
    "session.title": "<b>Your inner-thigh session</b> · {date}",
    "session.stretch": "Stretch",
    "session.strength": "Strength",
    "session.paused": (
        "Strength moves are paused after what you told me. Please have it checked by a "
        "physiotherapist or doctor before you start them again."
    ),
    "session.footer": "Tap how each move went. Easier is always fine.",
    "answer.done": "✅ Done. Nice work.",
    "answer.too_hard": "😓 Too hard: noted, next time will be gentler.",
    "answer.too_easy": "🙂 Too easy: noted, next time steps up.",
    "answer.hurt": "🤕 It hurt: noted, I'll ease off. Stop if the pain is sharp.",
    "answer.easier": "Try this instead, now or next time:",
    "button.done": "✅ Done",
    "button.too_hard": "😓 Too hard",
    "button.too_easy": "🙂 Too easy",
    "button.hurt": "🤕 It hurt",
    "toast.recorded": "Got it!",
    "toast.already": "Already noted: thanks!",
    "toast.invalid": "That button is no longer valid.",
    "red_flag": (
        "<b>Please pause the strength moves.</b> What you describe is something I can't judge. "
        "Have it checked by a physiotherapist or doctor before you carry on."
    ),
}
