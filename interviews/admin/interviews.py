from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from interviews.models import Interview, StageTiming, TranscriptTurn


class TranscriptTurnInline(admin.TabularInline):
    model = TranscriptTurn
    extra = 0
    fields = ["question_number", "speaker", "text", "start_ms", "duration_ms", "source"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Interview | None = None) -> bool:
        return False


class StageTimingInline(admin.TabularInline):
    model = StageTiming
    extra = 0
    fields = ["attempt", "question_number", "stage", "elapsed_ms", "error", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Interview | None = None) -> bool:
        return False


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "owner",
        "kind",
        "status",
        "credits_charged",
        "credits_refunded",
        "started_at",
        "created_at",
    ]
    list_filter = ["kind", "language", "status", "feedback_status"]
    list_select_related = ["owner", "case"]
    search_fields = ["id", "owner__email", "job_title", "case__title", "call_id"]
    date_hierarchy = "created_at"
    raw_id_fields = ["owner", "case"]
    inlines = [TranscriptTurnInline, StageTimingInline]
    # Money and lifecycle facts change only through interviews.services, never by hand here.
    readonly_fields = [
        "id",
        "status",
        "credits_charged",
        "credits_refunded",
        "start_attempt",
        "first_minted_at",
        "started_at",
        "ended_at",
        "end_reason",
        "call_id",
        "case_snapshot",
        "instructions_snapshot",
        "question_count",
        "current_question",
        "questions_completed",
        "feedback_status",
        "retry_of",
        "retry_question",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
