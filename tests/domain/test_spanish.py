"""The bot speaks Spanish, so it must understand the answers and warning signs in Spanish."""

from __future__ import annotations

import pytest

from bot.domain.intents import IntentKind, parse_intent
from bot.domain.library import Area
from bot.domain.safety import RedFlag, find_red_flags


@pytest.mark.parametrize(
    ("text", "kind", "area", "pain"),
    [
        ("hecho", IntentKind.DONE, None, None),
        ("¡Listo!", IntentKind.DONE, None, None),
        ("muy difícil", IntentKind.TOO_HARD, None, None),
        ("demasiado facil", IntentKind.TOO_EASY, None, None),
        ("me duele 5", IntentKind.HURT, None, 5),
        ("algo para mis rodillas", IntentKind.FOCUS, Area.KNEES, None),
        ("hola", IntentKind.GREETING, None, None),
        ("gracias", IntentKind.THANKS, None, None),
    ],
)
def test_spanish_answers(text: str, kind: IntentKind, area: Area | None, pain: int | None) -> None:
    intent = parse_intent(text)
    assert (intent.kind, intent.area, intent.pain) == (kind, area, pain)


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("dolor agudo en la ingle", (RedFlag.SHARP_PAIN,)),
        ("sentí un chasquido", (RedFlag.POP,)),
        ("tengo un moretón", (RedFlag.BRUISING,)),
        ("está hinchado", (RedFlag.SWELLING,)),
        ("noto la pierna entumecida y hormigueo", (RedFlag.NUMBNESS, RedFlag.TINGLING)),
        ("un bulto en la ingle", (RedFlag.GROIN_LUMP,)),
        ("tengo fiebre y me duele la ingle", (RedFlag.FEVER_WITH_PAIN,)),
        ("sin dolor agudo", ()),
        ("sin hinchazón ni moretones", ()),
    ],
)
def test_spanish_red_flags(text: str, flags: tuple[RedFlag, ...]) -> None:
    assert find_red_flags(text) == flags
    if flags:
        assert parse_intent(text).kind is IntentKind.RED_FLAG
