"""Structure signals of an answer, measured offline from its words: each with its sentence.

Pattern matches on the candidate's own sentences, not judgements: `present` says a pattern was
found and `evidence` is the first sentence it was found in (None when absent). `hedging` and
`number_without_implication` are habits to lose; the others are habits to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SIGNAL_NAMES = (
    "answer_first",
    "signposting",
    "star_situation",
    "star_task",
    "star_action",
    "star_result",
    "quantified_result",
    "hedging",
    "number_without_implication",
)
LABELS = {
    "answer_first": "Answer first",
    "signposting": "Signposting",
    "star_situation": "STAR: situation",
    "star_task": "STAR: task",
    "star_action": "STAR: action",
    "star_result": "STAR: result",
    "quantified_result": "Quantified result",
    "hedging": "Hedging",
    "number_without_implication": "A number without its implication",
}
# Signals that are good to have; the rest are good to avoid.
WANTED = frozenset(SIGNAL_NAMES) - {"hedging", "number_without_implication"}
EVIDENCE_MAX = 300


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_ANSWER_FIRST = _rx(
    r"\b(i (would )?recommend|my recommendation|i would|i'd|we should|they should|the answer is|"
    r"in short|the short answer|my (view|answer|conclusion) is|bottom line|i (think|believe) "
    r"(we|they|the|that|it)|yes\b|no\b|the (main|key) (driver|reason|issue) is)"
)
_SIGNPOST = _rx(
    r"\b(first(ly)?|second(ly)?|third(ly)?|finally|lastly|to (start|begin|sum up|summari[sz]e)|"
    r"in summary|(two|three|four|five|2|3|4|5) (things|areas|ways|reasons|parts|buckets|"
    r"factors|points|steps|drivers|options))\b"
)
_SITUATION = _rx(
    r"\b(when i was|at my (last|previous|current|old) (job|role|company|team)|in my (last |"
    r"previous |current )?(job|role|team)|i was working|we were (facing|losing|seeing|asked)|"
    r"our team (was|had)|i was (the|a|an) \w+|the situation was|back in|last year|(in|during) (19|20)\d\d)\b"
)
_TASK = _rx(
    r"\b(my (task|goal|job|responsibility|role|aim) (was|is)|i was (asked|responsible|tasked)|"
    r"i needed to|i had to|we needed to|the (goal|aim|challenge|problem) was)\b"
)
_ACTION = _rx(
    r"\bi (built|led|ran|wrote|set up|made|took|spoke|met|brought|began|chose|drove|sent|sold|"
    r"taught|gave|found|started|decided|created|designed|introduced|organi[sz]ed|proposed|"
    r"implemented|cleaned|fixed|analy[sz]ed|negotiated|launched|hired|trained|automated|"
    r"changed|reduced|increased|improved|delivered|managed|coordinated|owned|talked|worked|"
    r"removed|rebuilt|wrote|migrated|mapped|tested|asked|presented|convinced)\b"
)
_RESULT = _rx(
    r"\b(as a result|the result|resulted|in the end|the outcome|which (led|meant|cut|saved|"
    r"increased|reduced|grew|raised|lowered)|this (led|meant|saved|cut|increased|reduced)|"
    r"(we|it|that) (saved|cut|increased|reduced|grew|raised|lowered|doubled|halved|won|hit|"
    r"achieved)|ended up|so (break-even|profit|revenue|the answer))\b"
)
_NUMBER = _rx(
    r"(\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|half|double|percent)\b)"
)
_CHANGE = _rx(
    r"\b(saved|save|cut|reduced|increased|grew|rose|fell|dropped|improved|raised|lowered|"
    r"doubled|halved|from .+ to|by \S*\d|result|up|down)\b"
)
_HEDGE = _rx(
    r"\b(i guess|maybe|perhaps|probably|sort of|kind of|i'm not sure|i am not sure|possibly|"
    r"i suppose|might be|a bit|somewhat|i don't know)\b"
)
_IMPLICATION = _rx(
    r"\b(so|which means|meaning|therefore|this means|that means|implies|because|which is why|"
    r"that's why|that is why|as a result|so that|thus|hence)\b"
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The answer split into sentences (at . ! ? and line breaks)."""
    return [s.strip() for s in _SENTENCE_RE.split(text) if s.strip()]


def _first(items: list[str], test: Callable[[int, str], bool]) -> str | None:
    return next((s for i, s in enumerate(items) if test(i, s)), None)


def _finders(said: list[str]) -> dict[str, Callable[[int, str], bool]]:
    def implied(i: int) -> bool:
        return any(_IMPLICATION.search(s) for s in said[i : i + 2])

    return {
        "answer_first": lambda i, s: i == 0 and bool(_ANSWER_FIRST.search(s)),
        "signposting": lambda i, s: bool(_SIGNPOST.search(s)),
        "star_situation": lambda i, s: bool(_SITUATION.search(s)),
        "star_task": lambda i, s: bool(_TASK.search(s)),
        "star_action": lambda i, s: bool(_ACTION.search(s)),
        "star_result": lambda i, s: bool(_RESULT.search(s)),
        "quantified_result": lambda i, s: bool(
            _NUMBER.search(s) and (_CHANGE.search(s) or _RESULT.search(s))
        ),
        "hedging": lambda i, s: bool(_HEDGE.search(s)),
        # A figure with no "so / which means / because" in its sentence or the next one.
        "number_without_implication": lambda i, s: bool(_NUMBER.search(s)) and not implied(i),
    }


def signals_measure(*, answer: str) -> list[dict]:
    """Every structure signal of an answer: [{name, present, evidence}], in SIGNAL_NAMES order."""
    said = sentences(answer)
    found = {name: _first(said, test) for name, test in _finders(said).items()}
    return [
        {"name": name, "present": found[name] is not None, "evidence": _clip(found[name])}
        for name in SIGNAL_NAMES
    ]


def _clip(sentence: str | None) -> str | None:
    if sentence is None or len(sentence) <= EVIDENCE_MAX:
        return sentence
    return sentence[: EVIDENCE_MAX - 1].rstrip() + "…"


def signals_for_display(signals: list[dict]) -> list[dict]:
    """The signals with their label and whether each is good news, for the report page."""
    return [
        s | {"label": LABELS[s["name"]], "good": s["present"] == (s["name"] in WANTED)}
        for s in signals
        if s["name"] in LABELS
    ]
