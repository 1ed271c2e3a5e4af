"""What an interview start costs and when it is refunded: the debit, the refund of a start no
session was ever minted for, and the minted / supervised marks that make a start delivered."""

from __future__ import annotations

import logging

from django.db.models.functions import Coalesce
from django.utils import timezone

from billing import entitlements
from billing import services as billing
from interviews.errors import NotEnoughCredits
from interviews.models import Interview

logger = logging.getLogger("interviews.services")  # the lifecycle's logger, as before the split


def _debit_key(interview: Interview) -> str:
    return f"interview-start:{interview.pk}:{interview.start_attempt}"


def _start_charge(*, interview: Interview) -> None:
    cost = entitlements.credit_cost(interview.kind)
    if cost <= 0:
        return
    try:
        result = billing.credits_debit(
            user_id=interview.owner_id,
            amount=cost,
            idempotency_key=_debit_key(interview),
            reference=str(interview.pk),
            reason=f"Job interview: {interview.job_title}"[:200],
        )
    except billing.InsufficientCredits as exc:
        raise NotEnoughCredits(exc.message) from exc
    if result.created:
        interview.credits_charged += -result.entry.delta


def _refund_if_never_minted(*, interview: Interview, reason: str) -> bool:
    """Refund the current start's charge, but only when no session was ever minted for it."""
    if (
        interview.first_minted_at is not None
        or interview.credits_charged <= interview.credits_refunded
    ):
        return False
    try:
        result = billing.credits_refund(debit_idempotency_key=_debit_key(interview), reason=reason)
    except billing.BillingError as exc:
        # nothing_to_refund / already_refunded: the ledger is the truth; never refund twice.
        logger.warning("interview %s refund skipped: %s", interview.pk, exc.code)
        return False
    interview.credits_refunded += result.entry.delta
    return True


def interview_session_minted(*, interview: Interview) -> None:
    """Record that an upstream session was minted (only the first time counts)."""
    if interview.first_minted_at is not None:
        return  # never cleared once set: a reconnect or a later question costs no query
    now = timezone.now()
    updated = Interview.objects.filter(pk=interview.pk, first_minted_at__isnull=True).update(
        first_minted_at=now, updated_at=now
    )
    interview.first_minted_at = (
        now
        if updated
        else Interview.objects.values_list("first_minted_at", flat=True).get(pk=interview.pk)
    )


def interview_call_supervised(*, interview: Interview) -> None:
    """Record that the server created a call: it counts as minted, and the server keeps the
    transcript from now on."""
    if interview.supervised and interview.first_minted_at is not None:
        return  # a reconnect: nothing new to record, no query
    now = timezone.now()
    Interview.objects.filter(pk=interview.pk).update(
        supervised=True, first_minted_at=Coalesce("first_minted_at", now), updated_at=now
    )
    interview.supervised = True
    interview.first_minted_at = interview.first_minted_at or now
