"""Key terms of a strong answer as phrases a person recognises, and which of them an answer used.

A case question may carry curated `key_terms` (the case library's own list); otherwise they are
extracted from its evaluator context: runs of content words between stopwords and punctuation
(two to four words, "fixed and variable costs" kept whole), never single word stems or bare
numbers. Text after "Pitfalls" lists what *not* to do, so it is left out. Measured overlap, not a
judgement of quality.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_PHRASES = 8
_WORD_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*|\S")
_JOINERS = frozenset({"and", "or", "vs"})
# Function words and the evaluator's own vocabulary ("a strong candidate notices ..."): these end
# a phrase rather than belong to one.
STOPWORDS = frozenset(
    """a and or about above after again against all also among an any are around as at be because been
    before being below between both but by can could did do does doing down during each either
    else even ever every few for from further had has have having he her here him his how i if in
    into is it its itself just least less let many may me might more most much must my need never
    next no none nor not now of off on once one only onto other ought our out over own per same
    shall she should since so some such than that the their them then there these they this those
    through to too under until up upon us very want was we well were what when where which while
    who whom whose why will with within without would yet you your yours e g eg ie etc x
    candidate candidates answer answers strong stronger good great best mention mentions notice
    notices noticing ask asks asking check checks checking state states stating worth likely
    roughly approximately still straight whether key insight whole alone clear clearly expected
    approach example sensibly partly went rose fell leads lead show shows covers treated using
    use uses including reminds followed explain explains keeping exceed returning confirms
    differs rounds pm am
    """.split()
)


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _is_content(token: str) -> bool:
    return token[0].isalpha() and len(token) > 1 and token.lower() not in STOPWORDS


def _runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    tokens = _words(text)
    for i, token in enumerate(tokens):
        lower = token.lower()
        joins = (
            lower in _JOINERS and runs[-1] and i + 1 < len(tokens) and _is_content(tokens[i + 1])
        )
        if _is_content(token) or joins:
            runs[-1].append(lower)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def key_phrases(context: str, *, curated: Sequence[str] | None = None) -> list[str]:
    """The key phrases of a strong answer: curated if given, else extracted from the context."""
    if curated:
        return [term.strip() for term in curated if term.strip()][:MAX_PHRASES]
    before_pitfalls = re.split(r"\bpitfalls?\b", context, maxsplit=1, flags=re.IGNORECASE)[0]
    phrases: list[str] = []
    for run in _runs(before_pitfalls):
        # A compound ("break-even") counts as the words it joins.
        size = sum(len(w.split("-")) for w in run if w not in _JOINERS)
        if run[-1] in _JOINERS or not 2 <= size <= 4:
            continue
        phrase = " ".join(run)
        if phrase not in phrases:
            phrases.append(phrase)
    return phrases[:MAX_PHRASES]


def _base(word: str) -> str:
    # Only for matching, never shown: "costs" in an answer covers "cost" in a phrase.
    word = word.lower().strip("'")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def phrases_coverage(*, phrases: Sequence[str], answer: str, curated: bool = False) -> dict:
    """Which phrases the answer used: every content word of the phrase appears in the answer."""
    said = {_base(w) for w in _words(answer) if w[0].isalnum()}
    covered, missing = [], []
    for phrase in phrases:
        needed = {_base(w) for w in _words(phrase) if _is_content(w) or w[0].isdigit()}
        (covered if needed and needed <= said else missing).append(phrase)
    return {
        "terms": len(phrases),
        "covered": covered,
        "missing": missing,
        "share": round(len(covered) / len(phrases), 3) if phrases else None,
        "source": "curated" if curated else "extracted",
    }
