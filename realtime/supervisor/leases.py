"""The supervisor's database side: claim and renew leases on live calls, record what it saw.

Every function here is synchronous and runs on the supervisor's one database thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Now

from interviews import services as lifecycle
from interviews.models import Interview, StageTiming
from realtime import services
from realtime.models import RealtimeCall

Status = RealtimeCall.Status


@dataclass(frozen=True)
class CallLease:
    """What a sideband needs to follow one call: ids, the server's session, the deadline."""

    id: uuid.UUID
    interview_id: uuid.UUID
    upstream_call_id: str
    question_number: int | None
    instructions: str
    voice: str
    tools: list
    greeted: bool
    integrity_restores: int
    deadline: datetime  # the interview's, or the upstream's 60-minute cap if it has none
    created_at: datetime
    offset_ms: int  # from the interview's start to this call's creation, for turn times
    transcription: dict | None


@dataclass(frozen=True)
class CallState:
    """A leased call as the database sees it at a renewal."""

    mine: bool
    live: bool
    interview_finished: bool
    current_question: int
    deadline: datetime | None


# Leases are read and written with the database's clock, so supervisors on hosts whose clocks
# disagree still agree on whose lease has lapsed.
def _lapsed() -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=Now())


def _lease_end() -> ExpressionWrapper:
    lease = timedelta(seconds=settings.SUPERVISOR_LEASE_SECONDS)
    return ExpressionWrapper(Now() + lease, output_field=DateTimeField())


def calls_claim(*, owner: str, limit: int = 200) -> list[CallLease]:
    """Lease live calls nobody holds (or whose holder's lease lapsed) to `owner`."""
    with transaction.atomic():
        # SKIP LOCKED lets many supervisors claim side by side on PostgreSQL; the conditional
        # update below is what makes a claim exclusive on every database.
        ids = list(
            RealtimeCall.objects.live()
            .filter(_lapsed())
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        RealtimeCall.objects.filter(pk__in=ids, status=Status.LIVE).filter(_lapsed()).update(
            leased_by=owner, lease_until=_lease_end(), attaches=F("attaches") + 1
        )
    rows = RealtimeCall.objects.filter(pk__in=ids, leased_by=owner, status=Status.LIVE)
    return [_lease(call) for call in rows.select_related("interview")]


def _lease(call: RealtimeCall) -> CallLease:
    interview = call.interview
    started = interview.started_at or call.created_at
    return CallLease(
        id=call.pk,
        interview_id=call.interview_id,
        upstream_call_id=call.upstream_call_id,
        question_number=call.question_number,
        instructions=call.instructions,
        voice=call.voice,
        tools=call.tools or [],
        greeted=call.greeted,
        integrity_restores=call.integrity_restores,
        deadline=interview.deadline or call.created_at + timedelta(minutes=60),
        created_at=call.created_at,
        offset_ms=max(0, int((call.created_at - started).total_seconds() * 1000)),
        # Restored as sent: the model told the interview's language.
        transcription=services.transcription_config(language=interview.language),
    )


def calls_renew(*, owner: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, CallState]:
    """Extend the leases `owner` still holds; say how each call and its interview stand now."""
    if not ids:
        return {}
    RealtimeCall.objects.filter(pk__in=ids, leased_by=owner, status=Status.LIVE).update(
        lease_until=_lease_end()
    )
    rows = RealtimeCall.objects.filter(pk__in=ids).values_list(
        "pk",
        "leased_by",
        "status",
        "interview__status",
        "interview__current_question",
        "interview__started_at",
        "interview__time_limit_minutes",
    )
    finished = {Interview.Status.COMPLETED, Interview.Status.ABANDONED, Interview.Status.FAILED}
    return {
        pk: CallState(
            mine=leased_by == owner,
            live=status == Status.LIVE,
            interview_finished=interview_status in finished,
            current_question=current,
            deadline=started + timedelta(minutes=minutes) if started else None,
        )
        for pk, leased_by, status, interview_status, current, started, minutes in rows
    }


def calls_release(*, owner: str, ids: list[uuid.UUID]) -> None:
    """Give up leases on a clean shutdown, so another supervisor attaches at once."""
    RealtimeCall.objects.filter(pk__in=ids, leased_by=owner).update(leased_by="", lease_until=None)


def call_end(*, call_id: uuid.UUID, reason: str) -> bool:
    """Mark a live call ended with `reason` (the supervisor hung it up itself, or it is gone);
    False when something else ended it first."""
    return services.realtime_call_end(call=RealtimeCall(pk=call_id), reason=reason, hangup=False)


def call_client_live(*, interview_id: uuid.UUID, question_number: int, since: datetime) -> bool:
    """Has the room reported this question's audio link live since the call was created?"""
    return StageTiming.objects.filter(
        interview_id=interview_id,
        question_number=question_number,
        stage__in=("data_channel_open", "active"),
        created_at__gte=since,
    ).exists()


def call_integrity_restored(*, call_id: uuid.UUID, restores: int) -> None:
    RealtimeCall.objects.filter(pk=call_id).update(integrity_restores=restores)


@dataclass
class UsageDelta:
    input_tokens: int = 0
    output_tokens: int = 0
    audio_seconds: float = 0.0


def records_write(
    *,
    turns: list[lifecycle.ServerTurn],
    usage: dict[uuid.UUID, UsageDelta],
    greeted: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset(),
) -> None:
    """One drain of the supervisor's queue in at most three statements, however many calls:
    the turns in one insert, every call's usage in one update, the greeted flags in another."""
    with transaction.atomic():
        if turns:
            lifecycle.interview_turns_record_server(turns=turns)
        if usage:
            RealtimeCall.objects.filter(pk__in=list(usage)).update(
                input_tokens=F("input_tokens") + _per_call(usage, "input_tokens", IntegerField()),
                output_tokens=F("output_tokens")
                + _per_call(usage, "output_tokens", IntegerField()),
                audio_seconds=F("audio_seconds") + _per_call(usage, "audio_seconds", FloatField()),
            )
        if greeted:
            RealtimeCall.objects.filter(pk__in=list(greeted)).update(greeted=True)


def _per_call(usage: dict[uuid.UUID, UsageDelta], name: str, field: Field) -> Case:
    whens = [When(pk=call_id, then=Value(getattr(delta, name))) for call_id, delta in usage.items()]
    return Case(*whens, default=Value(0), output_field=field)
