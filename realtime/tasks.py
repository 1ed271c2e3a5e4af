"""Celery tasks of the realtime app: thin wrappers around the gateway."""

from __future__ import annotations

import logging

from celery import shared_task

from realtime import services
from vocahire.lib import openai_gateway as gateway

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def calls_unsupervised_end_task() -> int:
    """Beat: hang up live calls that no supervisor has held for a minute."""
    return services.realtime_calls_unsupervised_end()


@shared_task(bind=True, max_retries=4, ignore_result=True)
def call_hangup_task(self, call_id: str) -> None:  # noqa: ANN001 - celery's bound task
    """Hang up a realtime call; a call that is already gone (404) is fine."""
    try:
        gateway.call_hangup(call_id=call_id)
    except gateway.OpenAIError as exc:
        if exc.status == 404:
            return
        # Eager mode (embedded default) has no worker to retry later: the gateway's own retry
        # was the last try, and a failed hang-up must not break the request that ended the call.
        if exc.retryable and not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        logger.warning("call hang-up failed call_id=%s code=%s", call_id, exc.code)
