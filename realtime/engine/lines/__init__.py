"""What the scripted interviewer says and listens for, per interview language (DESIGN section 11).

One module per language holds its `LINES`: the job questions, follow-ups and case lines written
for that language (not translated word for word), the espeak-ng voice that reads them, and the
words the script listens for (first person, figures, outcomes, a request for a hint). The session
names the language in `audio.input.transcription` (`language`, or `languages` for the newer
transcription models); a session without one is an English interview.
"""

from __future__ import annotations

import re
from typing import Any

from . import de, en, es, fr, it, nl, pt
from .base import Lines, pattern, words

__all__ = [
    "NOISES",
    "STAR_QUESTIONS",
    "Lines",
    "lines_for",
    "pattern",
    "session_language",
    "supported",
    "transcription_language",
    "words",
]

# Job questions that get follow-ups (the STAR ones), by position: the same in every language.
STAR_QUESTIONS = frozenset({1, 2, 4, 7, 8, 10})
# A breath or a backchannel is no answer in any language.
NOISES = frozenset("mm mhm hm hmm ah oh uh eh ehm em".split())


_LINES: dict[str, Lines] = {
    module.LINES.language: module.LINES for module in (en, es, fr, de, pt, it, nl)
}


def _all() -> dict[str, Lines]:
    return _LINES


def lines_for(language: str | None) -> Lines:
    """The lines for a language code; English for none or one without lines."""
    return _all().get((language or "en").lower(), _all()["en"])


def supported() -> tuple[str, ...]:
    return tuple(_all())


_RULE = re.compile(r"Conduct the whole interview in ([A-Z][a-z]+)")


def transcription_language(config: Any) -> str | None:
    """The language a transcription config names (`language`, else the first of `languages`);
    None when it names none (the model then detects it)."""
    if not isinstance(config, dict):
        return None
    if isinstance(config.get("language"), str) and config["language"]:
        return config["language"].lower()
    listed = config.get("languages")
    if isinstance(listed, list) and listed and isinstance(listed[0], str) and listed[0]:
        return listed[0].lower()
    return None


def session_language(session: dict[str, Any]) -> str:
    """The session's language: the one its transcription expects; with none named there, the
    one the instructions' LANGUAGE rule names; else English."""
    config = ((session.get("audio") or {}).get("input") or {}).get("transcription")
    named = transcription_language(config)
    if named:
        return named
    rule = _RULE.search(str(session.get("instructions") or ""))
    by_name = {lines.name: code for code, lines in _all().items()}
    return by_name.get(rule.group(1), "en") if rule else "en"
