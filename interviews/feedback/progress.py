"""Progress across interviews: scores and measured delivery over time, the recent limiting factor."""

from __future__ import annotations

from collections.abc import Sequence

from accounts.models import User
from interviews.feedback.types import Progress, ProgressRow, WeakestRecent
from interviews.models import Interview
from interviews.rubric import rubric_dimension, rubric_of

PROGRESS_ROWS = 30
WEAKEST_WINDOW = 5


def _progress_row(interview: Interview) -> ProgressRow:
    feedback = getattr(interview, "feedback", None)
    overall = (feedback.analytics.get("overall") if feedback else None) or {}
    assessment = feedback.assessment if feedback else {}
    rubric = rubric_of(kind=interview.kind, assessment=assessment)
    weakest = rubric_dimension(rubric, assessment.get("weakest_dimension"))
    return {
        "interview": interview,
        "overall_score": assessment.get("overall_score"),
        "weakest_label": weakest["label"] if weakest else "",
        "rubric": rubric,
        "dimensions": {k: v["score"] for k, v in assessment.get("dimensions", {}).items()},
        "words_per_minute": overall.get("words_per_minute"),
        "fillers_per_minute": overall.get("fillers_per_minute"),
        "talk_share": overall.get("talk_share"),
        "coverage_share": overall.get("coverage_share"),
    }


def _weakest_recent(rows: Sequence[ProgressRow], kind: str) -> WeakestRecent | None:
    """Over the last WEAKEST_WINDOW assessed interviews of a kind: the lowest mean dimension."""
    recent = [r for r in rows if r["interview"].kind == kind and r["dimensions"]][-WEAKEST_WINDOW:]
    if not recent:
        return None
    # Only dimensions every one of them was scored on compare fairly across rubric versions;
    # the newest report's stored rubric gives their order (ties), labels and anchors.
    rubric = recent[-1]["rubric"]
    keys = [
        d["key"] for d in rubric["dimensions"] if all(d["key"] in r["dimensions"] for r in recent)
    ]
    if not keys:
        return None
    means = {key: sum(r["dimensions"][key] for r in recent) / len(recent) for key in keys}
    dimension = rubric_dimension(rubric, min(keys, key=lambda k: means[k]))
    return {
        "kind": kind,
        "label": dimension["label"],
        "mean": round(means[dimension["key"]], 1),
        "interviews": len(recent),
        "anchor_5": dimension["anchors"].get("5", ""),
    }


def progress_build(*, interviews: Sequence[Interview]) -> Progress:
    """Scores and measured delivery over time (oldest first) and the recent limiting factor."""
    rows = [_progress_row(i) for i in sorted(interviews, key=lambda i: i.created_at)]
    weakest = [_weakest_recent(rows, kind) for kind in (Interview.Kind.CASE, Interview.Kind.JOB)]
    return {
        "rows": rows,
        "weakest": [w for w in weakest if w],
        "has_scores": any(r["overall_score"] is not None for r in rows),
    }


def progress_interviews(*, owner: User) -> list[Interview]:
    """The owner's reported interviews (newest PROGRESS_ROWS) with their feedback, one query."""
    return list(
        Interview.objects.filter(
            owner=owner,
            feedback_status__in=[Interview.FeedbackStatus.READY, Interview.FeedbackStatus.FAILED],
        )
        .select_related("feedback")
        .defer("instructions_snapshot", "resume_text", "job_description")
        .order_by("-created_at")[:PROGRESS_ROWS]
    )
