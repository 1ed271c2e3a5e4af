"""The report as plain data (API, report page, shared page, export)."""

from __future__ import annotations

from interviews import case_tools
from interviews.feedback.types import ExampleAnswer, Overall, QuestionAnalytics
from interviews.models import Feedback, Interview
from interviews.report_signals import signals_measure
from interviews.retry import retry_delta
from interviews.rubric import rubric_of
from vocahire.lib import languages


def _dimensions_report(*, rubric: dict, assessment: dict) -> list[dict]:
    return [
        dimension | assessment["dimensions"][dimension["key"]] for dimension in rubric["dimensions"]
    ]


def _assessment_report(*, kind: str, assessment: dict) -> dict | None:
    if not assessment:
        return None
    rubric = rubric_of(kind=kind, assessment=assessment)
    dimensions = _dimensions_report(rubric=rubric, assessment=assessment)
    weakest = next(
        (d for d in dimensions if d["key"] == assessment["weakest_dimension"]),
        dimensions[0] if dimensions else None,
    )
    return {
        "summary": assessment["summary"],
        "overall_score": assessment["overall_score"],
        "weakest_dimension": weakest,
        "dimensions": dimensions,
        "strengths": assessment["strengths"],
        "improvements": assessment["improvements"],
    }


def _example_answer(*, question: dict, graded: dict | None) -> ExampleAnswer | None:
    # The case's own example (or what its evaluator says a strong answer contains), else the AI's.
    if question.get("example_answer"):
        return {"text": question["example_answer"], "source": "case", "label": "example"}
    if question.get("evaluator_context"):
        return {"text": question["evaluator_context"], "source": "case", "label": "example"}
    if (graded or {}).get("strong_answer"):
        return {"text": graded["strong_answer"], "source": "ai", "label": "example"}
    return None


def _question_report(
    *, interview: Interview, measured: QuestionAnalytics, graded: dict | None
) -> dict:
    contexts = {q["number"]: q for q in interview.case_snapshot.get("questions", [])}
    question = contexts.get(measured["number"], {}) if interview.kind == Interview.Kind.CASE else {}
    example = _example_answer(question=question, graded=graded)
    # Reports written before signals were measured get them from their stored answer.
    signals = measured.get("signals") or signals_measure(
        answer=measured["answer"], language=interview.language
    )
    hidden = ("number", "prompt", "answer", "signals", *case_tools.REVIEW_KEYS)
    return {
        "number": measured["number"],
        "prompt": measured["prompt"],
        "answer": measured["answer"],
        "strong_answer": example["text"] if example else "",
        "example_answer": example,
        "assessment": graded,
        "measured": {k: v for k, v in measured.items() if k not in hidden},
        "signals": signals,
        **{k: measured.get(k) for k in case_tools.REVIEW_KEYS if k in measured},
    }


def _setup(interview: Interview) -> dict:
    """What the interview was set up with, shown beside the feedback."""
    if interview.kind == Interview.Kind.CASE:
        return {
            "case_title": interview.title,
            "case_prompt": interview.case_snapshot.get("prompt", ""),
        }
    return {"job_title": interview.job_title, "job_description": interview.job_description}


def _duration_seconds(interview: Interview, overall: Overall | dict) -> int | None:
    if interview.duration_seconds is not None:
        return interview.duration_seconds
    return round(overall["span_ms"] / 1000) if overall.get("span_ms") else None


def report_build(
    *, interview: Interview, feedback: Feedback | None, previous: Feedback | None = None
) -> dict:
    """The report as plain data: assessment (if any), measured analytics, and each question."""
    assessment = feedback.assessment if feedback else {}
    analytics = feedback.analytics if feedback else {}
    graded = {q["number"]: q for q in assessment.get("questions", [])}
    return {
        "interview_id": str(interview.pk),
        "kind": interview.kind,
        "title": interview.title,
        "language": interview.language,
        "language_name": languages.language_name(interview.language),
        "status": interview.feedback_status,
        "source": feedback.source if feedback else "",
        "model": feedback.model if feedback else "",
        "generated_at": feedback.updated_at.isoformat() if feedback else None,
        "duration_seconds": _duration_seconds(interview, analytics.get("overall", {})),
        "setup": _setup(interview),
        "previous": retry_delta(interview=interview, feedback=feedback, previous=previous),
        "assessment": _assessment_report(kind=interview.kind, assessment=assessment),
        "rubric": rubric_of(kind=interview.kind, assessment=assessment),
        "analytics": {"label": "measured", "overall": analytics.get("overall", {})},
        "questions": [
            _question_report(interview=interview, measured=q, graded=graded.get(q["number"]))
            for q in analytics.get("questions", [])
        ],
    }
