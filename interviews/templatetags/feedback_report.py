"""Template tags for the report partial: build the report data and its SVG charts once per page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from interviews import charts
from interviews.feedback import STALLED_AFTER, ai_enabled, report_build, report_shares_active
from interviews.models import Feedback, Interview

register = template.Library()


def _talk_time_chart(report: dict) -> str:
    # Job interviews are split into answers, not questions: label them as the page does.
    prefix, noun = ("Q", "question") if report["kind"] == Interview.Kind.CASE else ("A", "answer")
    bars = [
        (f"{prefix}{q['number']}", round(q["measured"]["speaking_ms"] / 1000, 1))
        for q in report["questions"]
    ]
    top = max([value for _, value in bars] + [1])
    return charts.bar_chart_svg(
        title=f"Your speaking time per {noun}, in seconds (measured)",
        bars=bars,
        max_value=top,
        unit=" s",
    )


def _dimension_chart(report: dict) -> str | None:
    assessment = report["assessment"]
    if not assessment:
        return None
    return charts.bar_chart_svg(
        title="Score per dimension, 1 to 5",
        bars=[(d["label"], d["score"]) for d in assessment["dimensions"]],
        max_value=5,
        unit="/5",
        highlight=assessment["weakest_dimension"]["label"],
    )


@register.simple_tag
def report_for(interview: Interview, feedback: Feedback | None) -> dict:
    """The report data plus its charts, for templates/interviews/_report.html."""
    report = report_build(interview=interview, feedback=feedback)
    report["charts"] = {
        "dimensions": _dimension_chart(report),
        "talk_time": _talk_time_chart(report) if report["questions"] else None,
    }
    report["ai_enabled"] = ai_enabled()
    # Past this, a pending report is stuck (no worker?): stop refreshing and say so.
    ended = interview.ended_at
    report["stalled"] = bool(ended and timezone.now() - ended > STALLED_AFTER)
    return report


@register.filter
def seconds(ms: int | None) -> str:
    """Milliseconds as "1 min 05 s" or "42 s"."""
    if ms is None:
        return "n/a"
    total = round(ms / 1000)
    return f"{total // 60} min {total % 60:02d} s" if total >= 60 else f"{total} s"


@register.filter
def percent(share: float | None) -> str:
    """A 0..1 share as a whole percentage."""
    return "n/a" if share is None else f"{round(share * 100)}%"


@register.filter
def or_na(value: object) -> object:
    """None as "n/a": a figure we could not measure is shown as such, never as zero."""
    return "n/a" if value is None else value


@register.simple_tag
def report_shares(interview: Interview) -> list:
    """The interview's live share links (for the owner's share box)."""
    return list(report_shares_active(interview=interview))
