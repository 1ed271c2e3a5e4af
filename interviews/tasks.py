"""Celery tasks: thin wrappers around interview services."""

from __future__ import annotations

from celery import shared_task

from interviews import services


@shared_task
def expire_interviews_task() -> dict:
    """Close interviews past their time limit (Celery beat runs this every 5 minutes)."""
    return services.interviews_expire()


@shared_task
def feedback_generate_task(interview_id: str) -> None:
    """Build the report for one completed interview."""
    # Imported here: the feedback module pulls in the OpenAI gateway, which workers that only
    # expire interviews never need.
    from interviews.feedback import feedback_generate

    feedback_generate(interview_id=interview_id)
