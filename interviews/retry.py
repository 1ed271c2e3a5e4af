"""Practise again: what a retry of one question runs, and the change against the previous attempt.

A retry is a new interview with `retry_of` (the attempt it repeats) and `retry_question` (that
attempt's question number, or None for all of it). Its report compares the measured figures
always, and the scores when both attempts were scored.
"""

from __future__ import annotations

from collections.abc import Iterable

from interviews.models import Feedback, Interview
from interviews.report_signals import LABELS, WANTED

FOCUS_QUESTION_MAX = 1000
# (label, key in an overall figures dict, key in a question's figures, lower is better)
FIGURES = (
    ("Words", "words", "words", False),
    ("Your speaking time (s)", "speaking_ms", "speaking_ms", False),
    ("Words per minute", "words_per_minute", "words_per_minute", False),
    ("Filler words per minute", "fillers_per_minute", "fillers_per_minute", True),
    ("Longest pause (s)", "longest_pause_ms", "longest_pause_ms", True),
    ("Share of talk time that was you", "talk_share", "talk_share", False),
    ("Key terms used", "coverage_share", "coverage", False),
)


def retry_case_snapshot(*, interview: Interview, snapshot: dict) -> dict:
    """The case snapshot for this attempt: only the question practised again, numbered 1."""
    previous = interview.retry_of
    if not (interview.retry_question and previous and previous.kind == Interview.Kind.CASE):
        return snapshot
    asked = {q["number"]: q for q in previous.case_snapshot.get("questions", [])}
    # A retry of a retry: its question 1 was the case's question `original_number`.
    number = asked.get(interview.retry_question, {}).get(
        "original_number", interview.retry_question
    )
    chosen = [q for q in snapshot["questions"] if q["number"] == number][:1]
    if not chosen:
        return snapshot  # the case changed since: practise the whole case rather than nothing
    return snapshot | {"questions": [chosen[0] | {"number": 1, "original_number": number}]}


def retry_focus_question(*, interview: Interview) -> str:
    """For a one-question retry of a job interview: what the interviewer asked last time."""
    previous = interview.retry_of
    if not (interview.retry_question and previous and previous.kind == Interview.Kind.JOB):
        return ""
    feedback = Feedback.objects.filter(interview=previous).first()
    questions = (feedback.analytics if feedback else {}).get("questions", [])
    asked = next((q for q in questions if q["number"] == interview.retry_question), None)
    return (asked or {}).get("prompt", "")[:FOCUS_QUESTION_MAX]


def retry_question_numbers(*, interview: Interview) -> list[int]:
    """The question numbers of an attempt that can be practised again on their own."""
    if interview.kind == Interview.Kind.CASE:
        return [q["number"] for q in interview.case_snapshot.get("questions", [])]
    feedback = Feedback.objects.filter(interview=interview).first()
    return [q["number"] for q in (feedback.analytics if feedback else {}).get("questions", [])]


def previous_feedback(*, interview: Interview) -> Feedback | None:
    """The feedback of the attempt this one repeats (same owner), with its interview: one query."""
    if not interview.retry_of_id:
        return None
    return (
        Feedback.objects.select_related("interview")
        .filter(interview_id=interview.retry_of_id, interview__owner_id=interview.owner_id)
        .first()
    )


def _figures(measured: dict, *, question: bool) -> dict:
    figures = {}
    for label, overall_key, question_key, _ in FIGURES:
        value = measured.get(question_key if question else overall_key)
        if isinstance(value, dict):  # a question's coverage
            value = value.get("share")
        figures[label] = value
    return figures


def _round(label: str, value: float | None) -> float | None:
    if value is None:
        return None
    if label.endswith("(s)"):
        return round(value / 1000, 1)
    return round(value * 100) if "Share" in label or "Key terms" in label else value


def _figure_changes(before: dict, after: dict) -> list[dict]:
    changes = []
    for label, _, _, lower_is_better in FIGURES:
        old, new = _round(label, before[label]), _round(label, after[label])
        if old is None and new is None:
            continue
        change = None if old is None or new is None else round(new - old, 1)
        better = None if not change else (change < 0) == lower_is_better
        unit = "%" if "Share" in label or "Key terms" in label else ""
        changes.append(
            {
                "label": label,
                "before": old,
                "after": new,
                "change": change,
                "better": better,
                "unit": unit,
            }
        )
    return changes


def _present(signal_lists: Iterable[list[dict]]) -> set[str]:
    return {s["name"] for signals in signal_lists for s in signals if s["present"]}


def _signal_changes(before: set[str], after: set[str]) -> dict:
    # Gaining a wanted signal or losing an unwanted one is progress; the reverse is not.
    gained, lost = after - before, before - after
    changes: dict[str, list[str]] = {"better": [], "worse": []}
    for name, label in LABELS.items():
        if name in gained | lost:
            better = (name in gained) == (name in WANTED)
            said = "now found" if name in gained else "no longer found"
            changes["better" if better else "worse"].append(f"{label}: {said}")
    return changes


def _score_changes(before: dict, after: dict, question: int | None) -> list[dict] | None:
    if not before or not after:
        return None  # scores only when both attempts were scored
    if question:
        old = next(
            (q["score"] for q in before.get("questions", []) if q["number"] == question), None
        )
        new_scores = [q["score"] for q in after.get("questions", [])]
        new = round(sum(new_scores) / len(new_scores), 2) if new_scores else None
        rows = [("Score for this question", old, new)]
    else:
        rows = [("Average score", before.get("overall_score"), after.get("overall_score"))]
        labels = {d["key"]: d["label"] for d in (after.get("rubric") or {}).get("dimensions", [])}
        for key, label in labels.items():
            if key in before.get("dimensions", {}) and key in after.get("dimensions", {}):
                rows.append(
                    (label, before["dimensions"][key]["score"], after["dimensions"][key]["score"])
                )
    return [
        {
            "label": label,
            "before": old,
            "after": new,
            "change": None if old is None or new is None else round(new - old, 2),
        }
        for label, old, new in rows
    ]


def retry_delta(
    *, interview: Interview, feedback: Feedback | None, previous: Feedback | None
) -> dict | None:
    """The change from the previous attempt: measured figures, signals, and scores if both had them."""
    if previous is None or feedback is None or not previous.analytics or not feedback.analytics:
        return None
    question = interview.retry_question
    before_q = next(
        (q for q in previous.analytics.get("questions", []) if q["number"] == question), None
    )
    if question and before_q:
        before_figures = _figures(before_q, question=True)
        before_signals = _present([before_q.get("signals") or []])
    else:
        question = None
        before_figures = _figures(previous.analytics.get("overall", {}), question=False)
        before_signals = _present(
            q.get("signals") or [] for q in previous.analytics.get("questions", [])
        )
    after_figures = _figures(feedback.analytics.get("overall", {}), question=False)
    after_signals = _present(
        q.get("signals") or [] for q in feedback.analytics.get("questions", [])
    )
    return {
        "interview_id": str(previous.interview_id),
        "date": previous.interview.created_at.isoformat(),
        "question": question,
        "measured": _figure_changes(before_figures, after_figures),
        "signals": _signal_changes(before_signals, after_signals),
        "scores": _score_changes(previous.assessment, feedback.assessment, question),
    }
