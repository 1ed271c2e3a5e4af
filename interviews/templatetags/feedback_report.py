"""Template tags for the report partial: build the report data and its SVG charts once per page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from interviews import charts
from interviews.feedback import STALLED_AFTER, report_build, report_shares_active
from interviews.models import Feedback, Interview
from interviews.report_signals import signals_for_display
from interviews.retry import previous_feedback
from vocahire.lib import providers

register = template.Library()


def _per_question_chart(report: dict, *, figure: str, title: str, scale: float, unit: str):
    # Job interviews are split into answers, not questions: label them as the page does.
    prefix, noun = ("Q", "question") if report["kind"] == Interview.Kind.CASE else ("A", "answer")
    bars = [
        (f"{prefix}{q['number']}", round(q["measured"].get(figure, 0) / scale, 1))
        for q in report["questions"]
    ]
    if not any(value for _, value in bars):
        return None  # the page says what would fill it instead of drawing empty bars
    return charts.bar_chart_svg(
        title=title.format(noun=noun),
        bars=bars,
        max_value=max(value for _, value in bars),
        unit=unit,
    )


def _talk_time_chart(report: dict) -> str | None:
    return _per_question_chart(
        report,
        figure="speaking_ms",
        title="Your speaking time per {noun}, in seconds (measured)",
        scale=1000,
        unit=" s",
    )


def _words_chart(report: dict) -> str | None:
    return _per_question_chart(
        report,
        figure="words",
        title="Your words per {noun}, spoken or typed (measured)",
        scale=1,
        unit="",
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
def report_for(interview: Interview, feedback: Feedback | None, shared: bool = False) -> dict:
    """The report data plus its charts, for templates/interviews/_report.html."""
    # A shared link shows this attempt only: the earlier one was never shared.
    previous = None if shared else previous_feedback(interview=interview)
    report = report_build(interview=interview, feedback=feedback, previous=previous)
    report["charts"] = {
        "dimensions": _dimension_chart(report),
        "talk_time": _talk_time_chart(report),
        "words": _words_chart(report),
    }
    for question in report["questions"]:
        question["signals_shown"] = signals_for_display(question["signals"])
    report["ai_enabled"] = providers.ai_grading_enabled()
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
def duration(total_seconds: int | None) -> str:
    """Whole seconds as "1 min 05 s" or "50 s"."""
    return "n/a" if total_seconds is None else seconds(total_seconds * 1000)


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
