"""The safety screen, the pain limits and red-flag words.

The bot never diagnoses: this module only decides which moves a person's screen rules out and
spots the words after which a person should stop and have the problem checked
(shared/EVIDENCE.md, "Safety screen and stop rules").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.library import Contraindication, Equipment, Library, Move
from bot.domain.state import Profile

# Pain on a 0-10 scale. Silbernagel pain-monitoring model as EVIDENCE.md summarises it
# ("0-3 of 10 fine, 4-5 acceptable, above 5 not"), and Harøy et al. 2019, BJSM 53(3):150-7
# ("pain above 3 of 10 ... means the easier variant").
PAIN_FINE_MAX = 3
"""At or below: a clean session. Above: step down a level and ask the next morning."""
PAIN_ACCEPTABLE_MAX = 5
"""Above: a red flag (EVIDENCE.md stop rules: "pain above 5 of 10"). Pause strength work."""
PAIN_SCALE_MAX = 10


class RedFlag(StrEnum):
    """A sign after which the bot pauses strength work and advises a professional check."""

    SHARP_PAIN = "sharp_pain"
    POP = "pop"
    BRUISING = "bruising"
    SWELLING = "swelling"
    NUMBNESS = "numbness"
    TINGLING = "tingling"
    GROIN_LUMP = "groin_lump"
    FEVER_WITH_PAIN = "fever_with_pain"
    PAIN_ABOVE_LIMIT = "pain_above_limit"
    WORSE_TWO_MORNINGS = "worse_two_mornings"


@dataclass(frozen=True, slots=True)
class ScreenQuestion:
    """One yes/no question of the onboarding screen; "yes" adds `sets` to the profile."""

    id: str
    sets: Contraindication
    text_key: str  # the catalogue key the lead will move the texts to
    default_text: str


# Asked once, gently, at onboarding and changeable later (EVIDENCE.md "Safety screen").
# The floor question comes first because it is the most common and the least personal.
SCREEN_QUESTIONS: tuple[ScreenQuestion, ...] = (
    ScreenQuestion(
        id="floor",
        sets=Contraindication.NO_FLOOR,
        text_key="screen.floor",
        default_text="Is getting down to the floor and back up hard for you?",
    ),
    ScreenQuestion(
        id="hip_posterior",
        sets=Contraindication.HIP_REPLACEMENT_POSTERIOR,
        text_key="screen.hip_posterior",
        default_text=(
            "Have you had a hip replacement from the back (posterior approach) "
            "and not been cleared for all movements?"
        ),
    ),
    ScreenQuestion(
        id="hip_anterior",
        sets=Contraindication.HIP_REPLACEMENT_ANTERIOR,
        text_key="screen.hip_anterior",
        default_text=(
            "Have you had a hip replacement from the front (anterior approach) "
            "and not been cleared for all movements?"
        ),
    ),
    ScreenQuestion(
        id="pregnancy",
        sets=Contraindication.PREGNANCY,
        text_key="screen.pregnancy",
        default_text="Are you pregnant, or do you have pelvic girdle pain?",
    ),
    ScreenQuestion(
        id="groin_strain",
        sets=Contraindication.RECENT_GROIN_STRAIN,
        text_key="screen.groin_strain",
        default_text="Have you strained your groin in the last six weeks?",
    ),
    ScreenQuestion(
        id="stiff_knee",
        sets=Contraindication.STIFF_KNEE,
        text_key="screen.stiff_knee",
        default_text="Do you have a knee that cannot bend fully?",
    ),
)


def is_safe(move: Move, contraindications: frozenset[Contraindication]) -> bool:
    """Whether the safety screen allows this move."""
    if not move.contraindications.isdisjoint(contraindications):
        return False
    # The screen's floor answer rules out every floor or kneeling move, whether or not the
    # content author remembered to list NO_FLOOR on it.
    return not (Contraindication.NO_FLOOR in contraindications and move.needs_floor)


def has_equipment(move: Move, equipment: frozenset[Equipment]) -> bool:
    """Whether the person has everything the move needs (no equipment is always at hand)."""
    return move.equipment <= equipment or move.equipment <= (equipment | {Equipment.NONE})


def allowed(move: Move, profile: Profile) -> bool:
    """Whether the move may be planned for this person: safe for them and doable at home."""
    return is_safe(move, profile.contraindications) and has_equipment(move, profile.equipment)


# Distinct (screen, equipment) pairs remembered per library; people share a handful of them.
ALLOWED_MEMO_SIZE = 1024


def allowed_ids(library: Library, profile: Profile) -> frozenset[str]:
    """The ids of every move in `library` that is `allowed` for this profile.

    It depends only on the profile's screen and equipment, which few combinations cover, so
    it is remembered per library: the planner asks on every plan, for each move it weighs.
    """
    key = (profile.contraindications, profile.equipment)
    memo = library.allowed_memo
    found = memo.get(key)
    if found is None:
        if len(memo) >= ALLOWED_MEMO_SIZE:
            memo.clear()
        found = frozenset(m.id for m in filter_moves(library.moves.values(), profile))
        memo[key] = found
    return found


def filter_moves(moves: Iterable[Move], profile: Profile) -> tuple[Move, ...]:
    """The moves `allowed` for this person, in their original order."""
    return tuple(m for m in moves if allowed(m, profile))


# --- Reading what people write --------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[,.;:!?\n()\[\]]+|\b(?:but|however|though|although|except|yet)\b")
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
# Emoji modifiers and variation selectors would otherwise split "✔️" into two tokens.
_EMOJI_NOISE = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff]")

NEGATORS: frozenset[str] = frozenset(
    {
        "no",
        "not",
        "never",
        "nothing",
        "without",
        "nor",
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "havent",
        "hasnt",
        "hadnt",
        "cant",
        "cannot",
        "couldnt",
        "wont",
        "wouldnt",
        "zero",
        "sin",
        "ni",
        "nunca",
        "tampoco",
    }
)
# "not sure if it's swollen" or "no idea why it's numb" hedge rather than deny.
_HEDGES: frozenset[str] = frozenset({"sure", "certain", "idea", "clue", "know"})


def clauses(text: str) -> list[list[str]]:
    """Lower-cased word tokens, split into clauses at punctuation and at "but"-like words.

    Apostrophes vanish ("didn't" -> "didnt") so contractions are one token.
    """
    lowered = _EMOJI_NOISE.sub("", text.casefold())
    lowered = re.sub(r"(?<=\w)['’‘`](?=\w)", "", lowered)
    lowered = lowered.replace("-", " ").replace("_", " ")
    # Keep "7/10" together by splitting around the slash only after clause splitting.
    result: list[list[str]] = []
    for part in _CLAUSE_BREAK.split(lowered):
        tokens = _TOKEN.findall(part)
        if tokens:
            result.append(tokens)
    return result


def is_negated(tokens: Sequence[str], start: int, *, window: int) -> bool:
    """Whether a negator stands within `window` tokens before `start` in the same clause."""
    for j in range(max(0, start - window), start):
        if tokens[j] in NEGATORS:
            following = tokens[j + 1] if j + 1 < len(tokens) else ""
            if following not in _HEDGES:
                return True
    return False


# --- Pain scores ----------------------------------------------------------------------------

PAIN_WORDS: frozenset[str] = frozenset(
    {
        "pain",
        "painful",
        "hurt",
        "hurts",
        "hurting",
        "hurted",
        "ouch",
        "ow",
        "sore",
        "ache",
        "aches",
        "aching",
        "achy",
        "twinge",
        "dolor",
        "duele",
        "dolió",
        "dolio",
        "molestia",
    }
)
_NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
# A number followed by one of these counts something else ("hurt for 2 days", "10 reps").
_UNITS: frozenset[str] = frozenset(
    {
        "day",
        "days",
        "week",
        "weeks",
        "rep",
        "reps",
        "set",
        "sets",
        "s",
        "sec",
        "secs",
        "second",
        "seconds",
        "min",
        "mins",
        "minute",
        "minutes",
        "times",
        "x",
        "hour",
        "hours",
        "am",
        "pm",
        "kg",
        "lb",
        "lbs",
        "side",
        "sides",
    }
)
_ABOVE = frozenset({"above", "over", ">"})


def _number(token: str) -> int | None:
    if token.isascii() and token.isdigit():  # "¹" or "½" are digits to str.isdigit
        return int(token)
    return _NUMBER_WORDS.get(token)


def find_pain(text: str) -> int | None:
    """The pain score (0-10) the text gives, if any: "pain 7/10", "hurt 6", "about four".

    A bare number counts only next to a pain word or written as "N/10" or "N out of 10",
    so "pause for 3 days" has no pain score. "above 5" reads as 6: more than the limit.
    """
    tokens = [t for clause in clauses(text) for t in clause]
    candidates: list[tuple[bool, int]] = []  # (explicit "/10", score)
    for i, token in enumerate(tokens):
        value = _number(token)
        if value is None:
            continue
        after = tokens[i + 1 : i + 4]
        before = tokens[max(0, i - 2) : i]
        if before[-1:] == ["/"]:
            continue  # the "10" of "7/10"
        explicit = after[:2] == ["/", "10"] or after[:3] == ["out", "of", "10"]
        if not explicit and (after[:1] and after[0] in _UNITS):
            continue
        if value > PAIN_SCALE_MAX:
            continue
        if (before[-1:] and before[-1] in _ABOVE) or before == ["more", "than"]:
            value = min(value + 1, PAIN_SCALE_MAX)
        candidates.append((explicit, value))
    if not candidates:
        return None
    explicit_scores = [v for e, v in candidates if e]
    if explicit_scores:
        return explicit_scores[0]
    if PAIN_WORDS.intersection(tokens) or "level" in tokens:
        return candidates[0][1]
    return None


# --- Red flags ------------------------------------------------------------------------------

# Each phrase is matched on whole tokens. A few common misspellings are listed explicitly
# rather than matched fuzzily: "smelling" must never read as "swelling".
_FLAG_PHRASES: tuple[tuple[RedFlag, tuple[str, ...]], ...] = (
    *((RedFlag.SHARP_PAIN, (w,)) for w in ("sharp", "stabbing", "stab", "stabbed", "shooting")),
    *(
        (RedFlag.POP, (w,))
        for w in ("pop", "pops", "popped", "popping", "snap", "snapped", "snapping")
    ),
    *(
        (RedFlag.BRUISING, (w,))
        for w in ("bruise", "bruises", "bruised", "bruising", "brusing", "bruse")
    ),
    *(
        (RedFlag.SWELLING, (w,))
        for w in ("swelling", "swollen", "swelled", "swolen", "sweling", "puffy")
    ),
    *((RedFlag.NUMBNESS, (w,)) for w in ("numb", "numbness", "numbnes", "numbed")),
    *((RedFlag.TINGLING, (w,)) for w in ("tingling", "tingle", "tingles", "tingly", "tingeling")),
    (RedFlag.TINGLING, ("pins", "and", "needles")),
    (RedFlag.TINGLING, ("pins", "needles")),
    *((RedFlag.GROIN_LUMP, (w,)) for w in ("lump", "lumps", "bulge", "bulging")),
    # Spanish, because the bot speaks it: a warning sign must never depend on the language.
    *((RedFlag.SHARP_PAIN, (w,)) for w in ("agudo", "aguda", "punzante", "pinchazo")),
    *((RedFlag.POP, (w,)) for w in ("chasquido", "crujido", "chasqueo")),
    *(
        (RedFlag.BRUISING, (w,))
        for w in ("moretón", "moreton", "moretones", "hematoma", "cardenal")
    ),
    *(
        (RedFlag.SWELLING, (w,))
        for w in ("hinchazón", "hinchazon", "hinchado", "hinchada", "inflamado", "inflamada")
    ),
    *(
        (RedFlag.NUMBNESS, (w,))
        for w in ("entumecido", "entumecida", "entumecimiento", "adormecido", "adormecida")
    ),
    *((RedFlag.TINGLING, (w,)) for w in ("hormigueo", "cosquilleo")),
    *((RedFlag.GROIN_LUMP, (w,)) for w in ("bulto", "bultos")),
)
_FEVER_WORDS = frozenset({"fever", "feverish", "febrile", "temperature", "fiebre", "calentura"})
_REPEAT_WORDS = frozenset({"two", "2", "both", "second", "again", "consecutive", "row", "running"})
_MORNING_WORDS = frozenset({"morning", "mornings", "day", "days"})
# Red-flag words may sit a little further from their negator: "no sharp pain or swelling".
_FLAG_NEGATION_WINDOW = 4


def find_red_flags(text: str) -> tuple[RedFlag, ...]:
    """Every red flag the text mentions and does not deny, in RedFlag order.

    Simple negation within a few words before the flag word in the same clause cancels it:
    "no sharp pain" is not a flag, "no pain, but it's swollen" is. A hedge ("not sure if
    it's swollen") is not a denial.
    """
    found: set[RedFlag] = set()
    all_tokens: list[str] = []
    for tokens in clauses(text):
        all_tokens.extend(tokens)
        for i in range(len(tokens)):
            for flag, phrase in _FLAG_PHRASES:
                if tuple(tokens[i : i + len(phrase)]) == phrase and not is_negated(
                    tokens, i, window=_FLAG_NEGATION_WINDOW
                ):
                    found.add(flag)
        if _has_unnegated(tokens, _FEVER_WORDS):
            found.add(RedFlag.FEVER_WITH_PAIN)
        if (
            _has_unnegated(tokens, frozenset({"worse"}))
            and _REPEAT_WORDS.intersection(tokens)
            and _MORNING_WORDS.intersection(tokens)
        ):
            found.add(RedFlag.WORSE_TWO_MORNINGS)
    # A fever is a flag here only together with pain or the groin (EVIDENCE.md: "groin pain
    # with fever"); the pain may be named in another clause.
    groin = {"groin", "ingle"}
    if RedFlag.FEVER_WITH_PAIN in found and not (PAIN_WORDS | groin).intersection(all_tokens):
        found.discard(RedFlag.FEVER_WITH_PAIN)
    pain = find_pain(text)
    if pain is not None and pain > PAIN_ACCEPTABLE_MAX:
        found.add(RedFlag.PAIN_ABOVE_LIMIT)
    return tuple(flag for flag in RedFlag if flag in found)


def _has_unnegated(tokens: Sequence[str], words: frozenset[str]) -> bool:
    return any(
        t in words and not is_negated(tokens, i, window=_FLAG_NEGATION_WINDOW)
        for i, t in enumerate(tokens)
    )
