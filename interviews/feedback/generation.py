"""Writing the report: status transitions, the generation claim, retries and storage.

`feedback_generate` is the one entry point (the Celery task and `regenerate_feedback` call it).
The analytics are always computed; the AI assessment (if on) is validated before anything is
stored: a malformed answer is retried once, then the feedback is marked failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from celery import current_task
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from interviews import case_tools
from interviews.feedback.analytics import analytics_compute, analytics_is_enough, interview_turns
from interviews.feedback.grading import (
    FeedbackError,
    FeedbackRetryableError,
    assessment_create,
)
from interviews.models import Feedback, Interview
from interviews.signals import feedback_requested
from vocahire.lib import providers
from vocahire.lib.types import InterviewId

logger = logging.getLogger(__name__)


# A transient upstream failure is retried by the task; past this many tries the feedback fails.
MAX_ATTEMPTS = 4


@transaction.atomic
def _feedback_store(
    *,
    interview: Interview,
    status: str,
    analytics: dict,
    assessment: dict | None = None,
    model: str = "",
    error: str = "",
) -> Feedback:
    feedback, _ = Feedback.objects.select_for_update().get_or_create(interview=interview)
    feedback.analytics = analytics
    feedback.assessment = assessment or {}
    feedback.source = "ai+analytics" if assessment else "analytics"
    feedback.model = model
    feedback.error = error
    feedback.save()
    # update() rather than save(): the lifecycle owns the interview's other fields.
    Interview.objects.filter(pk=interview.pk).update(feedback_status=status)
    interview.feedback_status = status
    return feedback


def _attempt_count(*, interview: Interview) -> int:
    feedback, _ = Feedback.objects.get_or_create(interview=interview)
    Feedback.objects.filter(pk=feedback.pk).update(attempts=F("attempts") + 1)
    feedback.refresh_from_db(fields=["attempts"])
    return feedback.attempts


def feedback_request(*, interview: Interview) -> None:
    """Mark feedback pending and reset its attempts (before queueing or regenerating it)."""
    Interview.objects.filter(pk=interview.pk).update(
        feedback_status=Interview.FeedbackStatus.PENDING
    )
    Feedback.objects.filter(interview=interview).update(attempts=0)
    interview.feedback_status = Interview.FeedbackStatus.PENDING


# A report still pending this long after the interview ended has lost its task (or its worker).
STALLED_AFTER = timedelta(minutes=15)


def feedbacks_stalled(*, now: datetime | None = None) -> QuerySet[Interview]:
    """Interviews whose report is still pending STALLED_AFTER past their end."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    return Interview.objects.filter(
        feedback_status=Interview.FeedbackStatus.PENDING, ended_at__lt=cutoff
    )


def feedbacks_stalled_requeue(*, now: datetime | None = None) -> list[str]:
    """Queue the report again for every stalled interview; the ids queued."""
    # Attempts are kept (unlike a staff regenerate), so a report that keeps failing still fails.
    # A re-queue that meets a task still running or already done is a no-op (the claim and the
    # pending check in feedback_generate), so a slow queue never pays for a model call twice.
    ids = [str(pk) for pk in feedbacks_stalled(now=now).values_list("pk", flat=True)]
    for interview_id in ids:
        feedback_requested.send(sender=Interview, interview_id=interview_id)
    return ids


def _can_retry_later() -> bool:
    # An eager task (embedded mode, no worker) runs inside the request that ended the interview:
    # there is no later to retry in, so a transient failure is final there (regenerate_feedback
    # --failed picks it up). Called directly (a worker's task, tests) the caller retries.
    task = current_task
    return not (task and task.request.is_eager)


# Longer than one generation can take (two model calls, each with the gateway's one retry) and
# shorter than STALLED_AFTER, so a worker killed mid-call never blocks `--stalled` from retrying.
GENERATING_LEASE_SECONDS = 600


@contextmanager
def _generation_claim(*, interview_id: InterviewId) -> Iterator[bool]:
    # One worker grades an interview at a time: a duplicate task delivery, a regenerate racing the
    # queued task, or two workers would otherwise pay for the same model call twice. The cache's
    # add() is atomic (SET NX in Redis) and the lease frees itself if the worker dies.
    key = f"feedback:generating:{interview_id}"
    claimed = cache.add(key, "1", timeout=GENERATING_LEASE_SECONDS)
    if claimed is None:  # cache unreachable (IGNORE_EXCEPTIONS): grade rather than stall
        logger.warning("feedback claim skipped interview=%s: cache unavailable", interview_id)
    try:
        yield claimed is not False
    finally:
        if claimed:
            cache.delete(key)


def feedback_generate(*, interview_id: InterviewId) -> Feedback | None:
    """Produce the report: pending -> ready, not_enough or failed; transient errors raise to retry."""
    with _generation_claim(interview_id=interview_id) as claimed:
        if not claimed:
            logger.info("feedback already being written interview=%s", interview_id)
            return None
        # Read after claiming, so a report finished by the worker that held the claim is seen.
        interview = Interview.objects.filter(pk=interview_id).first()
        if interview is None or interview.feedback_status != Interview.FeedbackStatus.PENDING:
            return None  # deleted meanwhile, or a duplicate delivery of a finished task
        return _feedback_write(interview=interview)


def _feedback_write(*, interview: Interview) -> Feedback:
    attempts = _attempt_count(interview=interview)
    turns = interview_turns(interview=interview)
    analytics = analytics_compute(
        kind=interview.kind,
        case_snapshot=interview.case_snapshot,
        turns=turns,
        language=interview.language,
    )
    case_tools.analytics_annotate(interview=interview, analytics=analytics, turns=turns)
    status = Interview.FeedbackStatus
    if not analytics_is_enough(analytics):
        return _feedback_store(interview=interview, status=status.NOT_ENOUGH, analytics=analytics)
    if not providers.ai_grading_enabled():
        return _feedback_store(interview=interview, status=status.READY, analytics=analytics)
    try:
        assessment, model = assessment_create(interview=interview, analytics=analytics)
    except FeedbackError as exc:
        if exc.retryable and attempts < MAX_ATTEMPTS and _can_retry_later():
            raise FeedbackRetryableError(exc.message) from exc
        logger.warning("feedback failed interview=%s error=%s", interview.pk, exc.message)
        return _feedback_store(
            interview=interview, status=status.FAILED, analytics=analytics, error=exc.message
        )
    return _feedback_store(
        interview=interview,
        status=status.READY,
        analytics=analytics,
        assessment=assessment,
        model=model,
    )


def feedback_remeasure(*, interview: Interview) -> Feedback | None:
    """Measure a written report again from its transcript with today's analytics; scores stay."""
    # For reports measured before a fix to the analytics (no model call, nothing charged).
    feedback = Feedback.objects.filter(interview=interview).first()
    if feedback is None:
        return None
    turns = interview_turns(interview=interview)
    feedback.analytics = analytics_compute(
        kind=interview.kind,
        case_snapshot=interview.case_snapshot,
        turns=turns,
        language=interview.language,
    )
    feedback.save(update_fields=["analytics", "updated_at"])
    return feedback
