"""The scoring rubric: dimensions with anchored descriptions, versioned and stored with each report.

A report is a historical document: `rubric_snapshot` is stored inside the assessment when it is
graded, and every page and API renders from that stored copy (`rubric_of`), so changing the
dimensions here never breaks, or silently rewrites, an old report.
"""

from __future__ import annotations

from interviews.models import Interview

# Bump the version of a kind whenever its dimensions or anchors change.
RUBRIC_VERSIONS = {Interview.Kind.CASE: 1, Interview.Kind.JOB: 1}

CASE_DIMENSIONS: dict[str, tuple[str, dict[int, str]]] = {
    "structuring": (
        "Structuring",
        {
            1: "No visible structure; jumps between ideas.",
            3: "A generic framework, partly tailored to the case.",
            5: "A MECE, case-specific structure that drives the whole discussion.",
        },
    ),
    "numeracy": (
        "Numeracy",
        {
            1: "Calculations missing or wrong, no sanity checks.",
            3: "Correct maths with some prompting or slips corrected.",
            5: "Fast, correct maths with stated assumptions and sanity checks.",
        },
    ),
    "judgement": (
        "Judgement and insight",
        {
            1: "Restates data without saying what it means.",
            3: "Draws the obvious implication of the data.",
            5: "Draws the 'so what', prioritises, and spots the non-obvious driver.",
        },
    ),
    "creativity": (
        "Creativity",
        {
            1: "One or two generic ideas.",
            3: "Several relevant ideas, loosely organised.",
            5: "Many relevant, structured ideas including unexpected ones.",
        },
    ),
    "synthesis": (
        "Synthesis",
        {
            1: "No recommendation, or a summary of steps.",
            3: "A recommendation with some support.",
            5: "A clear answer first, the key reasons, risks and next steps.",
        },
    ),
    "communication": (
        "Communication",
        {
            1: "Hard to follow; long silences or rambling.",
            3: "Clear enough, with some filler and backtracking.",
            5: "Concise, signposted, confident; checks in with the interviewer.",
        },
    ),
}
JOB_DIMENSIONS: dict[str, tuple[str, dict[int, str]]] = {
    "relevance": (
        "Relevance to the role",
        {
            1: "Answers do not connect to the role.",
            3: "Some answers tie experience to the role's needs.",
            5: "Every answer shows why the experience matters for this role.",
        },
    ),
    "structure": (
        "Structure (STAR)",
        {
            1: "Stories without situation, action or result.",
            3: "Situation and action clear; results vague.",
            5: "Situation, task, action and a measurable result every time.",
        },
    ),
    "specificity": (
        "Specificity and evidence",
        {
            1: "General claims with no examples.",
            3: "Examples given but few figures or details.",
            5: "Concrete examples with figures, scope and the candidate's own part.",
        },
    ),
    "communication": (
        "Communication",
        {
            1: "Hard to follow; long silences or rambling.",
            3: "Clear enough, with some filler and backtracking.",
            5: "Concise, confident and well paced.",
        },
    ),
}


def dimensions_for(kind: str) -> dict[str, tuple[str, dict[int, str]]]:
    """The current scored dimensions (label and anchored descriptions) for an interview kind."""
    return CASE_DIMENSIONS if kind == Interview.Kind.CASE else JOB_DIMENSIONS


def rubric_snapshot(kind: str) -> dict:
    """The current rubric as stored with a report: {version, dimensions: [{key, label, anchors}]}."""
    return {
        "version": RUBRIC_VERSIONS[Interview.Kind(kind)],
        "dimensions": [
            {"key": key, "label": label, "anchors": {str(n): text for n, text in anchors.items()}}
            for key, (label, anchors) in dimensions_for(kind).items()
        ],
    }


def rubric_of(*, kind: str, assessment: dict) -> dict | None:
    """The rubric an assessment was graded with, limited to the dimensions it scored."""
    if not assessment:
        return None
    # Reports graded before rubrics were stored fall back to the current one; either way only
    # dimensions the assessment actually scored are shown, so a new dimension is never a KeyError.
    rubric = assessment.get("rubric") or rubric_snapshot(kind)
    scored = assessment.get("dimensions", {})
    return rubric | {"dimensions": [d for d in rubric["dimensions"] if d["key"] in scored]}


def rubric_dimension(rubric: dict | None, key: str | None) -> dict | None:
    """One dimension of a stored rubric by key, or None."""
    return next((d for d in (rubric or {}).get("dimensions", []) if d["key"] == key), None)
