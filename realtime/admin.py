from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from realtime.models import RealtimeCall, RealtimeSession


@admin.register(RealtimeSession)
class RealtimeSessionAdmin(admin.ModelAdmin):
    """Mint attempts, read-only: they are facts about what happened upstream."""

    list_display = (
        "created_at",
        "interview",
        "user",
        "question_number",
        "outcome",
        "error_code",
        "model",
        "upstream_ms",
        "total_ms",
    )
    list_filter = ("outcome", "model")
    search_fields = ("interview__id", "user__email", "upstream_session_id")
    list_select_related = ("interview", "user")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: RealtimeSession | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: RealtimeSession | None = None
    ) -> bool:
        return False


@admin.register(RealtimeCall)
class RealtimeCallAdmin(admin.ModelAdmin):
    """Supervised calls, read-only: who holds each sideband, how it ended, what it used."""

    list_display = (
        "created_at",
        "interview",
        "question_number",
        "status",
        "end_reason",
        "leased_by",
        "integrity_restores",
        "input_tokens",
        "output_tokens",
        "audio_seconds",
        "total_ms",
    )
    list_filter = ("status", "end_reason")
    search_fields = ("interview__id", "user__email", "upstream_call_id")
    list_select_related = ("interview",)
    date_hierarchy = "created_at"
    exclude = ("instructions",)  # long; it is the interview's own snapshot

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RealtimeCall | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RealtimeCall | None = None) -> bool:
        return False
