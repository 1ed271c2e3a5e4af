"""Shareable read-only links to a report."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from interviews.models import Interview, ReportShare
from vocahire.lib.errors import AppError

SHARE_DAYS = 14


class ReportShareError(AppError):
    """Sharing was refused; the message says why in words a person can act on."""

    code = "share_refused"


@transaction.atomic
def report_share_create(
    *, interview: Interview, actor: User, include_recording: bool = False
) -> ReportShare:
    """The report's one live link (a new unguessable one, valid SHARE_DAYS, if none is live);
    asking again with the recording ticked or not changes that on the live link."""
    if interview.owner_id != getattr(actor, "pk", None):
        raise ReportShareError("Only the person who took the interview can share its report.")
    if interview.feedback_status not in (
        Interview.FeedbackStatus.READY,
        Interview.FeedbackStatus.FAILED,
    ):
        raise ReportShareError("There is no report to share yet.")
    # Lock the interview so two quick clicks cannot make two live links.
    Interview.objects.select_for_update().filter(pk=interview.pk).first()
    live = report_shares_active(interview=interview).first()
    if live is not None:
        if live.include_recording != include_recording:
            live.include_recording = include_recording
            live.save(update_fields=["include_recording"])
        return live
    now = timezone.now()
    return ReportShare.objects.create(
        interview=interview,
        token=secrets.token_urlsafe(32),
        include_recording=include_recording,
        created_at=now,
        expires_at=now + timedelta(days=SHARE_DAYS),
    )


def report_share_revoke(*, interview: Interview, actor: User, share_id: int) -> None:
    """Revoke one of the owner's links at once; revoking twice is harmless."""
    if interview.owner_id != getattr(actor, "pk", None):
        raise ReportShareError("Only the person who took the interview can revoke its links.")
    ReportShare.objects.filter(pk=share_id, interview=interview, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def report_shares_active(*, interview: Interview) -> QuerySet[ReportShare]:
    """The interview's links that still open the report."""
    return ReportShare.objects.filter(
        interview=interview, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def report_share_lookup(*, token: str) -> ReportShare | None:
    """The share for a token, with its interview and feedback, even if revoked or expired."""
    # The caller checks `is_valid`: a dead link says so instead of looking like a typo.
    return (
        ReportShare.objects.select_related("interview", "interview__feedback")
        .filter(token=token)
        .first()
    )
