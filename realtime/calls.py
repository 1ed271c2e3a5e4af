"""Live calls ending: one call per question, the unsupervised sweep, quiet upstream hang-ups.

Below `realtime.services` (which re-exports these names) and `realtime.attempts`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connections, router
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
    for upstream_call_id in live_calls_end(
        interview_id=call.interview_id,
        question_number=call.question_number,
        keep=call.pk,
        reason=RealtimeCall.EndReason.ENDED,
    ):
        hangup_quietly(upstream_call_id)


_EVERY_QUESTION = object()


def live_calls_end(
    *,
    interview_id: object,
    reason: str,
    question_number: int | None | object = _EVERY_QUESTION,
    keep: object = None,
) -> list[str]:
    """Mark the interview's live calls ended (those of one question when `question_number` is
    given, None being a job interview's; all but `keep`) in one UPDATE ... RETURNING, with no
    SELECT before it or ORM query to compile: the upstream call ids of the calls it ended, each
    once however many ask at the same time. Hanging them up is the caller's."""
    meta = RealtimeCall._meta
    connection = connections[router.db_for_write(RealtimeCall)]
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    def value(name: str, raw: object) -> object:
        return meta.get_field(name).get_db_prep_value(raw, connection)

    where = [f"{column('interview')} = %s", f"{column('status')} = %s"]
    params = [
        value("status", RealtimeCall.Status.ENDED),
        value("end_reason", reason),
        value("ended_at", timezone.now()),
        value("interview", interview_id),
        value("status", RealtimeCall.Status.LIVE),
    ]
    if question_number is None:
        where.append(f"{column('question_number')} IS NULL")
    elif question_number is not _EVERY_QUESTION:
        where.append(f"{column('question_number')} = %s")
        params.append(value("question_number", question_number))
    if keep is not None:
        where.append(f"{column('id')} <> %s")
        params.append(value("id", keep))
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column('status')} = %s, "
        f"{column('end_reason')} = %s, {column('ended_at')} = %s "
        f"WHERE {' AND '.join(where)} RETURNING {column('upstream_call_id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [upstream_call_id for (upstream_call_id,) in cursor.fetchall() if upstream_call_id]


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
