"""Spanish texts (neutral Spanish, informal "tú"). Same keys, placeholders and tags as en.py.

Commands stay in English because Telegram commands are fixed. Free text, /focus and /more
arguments are only understood in English for now, so examples of those stay in English too.
"""

TEXTS: dict[str, str] = {
    # --- welcome and set-up ---------------------------------------------------------------
    "welcome.new": (
        "¡Hola! Soy tu coach para la cara interna de los muslos. Una vez al día te envío un "
        "estiramiento y un ejercicio de fuerza para los músculos del interior de los muslos.\n"
        "Cuéntame cómo te fue con cada uno y haré el siguiente más fácil o más difícil."
    ),
    "welcome.back": "¡Hola de nuevo! Tu entrenamiento sigue donde lo dejaste.",
    "welcome.safety": (
        "<i>Esto es entrenamiento, no consejo médico. Trabaja hasta notar una tensión suave, "
        "nunca dolor, y detente si sientes algo agudo o punzante.</i>"
    ),
    "welcome.setup": (
        "Unas preguntas rápidas para que los ejercicios se adapten a ti. Puedes saltarte "
        "cualquiera."
    ),
    "setup.time.ask": (
        "<b>1/5 · ¿A qué hora quieres recibir tu sesión?</b>\n"
        "Toca una hora o escribe una como <code>7:30</code>, <code>19:45</code> o "
        "<code>7pm</code>."
    ),
    "setup.zone.ask": (
        "<b>2/5 · ¿En qué zona horaria estás?</b>\n"
        "Toca una ciudad, comparte tu ubicación con el botón de debajo del teclado o escribe "
        "una zona como <code>Europe/Lisbon</code>."
    ),
    "setup.zone.share": "📍 Compartir mi ubicación",
    "setup.zone.from_location": "Según tu ubicación, tu zona horaria es <b>{zone}</b>.",
    "setup.screen.ask": (
        "<b>3/5 · Unas preguntas de seguridad</b> ({number} de {total})\n{question}\n"
        "<i>Tus respuestas solo sirven para elegir tus ejercicios.</i>"
    ),
    "setup.equip.ask": (
        "<b>4/5 · ¿Qué tienes a mano?</b>\n"
        "Toca todo lo que tengas y luego Listo. Sin material también está bien."
    ),
    "setup.focus.ask": (
        "<b>5/5 · ¿En qué te gustaría que más te ayudaran los ejercicios?</b>\n"
        "Seguirás recibiendo un poco de todo; esto solo inclina la balanza."
    ),
    "setup.done": (
        "Todo listo. {schedule}\nEnvía /today para recibir ya la sesión de hoy, o /help para "
        "ver todo lo que puedo hacer."
    ),
    "setup.saved": "Guardado. {schedule}",
    "settings.menu": "<b>Ajustes</b>\n{schedule}\nEnfoque: {focus}\n¿Qué quieres cambiar?",
    "settings.time": "⏰ Hora",
    "settings.zone": "🌍 Zona horaria",
    "settings.screen": "🩺 Preguntas de seguridad",
    "settings.equip": "🧰 Material",
    "settings.focus": "🎯 Enfoque",
    "button.skip": "Saltar",
    "button.yes": "Sí",
    "button.no": "No",
    "button.done_setting": "✔ Listo",
    "focus.all": "Un poco de todo",
    "equip.chair": "Silla",
    "equip.wall": "Pared",
    "equip.pillow": "Cojín o pelota blanda",
    "equip.band": "Banda elástica",
    "equip.bench": "Banco o sofá",
    "equip.partner": "Otra persona",
    "screen.floor": "¿Te cuesta bajar al suelo y volver a levantarte?",
    "screen.hip_posterior": (
        "¿Te han puesto una prótesis de cadera por detrás (abordaje posterior) y todavía no te "
        "han autorizado todos los movimientos?"
    ),
    "screen.hip_anterior": (
        "¿Te han puesto una prótesis de cadera por delante (abordaje anterior) y todavía no te "
        "han autorizado todos los movimientos?"
    ),
    "screen.pregnancy": "¿Estás embarazada o tienes dolor de cintura pélvica?",
    "screen.groin_strain": "¿Has tenido una distensión en la ingle en las últimas seis semanas?",
    "screen.stiff_knee": "¿Tienes una rodilla que no se dobla del todo?",
    # --- schedule -------------------------------------------------------------------------
    "schedule.line": "Tu sesión diaria llega a las <b>{time}</b> ({zone}). Próxima: {next}.",
    "schedule.paused": "Las sesiones diarias están en pausa. Envía /resume para retomarlas.",
    "schedule.hint": (
        "Cámbiala con /time 7:30 y /timezone Europe/Lisbon. ¿La quieres ya? Envía /today."
    ),
    "time.saved": "Hecho: tu sesión llegará a las <b>{time}</b> ({zone}). Próxima: {next}.",
    "time.usage": (
        "Dime una hora como <code>/time 7:30</code>, <code>/time 19:45</code> "
        "o <code>/time 7pm</code>."
    ),
    "zone.saved": "Zona horaria: <b>{zone}</b>. Próxima sesión: {next}.",
    "zone.usage": (
        "Dime tu zona horaria como Región/Ciudad, por ejemplo "
        "<code>/timezone Europe/Lisbon</code> o <code>/timezone America/New_York</code>."
    ),
    # --- dates: short names, Monday first and January first, separated by spaces --------
    "date.weekdays": "lun mar mié jue vie sáb dom",
    "date.months": "ene feb mar abr may jun jul ago sep oct nov dic",
    # --- the daily session ----------------------------------------------------------------
    "session.title": "<b>Tu sesión para la cara interna del muslo</b> · {date}",
    "session.stretch": "Estiramiento",
    "session.strength": "Fuerza",
    "session.no_stretch": (
        "<i>Hoy no hay estiramiento: con lo que me contaste, es mejor dejar los estiramientos "
        "de la cara interna del muslo hasta que un profesional te dé el visto bueno.</i>"
    ),
    "session.paused": (
        "Los ejercicios de fuerza están en pausa por lo que me contaste. Por favor, pide que "
        "te lo revise un fisioterapeuta o un médico; envía /resume cuando te digan que está bien."
    ),
    "session.rest": (
        "Hoy no hay nada que hacer: los ejercicios de fuerza están en pausa y ahora mismo no "
        "se te recomiendan estiramientos. Descansa bien."
    ),
    "session.footer": "Toca cómo te fue cada ejercicio. Ir más suave siempre está bien.",
    "session.skipped": "⏸ Sesión de hoy saltada. Nos vemos mañana.",
    "answer.done": "✅ Hecho. ¡Buen trabajo!",
    "answer.too_hard": "😓 Muy difícil: anotado, la próxima vez será más suave.",
    "answer.too_easy": "🙂 Muy fácil: anotado, la próxima vez subimos un poco.",
    "answer.hurt": "🤕 Te dolió ({pain}/10): anotado, bajaré la intensidad.",
    "answer.hurt_no_score": "🤕 Te dolió: anotado, bajaré la intensidad.",
    "answer.easier": "Prueba esto en su lugar, ahora o la próxima vez:",
    "answer.no_session": "Todavía no has recibido la sesión de hoy. Envía /today para recibirla.",
    "answer.all_done": "Ya me contaste cómo te fue con los dos ejercicios de hoy. ¡Gracias!",
    "answer.recorded_text": "Entendido: {answer}",
    "button.done": "✅ Hecho",
    "button.too_hard": "😓 Muy difícil",
    "button.too_easy": "🙂 Muy fácil",
    "button.hurt": "🤕 Me dolió",
    "button.snooze_hour": "⏰ En 1 hora",
    "button.snooze_evening": "🌙 Esta noche",
    "button.skip_today": "⏸ Saltar hoy",
    "pain.ask": "¿Cuánto te dolió, de 0 (nada) a 10 (lo peor)?",
    "toast.recorded": "¡Anotado!",
    "toast.already": "Ya lo tenía anotado: ¡gracias!",
    "toast.invalid": "Ese botón ya no es válido.",
    "toast.snoozed": "Te la vuelvo a enviar a las {time}.",
    "toast.too_late_to_snooze": "Eso ya sería mañana: ¡nos vemos entonces!",
    "toast.skipped": "Sesión saltada. ¡Descansa bien!",
    "red_flag": (
        "<b>Por favor, pausa los ejercicios de fuerza.</b> Lo que describes es algo que no "
        "puedo valorar desde aquí. Pide que te lo revise un fisioterapeuta o un médico antes "
        "de continuar. Los estiramientos suaves, hasta notar tensión y nunca dolor, están bien "
        "si te sientan bien."
    ),
    "morning.ask": (
        "Buenos días. Ayer un ejercicio te dolió. ¿Cómo lo notas ahora, de 0 (nada) a 10?"
    ),
    "morning.better": "Gracias. Me alegra saberlo: por ahora seguiré con ejercicios suaves.",
    "morning.worse": "Gracias por contármelo. He aligerado tus próximas sesiones.",
    "morning.again": "Te vuelvo a preguntar mañana por la mañana.",
    # --- commands -------------------------------------------------------------------------
    "focus.ask": "<b>¿En qué beneficio quieres centrarte?</b>",
    "focus.saved": "Enfoque: <b>{title}</b>.\n{why}\n<i>{evidence}</i>",
    "focus.cleared": "Enfoque: un poco de todo.",
    "focus.usage": ("Conozco cuatro áreas: equilibrio, caderas, rodillas y tobillos."),
    "evidence.strong": "Evidencia: sólida.",
    "evidence.indirect": "Evidencia: indirecta.",
    "evidence.weak": "Evidencia: débil.",
    "evidence.not_supported": "Evidencia: sin respaldo.",
    "more.intro": "<b>Un ejercicio más, para {area}:</b>",
    "more.none": "No encontré un ejercicio extra que encaje con tus respuestas. Prueba /today.",
    "more.paused": (
        "Tus ejercicios de fuerza están en pausa; aquí tienes un estiramiento suave en su lugar."
    ),
    "why.intro": "<b>Por qué estos ejercicios hoy</b>",
    "why.none": "Todavía no tienes sesión hoy. Envía /today y vuelve a preguntarme.",
    "why.move": "<b>{name}</b> ayuda con: {areas}.",
    "pause.days": (
        "En pausa {days} día(s): los días de descanso nunca rompen tu racha. {schedule}"
    ),
    "pause.open": "En pausa. Envía /resume cuando quieras volver a recibir tu sesión diaria.",
    "pause.usage": (
        "Envía /pause para descansar hasta que envíes /resume, o /pause 3 para tres días."
    ),
    "resume.done": "¡Hola de nuevo! {schedule}",
    "progress.caption": (
        "🔥 Racha: {streak} día(s). Hechas en los últimos 7 días: {week}; en 28: {month}."
    ),
    "progress.levels": "Niveles: {levels}",
    "progress.empty": (
        "Aún no hay sesiones. Envía /today para empezar y vuelve luego por tu imagen."
    ),
    "export.caption": "Todos los datos que guardo sobre ti.",
    "export.empty": "No guardo ningún dato sobre ti.",
    "forget.ask": (
        "<b>¿Borrar todo lo tuyo?</b> Tus ajustes, sesiones, respuestas y progreso "
        "desaparecerán para siempre, y dejaré de escribirte."
    ),
    "forget.confirm": "🗑 Sí, borrarlo todo",
    "forget.cancel": "Conservar mis datos",
    "forget.done": "Hecho: todo lo tuyo está borrado. Envía /start si algún día quieres volver.",
    "forget.cancelled": "No se borró nada.",
    "summary.saved": "Tu resumen semanal pasa a ese día, por la tarde. Próximo: {next}.",
    "summary.usage": "Dime un día, por ejemplo <code>/summary domingo</code>.",
    "weekly.title": "<b>Tu semana</b>",
    "weekly.body": "Sesiones hechas: {done} de {days}. Racha: {streak} día(s).",
    "weekly.levels_up": "Subiste de nivel en: {ladders}.",
    "tip.ease_off": (
        "Esta semana algo te dolió, así que he bajado la intensidad. Trabaja hasta notar una "
        "tensión suave y dime si la próxima vez todavía te duele."
    ),
    "tip.start_small": "Semana nueva: con una sesión corta basta para volver a arrancar.",
    "tip.easier_versions": (
        "Algunos ejercicios te resultaron muy difíciles: las versiones más fáciles cuentan igual."
    ),
    "tip.more_days": (
        "Unos días más la próxima semana harán que los ejercicios te resulten más fáciles."
    ),
    "tip.keep_going": "Buena semana. Sigue así: más vale constancia que heroicidades.",
    # --- help and small talk --------------------------------------------------------------
    "help": (
        "<b>Lo que puedo hacer</b>\n"
        "/today – el estiramiento y el ejercicio de fuerza de hoy, ahora\n"
        "/more – un ejercicio extra (/more balance)\n"
        "/why – por qué importan los ejercicios de hoy\n"
        "/focus – equilibrio, caderas, rodillas o tobillos\n"
        "/time 7:30 – a qué hora llega tu sesión diaria\n"
        "/timezone Europe/Lisbon – tu zona horaria\n"
        "/pause, /pause 3, /resume – tomarte un descanso\n"
        "/progress – tu racha y tus niveles, en una imagen\n"
        "/summary domingo – el día de tu resumen semanal\n"
        "/settings – cambiar tus respuestas\n"
        "/export – todos tus datos en un archivo · /forget – borrarlo todo\n\n"
        "También puedes escribirme: <i>hecho</i>, <i>muy difícil</i>, <i>muy fácil</i>, "
        "<i>me duele</i>, <i>algo para mis rodillas</i>."
    ),
    "unknown": "No te entendí. Esto es lo que entiendo:",
    "greeting": "¡Hola! Envía /today para recibir tu sesión, o /help para ver lo que puedo hacer.",
    "thanks": "¡De nada! Nos vemos mañana.",
    "media": ("Solo puedo leer texto. Toca un botón o escribe <i>hecho</i> o <i>muy difícil</i>."),
    "group.private_only": (
        "Entreno a una sola persona a la vez: abre un chat privado conmigo para recibir tu "
        "sesión diaria."
    ),
    "error.generic": "Perdona, algo falló por mi parte. Vuelve a intentarlo en un momento.",
    "slow_down": "Me envías mensajes más rápido de lo que puedo leerlos. Dame un momento.",
}
