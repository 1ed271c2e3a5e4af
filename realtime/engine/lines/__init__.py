"""What the scripted interviewer says and listens for, per interview language (DESIGN section 11).

One module per language holds its `LINES`: the job questions, follow-ups and case lines written
for that language (not translated word for word), the espeak-ng voice that reads them, and the
words the script listens for (first person, figures, outcomes, a request for a hint). The session
names the language in `audio.input.transcription` (`language`, or `languages` for the newer
transcription models); a session without one is an English interview.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Job questions that get follow-ups (the STAR ones), by position: the same in every language.
STAR_QUESTIONS = frozenset({1, 2, 4, 7, 8, 10})
# A breath or a backchannel is no answer in any language.
NOISES = frozenset("mm mhm hm hmm ah oh uh eh ehm em".split())


@dataclass(frozen=True)
class Lines:
    """One language's interviewer: what it says, in which voice, and what it listens for."""

    language: str
    name: str  # in English, as the instructions' LANGUAGE rule names it
    voice: str  # an espeak-ng voice (`espeak-ng --voices`)
    # Job interviews. {role} is role_named (with {title}) or role_unnamed.
    job_greeting: str  # {role}, {question}
    job_questions: tuple[str, ...]
    role_named: str
    role_unnamed: str
    acknowledgements: tuple[str, ...]
    job_closing: str
    probes: dict[str, str]  # example, personal, quantify, result
    # Case interviews. case_question_lead starts case_question; case_brief_lead replaces it at
    # question 1 so the brief is read first.
    case_first: str
    case_again: str
    case_question: str  # {number}, {total}, {question}
    case_question_lead: str
    case_brief_lead: str  # {brief}
    case_default_question: str
    case_follow_ups: tuple[str, ...]
    case_probes: dict[str, str]  # example, quantify
    case_closing_last: str
    case_closing_next: str
    hint: str  # {hint}
    hint_none: str
    hint_last: str
    fact_intro: str
    fact_missing: str
    resumed: str  # opens the first line after a reconnect
    listening: str  # said when asked to reply before the candidate said anything
    # Listening.
    fillers: frozenset[str]  # single words that carry no content
    first_person: re.Pattern[str]
    number_words: frozenset[str]
    outcome: re.Pattern[str]
    hint_request: re.Pattern[str]
    asking: re.Pattern[str]
    stop_words: frozenset[str]
    # Whisper keeps fillers it is shown in its prompt; written in the language so it stays in it.
    filler_prompt: str


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


def _registry() -> dict[str, Lines]:
    from . import de, en, es, fr, it, nl, pt

    return {module.LINES.language: module.LINES for module in (en, es, fr, de, pt, it, nl)}


_LINES: dict[str, Lines] = {}


def _all() -> dict[str, Lines]:
    if not _LINES:
        _LINES.update(_registry())
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
