"""The shapes of the measured analytics and the report, as stored in `Feedback.analytics` (JSON).

TypedDicts, so they stay plain dicts in the database and the API while the code says what is in
them. Keys a later version added (and a report stored before it lacks) are marked NotRequired.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Coverage(TypedDict):
    """How many of a question's key terms the answer used (`key_terms.phrases_coverage`)."""

    terms: int
    covered: list[str]
    missing: list[str]
    share: float | None
    source: str  # "curated" or "extracted"


class Signal(TypedDict):
    """One structure signal of an answer (`report_signals.signals_measure`)."""

    name: str
    present: bool
    evidence: str | None


class TalkFigures(TypedDict):
    """Interviewer time, typed words, span and talk share (`report_figures.talk_figures`)."""

    interviewer_ms: int
    interviewer_untimed: int
    typed_words: int
    span_ms: int
    talk_share: float | None
    talk_share_basis: str | None


class DeliveryMetrics(TalkFigures):
    """Measured delivery for a set of turns (`analytics.delivery_metrics`)."""

    speaking_ms: int
    untranscribed_ms: int
    words: int
    words_per_minute: float | None
    fillers: int
    fillers_per_minute: float | None
    longest_pause_ms: int


class Overall(DeliveryMetrics):
    """The whole interview's delivery, with what only the whole has."""

    coverage_share: float | None
    answered_questions: int


class QuestionAnalytics(DeliveryMetrics):
    """One question (case) or exchange (job): the answer and its measured delivery.

    Case interviews also get the case review's keys (`case_tools.REVIEW_KEYS`: math, hints_used,
    hints, scratchpad, exhibit, interviewer_data) from `case_tools.analytics_annotate`.
    """

    number: int
    prompt: str
    answer: str
    coverage: Coverage | None
    signals: NotRequired[list[Signal]]  # absent from reports measured before signals


class Analytics(TypedDict):
    """`Feedback.analytics`: measured, never judged."""

    label: str  # always "measured"
    overall: Overall
    questions: list[QuestionAnalytics]


class ExampleAnswer(TypedDict):
    text: str
    source: str  # "case" or "ai"
    label: str


class ProgressRow(TypedDict):
    """One reported interview on the progress page."""

    interview: Any  # the Interview row (templates read it)
    overall_score: float | None
    weakest_label: str
    rubric: dict[str, Any]
    dimensions: dict[str, int]
    words_per_minute: float | None
    fillers_per_minute: float | None
    talk_share: float | None
    coverage_share: float | None


class WeakestRecent(TypedDict):
    """The lowest mean dimension over the last few assessed interviews of a kind."""

    kind: str
    label: str
    mean: float
    interviews: int
    anchor_5: str


class Progress(TypedDict):
    rows: list[ProgressRow]
    weakest: list[WeakestRecent]
    has_scores: bool
