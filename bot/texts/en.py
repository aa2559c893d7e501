"""English texts. Values are Telegram HTML: anything inserted must be escaped by the caller.

Placeholders in braces are filled by the renderer; a translation keeps the same ones.
"""

TEXTS: dict[str, str] = {
    # --- welcome and set-up ---------------------------------------------------------------
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
    "welcome.setup": "A few quick questions so the moves fit you. Every one can be skipped.",
    "setup.time.ask": (
        "<b>1/5 · When should your session arrive?</b>\n"
        "Tap a time, or type one like <code>7:30</code>, <code>19:45</code> or <code>7pm</code>."
    ),
    "setup.zone.ask": (
        "<b>2/5 · Which time zone are you in?</b>\n"
        "Tap a city, share your location with the button below the keyboard, or type a zone "
        "like <code>Europe/Lisbon</code>."
    ),
    "setup.zone.share": "📍 Share my location",
    "setup.zone.from_location": "From your location I picked <b>{zone}</b>.",
    "setup.screen.ask": (
        "<b>3/5 · A few safety questions</b> ({number} of {total})\n{question}\n"
        "<i>Your answers only shape which moves you get.</i>"
    ),
    "setup.equip.ask": (
        "<b>4/5 · What do you have at hand?</b>\n"
        "Tap everything that applies, then Done. No equipment is fine too."
    ),
    "setup.focus.ask": (
        "<b>5/5 · What would you like the moves to help with most?</b>\n"
        "You'll still get a bit of everything; this tips the balance."
    ),
    "setup.done": (
        "All set. {schedule}\nSend /today to get today's session now, or /help to see "
        "everything I can do."
    ),
    "setup.saved": "Saved. {schedule}",
    "settings.menu": "<b>Settings</b>\n{schedule}\nFocus: {focus}\nWhat would you like to change?",
    "settings.time": "⏰ Time",
    "settings.zone": "🌍 Time zone",
    "settings.screen": "🩺 Safety questions",
    "settings.equip": "🧰 Equipment",
    "settings.focus": "🎯 Focus",
    "button.skip": "Skip",
    "button.yes": "Yes",
    "button.no": "No",
    "button.done_setting": "✔ Done",
    "focus.all": "A bit of everything",
    "equip.chair": "Chair",
    "equip.wall": "Wall",
    "equip.pillow": "Pillow or soft ball",
    "equip.band": "Resistance band",
    "equip.bench": "Bench or sofa",
    "equip.partner": "A partner",
    "screen.floor": "Is getting down to the floor and back up hard for you?",
    "screen.hip_posterior": (
        "Have you had a hip replacement from the back (posterior approach) and not yet been "
        "cleared for all movements?"
    ),
    "screen.hip_anterior": (
        "Have you had a hip replacement from the front (anterior approach) and not yet been "
        "cleared for all movements?"
    ),
    "screen.pregnancy": "Are you pregnant, or do you have pelvic girdle pain?",
    "screen.groin_strain": "Have you strained your groin in the last six weeks?",
    "screen.stiff_knee": "Do you have a knee that cannot bend fully?",
    # --- schedule -------------------------------------------------------------------------
    "schedule.line": "Your daily session comes at <b>{time}</b> ({zone}). Next: {next}.",
    "schedule.paused": "Daily sessions are paused. Send /resume to start again.",
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
    # --- dates: short names, Monday first and January first, separated by spaces --------
    "date.weekdays": "Mon Tue Wed Thu Fri Sat Sun",
    "date.months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    # --- the daily session ----------------------------------------------------------------
    "session.title": "<b>Your inner-thigh session</b> · {date}",
    "session.stretch": "Stretch",
    "session.strength": "Strength",
    "session.no_stretch": (
        "<i>No stretch today: with what you told me, inner-thigh stretches are best left "
        "until a professional clears them.</i>"
    ),
    "session.paused": (
        "Strength moves are paused after what you told me. Please have it checked by a "
        "physiotherapist or doctor; send /resume when they say it's fine."
    ),
    "session.rest": (
        "Nothing to do today: strength moves are paused and stretches aren't advised for you "
        "right now. Rest well."
    ),
    "session.footer": "Tap how each move went. Easier is always fine.",
    "session.skipped": "⏸ Skipped today. See you tomorrow.",
    "answer.done": "✅ Done. Nice work.",
    "answer.too_hard": "😓 Too hard: noted, next time will be gentler.",
    "answer.too_easy": "🙂 Too easy: noted, next time steps up.",
    "answer.hurt": "🤕 It hurt ({pain}/10): noted, I'll ease off.",
    "answer.hurt_no_score": "🤕 It hurt: noted, I'll ease off.",
    "answer.easier": "Try this instead, now or next time:",
    "answer.no_session": "You haven't had a session today yet. Send /today to get it.",
    "answer.all_done": "You've already told me about both moves today. Thank you!",
    "answer.recorded_text": "Got it: {answer}",
    "button.done": "✅ Done",
    "button.too_hard": "😓 Too hard",
    "button.too_easy": "🙂 Too easy",
    "button.hurt": "🤕 It hurt",
    "button.snooze_hour": "⏰ In 1 hour",
    "button.snooze_evening": "🌙 This evening",
    "button.skip_today": "⏸ Skip today",
    "pain.ask": "How much did it hurt, from 0 (not at all) to 10 (worst)?",
    "toast.recorded": "Got it!",
    "toast.already": "Already noted: thanks!",
    "toast.invalid": "That button is no longer valid.",
    "toast.snoozed": "I'll send it again at {time}.",
    "toast.too_late_to_snooze": "That would be tomorrow already: see you then!",
    "toast.skipped": "Skipped. Rest well!",
    "red_flag": (
        "<b>Please pause the strength moves.</b> What you describe is something I can't judge "
        "from here. Have it checked by a physiotherapist or doctor before you carry on. "
        "Gentle stretches to tension, never pain, are fine if they feel fine."
    ),
    "morning.ask": (
        "Good morning. Yesterday a move hurt. How does it feel now, from 0 (nothing) to 10?"
    ),
    "morning.better": "Thanks. Good to hear: I'll keep things gentle for now.",
    "morning.worse": "Thanks for telling me. I've made your next sessions lighter.",
    "morning.again": "I'll ask again tomorrow morning.",
    # --- commands -------------------------------------------------------------------------
    "focus.ask": "<b>Which benefit would you like to focus on?</b>",
    "focus.saved": "Focus set to <b>{title}</b>.\n{why}\n<i>{evidence}</i>",
    "focus.cleared": "Focus set to a bit of everything.",
    "focus.usage": "I know four areas: balance, hips, knees and ankles.",
    "evidence.strong": "Evidence: strong.",
    "evidence.indirect": "Evidence: indirect.",
    "evidence.weak": "Evidence: weak.",
    "evidence.not_supported": "Evidence: not supported.",
    "more.intro": "<b>One more, for {area}:</b>",
    "more.none": "I couldn't find an extra move that fits your answers. Try /today.",
    "more.paused": "Strength moves are paused for you; here is a gentle stretch instead.",
    "why.intro": "<b>Why today's moves</b>",
    "why.none": "You have no session yet today. Send /today and ask me again.",
    "why.move": "<b>{name}</b> helps with {areas}.",
    "pause.days": "Paused for {days} day(s): rest days never break your streak. {schedule}",
    "pause.open": "Paused. Send /resume when you want your daily session again.",
    "pause.usage": "Send /pause for a break until /resume, or /pause 3 for three days.",
    "resume.done": "Welcome back! {schedule}",
    "progress.caption": (
        "🔥 Streak: {streak} day(s). Done in the last 7 days: {week}; in 28: {month}."
    ),
    "progress.levels": "Levels: {levels}",
    "progress.empty": "No sessions yet. Send /today to start, and come back for your picture.",
    "export.caption": "All the data I keep about you.",
    "export.empty": "I don't keep any data about you.",
    "forget.ask": (
        "<b>Delete everything about you?</b> Your settings, sessions, answers and progress "
        "will be gone for good, and I'll stop messaging you."
    ),
    "forget.confirm": "🗑 Yes, delete it all",
    "forget.cancel": "Keep my data",
    "forget.done": "Done: everything about you is deleted. Send /start if you ever want to "
    "come back.",
    "forget.cancelled": "Nothing was deleted.",
    "summary.saved": "Your weekly summary moves to that day, in the evening. Next: {next}.",
    "summary.usage": "Tell me a day, like <code>/summary sunday</code>.",
    "weekly.title": "<b>Your week</b>",
    "weekly.body": "Sessions done: {done} of {days}. Streak: {streak} day(s).",
    "weekly.levels_up": "Moved up: {ladders}.",
    "tip.ease_off": (
        "Something hurt this week, so I've eased off. Work to gentle tension, and tell me if "
        "it still hurts next time."
    ),
    "tip.start_small": "A new week: one short session is enough to get going again.",
    "tip.easier_versions": "Some moves felt too hard: the easier versions count just as much.",
    "tip.more_days": "A few more days next week will make the moves feel easier.",
    "tip.keep_going": "A good week. Keep going: steady beats heroic.",
    # --- help and small talk --------------------------------------------------------------
    "help": (
        "<b>What I can do</b>\n"
        "/today – today's stretch and strengthening move, now\n"
        "/more – one extra move (/more balance)\n"
        "/why – why today's moves matter\n"
        "/focus – balance, hips, knees or ankles\n"
        "/time 7:30 – when your daily session arrives\n"
        "/timezone Europe/Lisbon – your time zone\n"
        "/pause, /pause 3, /resume – take a break\n"
        "/progress – your streak and levels, as a picture\n"
        "/summary sunday – the day of your weekly summary\n"
        "/settings – change your answers\n"
        "/export – all your data as a file · /forget – delete it all\n\n"
        "You can also just write: <i>done</i>, <i>too hard</i>, <i>that was easy</i>, "
        "<i>it hurts</i>, <i>something for my knees</i>."
    ),
    "unknown": "I didn't catch that. Here is what I understand:",
    "greeting": "Hello! Send /today for your session, or /help to see what I can do.",
    "thanks": "You're welcome! See you tomorrow.",
    "media": "I can only read text. Tap a button or write <i>done</i> or <i>too hard</i>.",
    "group.private_only": (
        "I coach one person at a time: open a private chat with me to get your daily session."
    ),
    "error.generic": "Sorry, something went wrong on my side. Please try again in a moment.",
    "slow_down": "You're sending messages faster than I can read them. Give me a moment.",
}
