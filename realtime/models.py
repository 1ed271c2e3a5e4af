from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RealtimeSession(models.Model):
    """One mint attempt for an interview. The client secret is never stored."""

    class Outcome(models.TextChoices):
        MINTED = "minted", "Minted"
        UPSTREAM_ERROR = "upstream_error", "Upstream error"
        BREAKER_OPEN = "breaker_open", "Breaker open"

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="realtime_sessions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question_number = models.PositiveSmallIntegerField(null=True, blank=True)
    upstream_session_id = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=60)
    voice = models.CharField(max_length=30)
    ttl = models.PositiveIntegerField()
    expires_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    error_code = models.CharField(max_length=60, blank=True)
    db_ms = models.FloatField(default=0)
    upstream_ms = models.FloatField(default=0)
    total_ms = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.interview_id} q{self.question_number or '-'} {self.outcome}"


class RealtimeCallQuerySet(models.QuerySet["RealtimeCall"]):
    def live(self) -> RealtimeCallQuerySet:
        return self.filter(status=RealtimeCall.Status.LIVE)


class RealtimeCall(models.Model):
    """One call the server created upstream for the room, watched by a supervisor's sideband."""

    class Status(models.TextChoices):
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"
        FAILED = "failed", "Failed"

    class EndReason(models.TextChoices):
        TIME_LIMIT = "time_limit", "Time limit"
        ENDED = "ended", "Ended"
        NEXT_QUESTION = "next_question", "Next question"
        UPSTREAM = "upstream", "Upstream"
        INTEGRITY = "integrity", "Integrity"
        SUPERVISOR_LOST = "supervisor_lost", "Supervisor lost"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="realtime_calls"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question_number = models.PositiveSmallIntegerField(null=True, blank=True)
    upstream_call_id = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.LIVE)
    # What the server told upstream; the supervisor restores these when a client changes them.
    instructions = models.TextField(blank=True)
    voice = models.CharField(max_length=30, blank=True)
    tools = models.JSONField(default=list, blank=True)
    # The supervisor holding the sideband: renewed every few seconds; a lapsed lease is taken over.
    leased_by = models.CharField(max_length=100, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attaches = models.PositiveIntegerField(default=0)
    # The first response.create (the greeting) is the supervisor's, so no turn precedes it.
    greeted = models.BooleanField(default=False)
    integrity_restores = models.PositiveSmallIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    audio_seconds = models.FloatField(default=0)
    error_code = models.CharField(max_length=60, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    db_ms = models.FloatField(default=0)
    upstream_ms = models.FloatField(default=0)
    total_ms = models.FloatField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = RealtimeCallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.upstream_call_id or self.pk} {self.status}"

    @property
    def usage(self) -> dict[str, float]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "audio_seconds": round(self.audio_seconds, 1),
        }
