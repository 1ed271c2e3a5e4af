"""Feedback for a finished interview: measured delivery analytics, plus an AI assessment with a key.

One module per concern: `analytics` (measured, pure functions of the transcript), `assessment`
(the strict schema, the grader's instructions and input, validation), `grading` (the model call),
`generation` (status transitions, retries and storage; `feedback_generate` is the one entry point),
`report` (the report as data), `shares` (read-only links) and `progress` (across interviews).
The names are re-exported here, so `from interviews import feedback; feedback.X` keeps working.
"""

from interviews.feedback.analytics import (
    FILLER_PHRASES,
    FILLER_WORDS,
    NOT_ENOUGH_MIN_WORDS,
    UNTRANSCRIBED_PREFIX,
    Turn,
    analytics_compute,
    analytics_is_enough,
    answer_text,
    delivery_metrics,
    fillers_count,
    interview_turns,
    is_untranscribed,
    job_segments,
    longest_pause_ms,
    questions_analytics,
    words_count,
)
from interviews.feedback.assessment import (
    assessment_input,
    assessment_instructions,
    assessment_schema,
    assessment_summarise,
    assessment_validate,
)
from interviews.feedback.generation import (
    GENERATING_LEASE_SECONDS,
    MAX_ATTEMPTS,
    STALLED_AFTER,
    feedback_generate,
    feedback_remeasure,
    feedback_request,
    feedbacks_stalled,
    feedbacks_stalled_requeue,
)
from interviews.feedback.grading import (
    FeedbackError,
    FeedbackRetryableError,
    assessment_create,
)
from interviews.feedback.progress import (
    PROGRESS_ROWS,
    WEAKEST_WINDOW,
    progress_build,
    progress_interviews,
)
from interviews.feedback.report import report_build
from interviews.feedback.shares import (
    SHARE_DAYS,
    ReportShareError,
    report_share_create,
    report_share_lookup,
    report_share_revoke,
    report_shares_active,
)
from interviews.rubric import (
    CASE_DIMENSIONS,
    JOB_DIMENSIONS,
    dimensions_for,
    rubric_dimension,
    rubric_of,
    rubric_snapshot,
)

__all__ = [
    "CASE_DIMENSIONS",
    "FILLER_PHRASES",
    "FILLER_WORDS",
    "GENERATING_LEASE_SECONDS",
    "JOB_DIMENSIONS",
    "MAX_ATTEMPTS",
    "NOT_ENOUGH_MIN_WORDS",
    "PROGRESS_ROWS",
    "SHARE_DAYS",
    "STALLED_AFTER",
    "UNTRANSCRIBED_PREFIX",
    "WEAKEST_WINDOW",
    "FeedbackError",
    "FeedbackRetryableError",
    "ReportShareError",
    "Turn",
    "analytics_compute",
    "analytics_is_enough",
    "answer_text",
    "assessment_create",
    "assessment_input",
    "assessment_instructions",
    "assessment_schema",
    "assessment_summarise",
    "assessment_validate",
    "delivery_metrics",
    "dimensions_for",
    "feedback_generate",
    "feedback_remeasure",
    "feedback_request",
    "feedbacks_stalled",
    "feedbacks_stalled_requeue",
    "fillers_count",
    "interview_turns",
    "is_untranscribed",
    "job_segments",
    "longest_pause_ms",
    "progress_build",
    "progress_interviews",
    "questions_analytics",
    "report_build",
    "report_share_create",
    "report_share_lookup",
    "report_share_revoke",
    "report_shares_active",
    "rubric_dimension",
    "rubric_of",
    "rubric_snapshot",
    "words_count",
]
