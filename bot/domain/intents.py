"""What a person's free text asks for. Intents only classify: the bot never diagnoses.

Reading rules, in order:
1. Red flags (`safety.find_red_flags`) override everything, wherever they appear.
2. Phrases are matched on whole tokens, longest first; a phrase with a negator a couple
   of words before it in the same clause ("not done", "wasn't hard", "no pain", "don't
   stop") is dropped rather than read the other way round.
3. Answers about the session beat requests (pause, more, focus...), which beat help, thanks
   and greetings. Two answers that contradict each other ("easy ... too hard"), or two
   different requests, read as UNKNOWN: the bot asks rather than guesses.
Typos are corrected per token against the keyword list only when unambiguous: words of four
letters only for a swapped pair of letters ("doen", "dnoe"), longer words for one edit (two
from eight letters). Real words next to a keyword are never corrected ("none" is not "done",
"think" is not "thank", "angle" is not "ankle").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.library import Area
from bot.domain.safety import (
    NEGATORS,
    PAIN_FINE_MAX,
    PAIN_WORDS,
    RedFlag,
    clauses,
    find_pain,
    find_red_flags,
    is_negated,
)
from bot.domain.state import Outcome


class IntentKind(StrEnum):
    DONE = "done"
    TOO_HARD = "too_hard"
    TOO_EASY = "too_easy"
    HURT = "hurt"
    FOCUS = "focus"
    MORE = "more"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    HELP = "help"
    GREETING = "greeting"
    THANKS = "thanks"
    RED_FLAG = "red_flag"
    UNKNOWN = "unknown"


_OUTCOMES: dict[IntentKind, Outcome] = {
    IntentKind.DONE: Outcome.DONE,
    IntentKind.TOO_HARD: Outcome.TOO_HARD,
    IntentKind.TOO_EASY: Outcome.TOO_EASY,
    IntentKind.HURT: Outcome.HURT,
}


@dataclass(frozen=True, slots=True)
class Intent:
    kind: IntentKind
    area: Area | None = None
    pain: int | None = None  # 0-10, when the text gives a score
    days: int | None = None  # for "pause for 3 days"
    red_flags: tuple[RedFlag, ...] = ()

    @property
    def outcome(self) -> Outcome | None:
        """The answer about a move this intent carries, if it is one."""
        return _OUTCOMES.get(self.kind)


_PHRASES: dict[IntentKind, tuple[str, ...]] = {
    IntentKind.DONE: (
        "done",
        "did it",
        "did them",
        "did both",
        "did that",
        "i did",
        "finished",
        "finish",
        "completed",
        "complete",
        "✅",
        "✔",
        "☑",
        "👍",
        "💪",
        # Spanish
        "hecho",
        "listo",
        "lo hice",
        "terminado",
        "terminé",
    ),
    IntentKind.TOO_HARD: (
        "too hard",
        "to hard",
        "hard",
        "too difficult",
        "to difficult",
        "difficult",
        "too tough",
        "tough",
        "too much",
        "too heavy",
        "couldnt do it",
        "couldnt finish",
        "could not finish",
        "cant finish",
        "couldnt complete",
        "couldnt do",
        "could not do",
        "cant do it",
        "cant do",
        "cannot do",
        "struggled",
        "make it easier",
        "easier please",
        "😓",
        "😩",
        "muy difícil",
        "muy dificil",
        "demasiado difícil",
        "demasiado dificil",
        "difícil",
        "dificil",
    ),
    IntentKind.TOO_EASY: (
        "too easy",
        "to easy",
        "easy",
        "easy peasy",
        "too light",
        "piece of cake",
        "make it harder",
        "harder please",
        "😎",
        "muy fácil",
        "muy facil",
        "demasiado fácil",
        "demasiado facil",
        "fácil",
        "facil",
    ),
    IntentKind.HURT: (
        "it hurts",
        "it hurt",
        "me duele",
        "me dolió",
        *sorted(PAIN_WORDS - {"sore", "ache", "aches", "aching", "achy"}),
        "😖",
        "🤕",
    ),
    IntentKind.MORE: (
        "more",
        "one more",
        "another",
        "another one",
        "extra",
        "/ more",
    ),
    IntentKind.PAUSE: (
        "pause",
        "stop",
        "take a break",
        "break",
        "holiday",
        "vacation",
        "/ pause",
    ),
    IntentKind.RESUME: (
        "resume",
        "unpause",
        "restart",
        "start again",
        "im back",
        "i am back",
        "back again",
        "continue",
        "/ resume",
    ),
    IntentKind.SKIP: (
        "skip",
        "skip today",
        "not today",
        "rest day",
        "no time",
        "busy",
        "/ skip",
    ),
    IntentKind.HELP: (
        "help",
        "/ help",
        "how does this work",
        "what can you do",
        "what do i do",
        "commands",
        "menu",
    ),
    IntentKind.GREETING: (
        "hi",
        "hello",
        "hey",
        "hiya",
        "good morning",
        "good afternoon",
        "good evening",
        "hola",
        "buenos días",
        "buenas",
        "/ start",
        "👋",
    ),
    IntentKind.THANKS: (
        "thanks",
        "thank you",
        "thank u",
        "thx",
        "ty",
        "cheers",
        "gracias",
        "🙏",
    ),
    IntentKind.FOCUS: ("focus", "change focus", "/ focus"),
}

_AREA_WORDS: dict[str, Area] = {
    "balance": Area.BALANCE,
    "balanced": Area.BALANCE,
    "stability": Area.BALANCE,
    "steady": Area.BALANCE,
    "steadier": Area.BALANCE,
    "unsteady": Area.BALANCE,
    "wobbly": Area.BALANCE,
    "knee": Area.KNEES,
    "knees": Area.KNEES,
    "ankle": Area.ANKLES,
    "ankles": Area.ANKLES,
    "foot": Area.ANKLES,
    "feet": Area.ANKLES,
    "hip": Area.HIPS,
    "hips": Area.HIPS,
    "groin": Area.HIPS,
    "pelvis": Area.HIPS,
    "equilibrio": Area.BALANCE,
    "rodilla": Area.KNEES,
    "rodillas": Area.KNEES,
    "tobillo": Area.ANKLES,
    "tobillos": Area.ANKLES,
    "cadera": Area.HIPS,
    "caderas": Area.HIPS,
}

_ANSWER_KINDS = (IntentKind.HURT, IntentKind.TOO_HARD, IntentKind.TOO_EASY, IntentKind.DONE)
_REQUEST_KINDS = (
    IntentKind.PAUSE,
    IntentKind.RESUME,
    IntentKind.SKIP,
    IntentKind.MORE,
    IntentKind.FOCUS,
)
_SOCIAL_KINDS = (IntentKind.HELP, IntentKind.THANKS, IntentKind.GREETING)
_NEGATION_WINDOW = 2  # a negator at most two words before a phrase drops it

# Only these keywords are typo targets: the words people type fast after a session.
_TYPO_TARGETS: frozenset[str] = frozenset(
    {
        "done",
        "finished",
        "completed",  # not "complete" too: "completd" would be one edit from both
        "difficult",
        "hard",
        "tough",
        "easy",
        "hurt",
        "hurts",
        "ouch",
        "pain",
        "painful",
        "balance",
        "ankle",
        "ankles",
        "knee",
        "knees",
        "hips",
        "groin",
        "thanks",
        "pause",
        "resume",
        "skip",
        "help",
        "hello",
        "another",
    }
)
# Real words one edit from a keyword: never "corrected" into it.
_REAL_WORDS: frozenset[str] = frozenset(
    {
        "none",
        "gone",
        "bone",
        "tone",
        "dome",
        "dine",
        "node",
        "nope",
        "hand",
        "herd",
        "card",
        "hart",
        "harm",
        "heard",
        "hunt",
        "east",
        "ease",
        "knew",
        "knit",
        "kneel",
        "kneels",
        "angle",
        "angles",
        "think",
        "thinks",
        "cause",
        "paused",
        "touch",
        "though",
        "through",
        "trough",
        "rough",
        "heel",
        "held",
        "hell",
        "hall",
        "yellow",
        "fellow",
        "mother",
        "other",
        "brother",
        "skin",
        "ship",
        "chips",
        "hops",
        "lips",
        "tips",
        "hippo",
        "groan",
        "grown",
        "paint",
        "pains",
        "spain",
        "resumed",
        "assume",
        "finishes",
        "complex",
    }
    | NEGATORS
)


def parse_intent(text: str) -> Intent:
    """Classify one message. Ambiguous text is UNKNOWN, never a confident wrong guess."""
    red_flags = find_red_flags(text)
    pain = find_pain(text)
    days = _find_days(text)
    parts = [[_correct(t) for t in clause] for clause in clauses(text)]
    area, area_conflict = _find_area(parts)

    if red_flags:
        return Intent(IntentKind.RED_FLAG, area=area, pain=pain, days=days, red_flags=red_flags)
    if text.strip() and set(text.strip()) <= {"?"}:
        return Intent(IntentKind.HELP)

    found: set[IntentKind] = set()
    for tokens in parts:
        found |= _match_phrases(tokens)
    # "done?" or "was it easy?" asks rather than reports: the answer in a final question
    # does not count as one ("Done! What's next?" still does).
    asked = _match_phrases(parts[-1]) if parts and text.rstrip().endswith("?") else set()
    if area is not None or area_conflict:
        found.add(IntentKind.FOCUS)

    answer = _resolve_answer(found, pain, asked=asked)
    if answer is IntentKind.UNKNOWN:
        return Intent(IntentKind.UNKNOWN, pain=pain)
    if answer is not None:
        return Intent(answer, area=None if area_conflict else area, pain=pain)

    requests = {k for k in _REQUEST_KINDS if k in found}
    if IntentKind.MORE in requests:
        # "more for my knees": the area says what kind of more.
        requests.discard(IntentKind.FOCUS)
    if len(requests) > 1 or (requests and area_conflict):
        return Intent(IntentKind.UNKNOWN)
    if requests:
        (kind,) = requests
        return Intent(kind, area=area, days=days if kind is IntentKind.PAUSE else None)
    for kind in _SOCIAL_KINDS:
        if kind in found:
            return Intent(kind)
    return Intent(IntentKind.UNKNOWN, pain=pain)


def _resolve_answer(
    found: set[IntentKind], pain: int | None, *, asked: set[IntentKind]
) -> IntentKind | None:
    answers = {k for k in _ANSWER_KINDS if k in found}
    if (
        IntentKind.HURT in answers
        and len(answers) > 1
        and pain is not None
        and pain <= PAIN_FINE_MAX
    ):
        # "done, pain 2/10": a score in the fine range is information, not an injury.
        answers.discard(IntentKind.HURT)
    if IntentKind.HURT in answers:
        return IntentKind.HURT
    if {IntentKind.TOO_HARD, IntentKind.TOO_EASY} <= answers:
        return IntentKind.UNKNOWN
    for kind in (IntentKind.TOO_HARD, IntentKind.TOO_EASY, IntentKind.DONE):
        if kind in answers:
            if kind in asked and kind is not IntentKind.TOO_HARD:
                return IntentKind.UNKNOWN
            return kind
    return None


def _phrase_table() -> tuple[tuple[tuple[str, ...], IntentKind], ...]:
    rows = [
        (tuple(phrase.split()), kind) for kind, phrases in _PHRASES.items() for phrase in phrases
    ]
    # Longest first, so "too easy" wins over "easy" and "couldnt do it" over nothing at all.
    return tuple(sorted(rows, key=lambda row: -len(row[0])))


_PHRASE_TABLE = _phrase_table()
# The table's rows by first word, in the table's order: a phrase can only match where its
# first word is, so a long message costs one look-up per word, not one per phrase per word.
_PHRASES_BY_FIRST: dict[str, tuple[tuple[tuple[str, ...], IntentKind], ...]] = {
    first: tuple(row for row in _PHRASE_TABLE if row[0][0] == first)
    for first in {phrase[0] for phrase, _ in _PHRASE_TABLE}
}
_KNOWN_WORDS: frozenset[str] = frozenset(
    {word for phrase, _ in _PHRASE_TABLE for word in phrase} | set(_AREA_WORDS)
)


def _match_phrases(tokens: Sequence[str]) -> set[IntentKind]:
    found: set[IntentKind] = set()
    i = 0
    while i < len(tokens):
        for phrase, kind in _PHRASES_BY_FIRST.get(tokens[i], ()):
            if tuple(tokens[i : i + len(phrase)]) != phrase:
                continue
            # "not done", "no pain", "don't stop", "no more": dropped, never flipped.
            if not is_negated(tokens, i, window=_NEGATION_WINDOW):
                found.add(kind)
            i += len(phrase)
            break
        else:
            i += 1
    return found


def _find_area(parts: Sequence[Sequence[str]]) -> tuple[Area | None, bool]:
    """The one area the text names, and whether it names more than one."""
    areas = {_AREA_WORDS[t] for tokens in parts for t in tokens if t in _AREA_WORDS}
    if len(areas) == 1:
        return next(iter(areas)), False
    return None, len(areas) > 1


_DAYS = re.compile(
    r"\b(?:for\s+)?(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few)\s+"
    r"(?P<unit>days?|weeks?)\b"
)
_COUNT_WORDS = {
    "a": 1,
    "an": 1,
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


def _find_days(text: str) -> int | None:
    match = _DAYS.search(text.casefold())
    if match is None:
        return None
    raw = match.group("n")
    if "few" in raw:
        return None  # "a few days" names no number; the bot asks or uses its default
    count = int(raw) if raw.isdigit() else _COUNT_WORDS[raw]
    return count * (7 if match.group("unit").startswith("week") else 1)


def _correct(token: str) -> str:
    """The keyword a mistyped token stands for, or the token itself."""
    if token in _KNOWN_WORDS or token in _REAL_WORDS or not token.isalpha() or len(token) < 4:
        return token
    best: list[str] = []
    best_distance = 99
    for target in _TYPO_TARGETS:
        if abs(len(token) - len(target)) > 2:
            continue  # at least that many edits apart: never within the allowed distance
        if len(token) == 4 or len(target) == 4:
            # Short words collide too easily ("none"/"done"): only a swapped pair counts.
            distance = 1 if _is_one_swap(token, target) else 99
        else:
            distance = _edit_distance(token, target)
        if distance < best_distance:
            best, best_distance = [target], distance
        elif distance == best_distance:
            best.append(target)
    allowed_distance = 2 if len(token) >= 8 else 1
    if best_distance <= allowed_distance and len(best) == 1:
        return best[0]
    return token


def _is_one_swap(a: str, b: str) -> bool:
    if len(a) != len(b) or a == b:
        return False
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, swaps."""
    rows = len(a) + 1
    cols = len(b) + 1
    d = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        d[i][0] = i
    for j in range(cols):
        d[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def area_named(words: Sequence[str]) -> Area | None:
    """The benefit area the first area word among `words` names ("/focus rodillas")."""
    for word in words:
        area = _AREA_WORDS.get(word.strip().casefold())
        if area is not None:
            return area
    return None
