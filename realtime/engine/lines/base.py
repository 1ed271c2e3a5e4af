"""The shape of one language's scripted interviewer (the modules beside this one fill it in)."""

from __future__ import annotations

import re
from dataclasses import dataclass


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
