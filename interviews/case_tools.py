"""The candidate's case tools during an interview (scratchpad, hints) and what the report keeps of
them and of the case math (DESIGN section 10).

Writes go through the lifecycle's row lock, like every other change to an interview.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from interviews import case_content, math_check
from interviews.models import Interview
from interviews.services import (
    InterviewError,
    _locked,
    _require_in_progress,
    question_not_found,
)

SCRATCHPAD_MAX_CHARS = 10_000
# Keys the case review adds to a question of the analytics; the report lifts them out of "measured".
REVIEW_KEYS = ("math", "hints_used", "hints", "scratchpad", "exhibit", "interviewer_data")
# A request for a hint, spoken or typed ("can I have a hint?", "could you give me a hint").
HINT_REQUEST = re.compile(
    r"\b(?:(?:can|could|may)\s+i\s+(?:have|get)|(?:can|could)\s+you\s+give\s+me|give\s+me|"
    r"i\s+(?:need|would\s+like)|any)\s+(?:a\s+|another\s+|one\s+more\s+)?(?:small\s+)?hints?\b",
    re.I,
)


class _Turn(Protocol):
    question_number: int
    text: str

    @property
    def is_candidate(self) -> bool: ...


def is_hint_request(text: str) -> bool:
    """True when the candidate asks for a hint in so many words."""
    return bool(HINT_REQUEST.search(text or ""))


def _question(interview: Interview, number: int) -> dict:
    for question in interview.case_snapshot.get("questions", []):
        if question["number"] == number:
            return question
    raise question_not_found(interview=interview, number=number)


def _case_question_check(interview: Interview, number: int) -> dict:
    if interview.kind != Interview.Kind.CASE:
        raise InterviewError("Only case interviews have case tools.", "wrong_interview_kind")
    _require_in_progress(interview)
    question = _question(interview, number)
    if number > interview.current_question:
        raise InterviewError(
            f"Question {number} has not opened yet.", "future_question", status=400
        )
    return question


@transaction.atomic
def interview_scratchpad_save(
    *, interview: Interview, actor: User, question_number: int, text: str
) -> dict:
    """Store the scratchpad of one question (the whole text, as typed so far)."""
    interview = _locked(interview)
    _case_question_check(interview, question_number)
    if len(text) > SCRATCHPAD_MAX_CHARS:
        raise InterviewError(
            f"The scratchpad holds at most {SCRATCHPAD_MAX_CHARS} characters.",
            "scratchpad_too_long",
        )
    interview.scratchpad = {**interview.scratchpad, str(question_number): text}
    interview.save(update_fields=["scratchpad", "updated_at"])
    return {"question_number": question_number, "text": text, "saved_at": timezone.now()}


@transaction.atomic
def interview_hint_reveal(*, interview: Interview, actor: User, question_number: int) -> dict:
    """Reveal (and count) the question's next hint; 409 no_hints_left when all are out."""
    interview = _locked(interview)
    question = _case_question_check(interview, question_number)
    hints = question.get("hints") or []
    used = int(interview.hints_used.get(str(question_number), 0))
    if used >= len(hints):
        message = (
            "There are no more hints for this question: say how you would go on, and the "
            "interviewer will follow."
            if hints
            else "This question has no hints: tell the interviewer where you are stuck."
        )
        raise InterviewError(message, "no_hints_left", 409)
    interview.hints_used = {**interview.hints_used, str(question_number): used + 1}
    interview.save(update_fields=["hints_used", "updated_at"])
    return {
        "question_number": question_number,
        "hint_number": used + 1,
        "hint": hints[used],
        "hints_total": len(hints),
        "revealed": hints[: used + 1],
    }


def case_tools_state(*, interview: Interview) -> dict[str, Any]:
    """Per question the scratchpad text and the hints revealed so far, for the room."""
    questions = interview.case_snapshot.get("questions", [])
    return {
        str(q["number"]): {
            "scratchpad": interview.scratchpad.get(str(q["number"]), ""),
            "hints": (q.get("hints") or [])[: int(interview.hints_used.get(str(q["number"]), 0))],
            "hints_total": len(q.get("hints") or []),
        }
        for q in questions
    }


# --- The report -----------------------------------------------------------------------------------


def analytics_annotate(*, interview: Interview, analytics: dict, turns: Sequence[_Turn]) -> dict:
    """Add the case review (math check, hints, scratchpad, exhibit) to each question in place."""
    if interview.kind != Interview.Kind.CASE:
        return analytics
    snapshot = {q["number"]: q for q in interview.case_snapshot.get("questions", [])}
    for entry in analytics.get("questions", []):
        question = snapshot.get(entry["number"], {})
        number = str(entry["number"])
        answers = [t.text for t in turns if t.question_number == entry["number"] and t.is_candidate]
        scratchpad = interview.scratchpad.get(number, "")
        used = int(interview.hints_used.get(number, 0))
        entry["math"] = (
            math_check.math_check(
                expected=question.get("expected"), answers=answers, scratchpad=scratchpad
            )
            or None
        )
        entry["hints_used"] = used
        entry["hints"] = (question.get("hints") or [])[:used]
        entry["scratchpad"] = scratchpad
        entry["exhibit"] = question.get("exhibit")
        # After the end the candidate may see what the interviewer held back.
        entry["interviewer_data"] = case_content.interviewer_facts(
            question.get("interviewer_data", "")
        )
    return analytics


def math_summary(math: dict | None) -> str:
    """The math check in one line for the AI grader (and for people)."""
    if not math:
        return ""
    expected = f"{math['expected']:,} {math.get('unit', '')}".strip()
    if math["correct"] is None:
        return f"Math check (deterministic): expected {expected}; the candidate stated no figure."
    verdict = "correct" if math["correct"] else "not correct"
    line = (
        f"Math check (deterministic): expected {expected}; the candidate stated "
        f"{math['stated']:,}: {verdict}."
    )
    return f"{line} Likely error: {math['diagnosis']}" if math.get("diagnosis") else line
