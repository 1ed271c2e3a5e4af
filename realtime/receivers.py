"""Hang up realtime calls when interviews end or reach their time limit.

Connected in RealtimeConfig.ready: interviews sends the signals and must not import realtime.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from interviews.signals import (
    interview_call_reported,
    interview_ended,
    interview_question_completed,
)
from realtime.calls import live_calls_end
from realtime.models import RealtimeCall
from realtime.tasks import call_hangup_task
from vocahire.celery import app as celery_app

logger = logging.getLogger(__name__)


@receiver(interview_call_reported, dispatch_uid="realtime.hangup_at_deadline")
def hangup_at_deadline(
    sender: Any, *, interview_id: str, call_id: str, deadline: datetime | None, **kwargs: Any
) -> None:
    """Schedule the hang-up of a newly reported call for the interview's deadline."""
    if not call_id or deadline is None:
        return
    if deadline <= timezone.now():
        _hangup_now(call_id)
    elif celery_app.conf.task_always_eager:
        # Eager Celery would run an ETA task at once and cut the interview short; embedded mode
        # relies on the room's timer and the expire_interviews job instead.
        logger.info("no worker to hang up call %s at %s", call_id, deadline.isoformat())
    else:
        call_hangup_task.apply_async(args=[call_id], eta=deadline)


@receiver(interview_ended, dispatch_uid="realtime.hangup_on_end")
def hangup_on_end(
    sender: Any, *, interview_id: str, call_id: str, reason: str = "", **kwargs: Any
) -> None:
    """Hang up the interview's calls (reported and supervised) as soon as the interview ends,
    each once: a reported call id that is also a supervised call's is not hung up twice."""
    why = (
        RealtimeCall.EndReason.TIME_LIMIT
        if reason == "time_limit"
        else RealtimeCall.EndReason.ENDED
    )
    hung_up = live_calls_end(interview_id=interview_id, reason=why)
    for upstream_call_id in hung_up:
        _hangup_now(upstream_call_id)
    if call_id and call_id not in hung_up:
        _hangup_now(call_id)


@receiver(interview_question_completed, dispatch_uid="realtime.hangup_on_next_question")
def hangup_on_next_question(
    sender: Any, *, interview_id: str, question_number: int, **kwargs: Any
) -> None:
    """A completed case question's call is over: the next question gets a call of its own."""
    for upstream_call_id in live_calls_end(
        interview_id=interview_id,
        question_number=question_number,
        reason=RealtimeCall.EndReason.NEXT_QUESTION,
    ):
        _hangup_now(upstream_call_id)


def _hangup_now(call_id: str) -> None:
    # Runs after the interview's own transaction committed: a broker outage (or, in eager mode,
    # the hang-up itself) failing must not turn ending an interview into an error. The upstream
    # ends every call after 60 minutes anyway.
    try:
        call_hangup_task.delay(call_id)
    except Exception:
        logger.exception("could not hang up call %s", call_id)
