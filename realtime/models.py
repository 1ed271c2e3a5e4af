from __future__ import annotations

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
