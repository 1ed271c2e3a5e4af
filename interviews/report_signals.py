"""Structure signals of an answer, measured offline from its words: each with its sentence.

Pattern matches on the candidate's own sentences, not judgements: `present` says a pattern was
found and `evidence` is the first sentence it was found in (None when absent). `hedging` and
`number_without_implication` are habits to lose; the others are habits to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from interviews.signal_patterns import SignalPatterns, patterns_for

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


_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The answer split into sentences (at . ! ? and line breaks)."""
    return [s.strip() for s in _SENTENCE_RE.split(text) if s.strip()]


def _first(items: list[str], test: Callable[[int, str], bool]) -> str | None:
    return next((s for i, s in enumerate(items) if test(i, s)), None)


def _finders(said: list[str], rx: SignalPatterns) -> dict[str, Callable[[int, str], bool]]:
    def implied(i: int) -> bool:
        return any(rx.implication.search(s) for s in said[i : i + 2])

    return {
        "answer_first": lambda i, s: i == 0 and bool(rx.answer_first.search(s)),
        "signposting": lambda i, s: bool(rx.signpost.search(s)),
        "star_situation": lambda i, s: bool(rx.situation.search(s)),
        "star_task": lambda i, s: bool(rx.task.search(s)),
        "star_action": lambda i, s: bool(rx.action.search(s)),
        "star_result": lambda i, s: bool(rx.result.search(s)),
        "quantified_result": lambda i, s: bool(
            rx.number.search(s) and (rx.change.search(s) or rx.result.search(s))
        ),
        "hedging": lambda i, s: bool(rx.hedge.search(s)),
        # A figure with no "so / which means / because" in its sentence or the next one.
        "number_without_implication": lambda i, s: bool(rx.number.search(s)) and not implied(i),
    }


def signals_measure(*, answer: str, language: str = "en") -> list[dict]:
    """Every structure signal of an answer, found with the patterns of the interview's language:
    [{name, present, evidence}], in SIGNAL_NAMES order."""
    said = sentences(answer)
    found = {
        name: _first(said, test) for name, test in _finders(said, patterns_for(language)).items()
    }
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
