"""Live calls ending: one call per question, the unsupervised sweep, quiet upstream hang-ups.

Below `realtime.services` (which re-exports these names) and `realtime.attempts`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
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


def _returning(connection: BaseDatabaseWrapper) -> bool:
    """UPDATE ... RETURNING: PostgreSQL, and SQLite from 3.35 (Django allows 3.31)."""
    return bool(connection.features.can_return_columns_from_insert)


def live_calls_end(
    *,
    interview_id: object,
    reason: str,
    question_number: int | None | object = _EVERY_QUESTION,
    keep: object = None,
) -> list[str]:
    """Mark the interview's live calls ended (those of one question when `question_number` is
    given, None being a job interview's; all but `keep`) in one UPDATE ... RETURNING, with no
    SELECT before it or ORM query to compile (a SELECT, then an UPDATE per call, on an SQLite too
    old for RETURNING): the upstream call ids of the calls it ended, each once however many ask
    at the same time. Hanging them up is the caller's."""
    meta = RealtimeCall._meta
    connection = connections[router.db_for_write(RealtimeCall)]
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    def value(name: str, raw: object) -> object:
        return meta.get_field(name).get_db_prep_value(raw, connection)

    where = [f"{column('interview')} = %s", f"{column('status')} = %s"]
    where_params = [value("interview", interview_id), value("status", RealtimeCall.Status.LIVE)]
    if question_number is None:
        where.append(f"{column('question_number')} IS NULL")
    elif question_number is not _EVERY_QUESTION:
        where.append(f"{column('question_number')} = %s")
        where_params.append(value("question_number", question_number))
    if keep is not None:
        where.append(f"{column('id')} <> %s")
        where_params.append(value("id", keep))
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if _returning(connection):
            cursor.execute(
                f"UPDATE {table} SET {column('status')} = %s, {column('end_reason')} = %s, "
                f"{column('ended_at')} = %s WHERE {' AND '.join(where)} "
                f"RETURNING {column('upstream_call_id')}",
                [
                    value("status", RealtimeCall.Status.ENDED),
                    value("end_reason", reason),
                    value("ended_at", timezone.now()),
                    *where_params,
                ],
            )
            return [upstream for (upstream,) in cursor.fetchall() if upstream]
        # SQLite before 3.35 has no RETURNING: read the live calls, then end each one still live
        # as one call is ended anywhere else ("each once" when two ask at the same time).
        cursor.execute(
            f"SELECT {column('id')}, {column('upstream_call_id')} FROM {table} "
            f"WHERE {' AND '.join(where)}",
            where_params,
        )
        live_calls = cursor.fetchall()
    return [
        upstream
        for pk, upstream in live_calls
        if realtime_call_end(call=RealtimeCall(pk=pk), reason=reason, hangup=False) and upstream
    ]


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
