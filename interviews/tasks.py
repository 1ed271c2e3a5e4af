"""Celery tasks: thin wrappers around interview services."""

from __future__ import annotations

from celery import shared_task

from interviews import services
from interviews.feedback import MAX_ATTEMPTS, FeedbackRetryableError


@shared_task
def expire_interviews_task() -> dict:
    """Close interviews past their time limit (Celery beat runs this every 5 minutes)."""
    return services.interviews_expire()


@shared_task(
    autoretry_for=(FeedbackRetryableError,),
    retry_backoff=15,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=MAX_ATTEMPTS,
)
def feedback_generate_task(interview_id: str) -> None:
    """Build the report for one completed interview."""
    # Imported here: the feedback module pulls in the OpenAI gateway, which workers that only
    # expire interviews never need.
    from interviews.feedback import feedback_generate

    feedback_generate(interview_id=interview_id)


@shared_task
def feedback_stalled_requeue_task() -> int:
    """Re-queue reports stuck pending after a lost task or worker (Celery beat runs this)."""
    from interviews.feedback import feedbacks_stalled_requeue

    return len(feedbacks_stalled_requeue())


@shared_task
def recordings_purge_task() -> dict:
    """Delete recordings past RECORDING_RETENTION_DAYS (Celery beat runs this every 6 hours)."""
    from interviews.recordings import recordings_purge

    return recordings_purge()
