"""Live calls ending: one call per question, the unsupervised sweep, quiet upstream hang-ups.

Below `realtime.services` (which re-exports these names) and `realtime.attempts`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from realtime.models import RealtimeCall
from vocahire.lib import openai_gateway as gateway

logger = logging.getLogger("vocahire.realtime.mint")

UNSUPERVISED_GRACE_SECONDS = 60


def realtime_calls_unsupervised_end(*, grace_seconds: int = UNSUPERVISED_GRACE_SECONDS) -> int:
    """Hang up live calls no supervisor has held for a while (none running, or all crashed):
    unwatched, they would run to upstream's 60-minute cap with no transcript or time limit."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    orphans = RealtimeCall.objects.live().filter(
        Q(lease_until__isnull=True, created_at__lt=cutoff) | Q(lease_until__lt=cutoff)
    )
    ended = 0
    for call in orphans.only("pk", "upstream_call_id"):
        ended += realtime_call_end(call=call, reason=RealtimeCall.EndReason.SUPERVISOR_LOST)
    if ended:
        logger.warning("hung up %d live calls no supervisor held", ended)
    return ended


def earlier_calls_end(call: RealtimeCall) -> None:
    # One live call per interview question: a reconnect replaces the call before it, so one paid
    # interview never runs parallel sessions upstream.
    earlier = RealtimeCall.objects.live().filter(
        interview_id=call.interview_id, question_number=call.question_number
    )
    for previous in earlier.exclude(pk=call.pk).only("pk", "upstream_call_id"):
        realtime_call_end(call=previous, reason=RealtimeCall.EndReason.ENDED)


def realtime_call_end(*, call: RealtimeCall, reason: str, hangup: bool = True) -> bool:
    """Mark a live call ended (once) and hang it up upstream; False if it had already ended."""
    ended = RealtimeCall.objects.filter(pk=call.pk, status=RealtimeCall.Status.LIVE).update(
        status=RealtimeCall.Status.ENDED, end_reason=reason, ended_at=timezone.now()
    )
    if ended and hangup and call.upstream_call_id:
        hangup_quietly(call.upstream_call_id)
    return bool(ended)


def hangup_quietly(call_id: str) -> None:
    try:
        gateway.call_hangup(call_id=call_id)
    except gateway.OpenAIError as exc:
        logger.warning("call hang-up failed call_id=%s code=%s", call_id, exc.code)
