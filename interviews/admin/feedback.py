"""The feedback side of the interview admin: the report inline, share links, regenerate action.

Attached to InterviewAdmin by interviews/admin/__init__.py, so each part of the admin
stays in the module of the people who own it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from interviews.feedback import feedback_request
from interviews.models import Feedback, Interview, ReportShare


class FeedbackInline(admin.StackedInline):
    model = Feedback
    extra = 0
    can_delete = False
    fields = ["source", "model", "attempts", "error", "assessment", "analytics", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReportShareInline(admin.TabularInline):
    model = ReportShare
    extra = 0
    fields = ["created_at", "expires_at", "revoked_at"]  # never the token: it is a credential
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.action(description="Write the report again")
def regenerate_feedback(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Interview]
) -> None:
    from interviews.tasks import feedback_generate_task

    finished = [i for i in queryset if i.is_finished]
    for interview in finished:
        feedback_request(interview=interview)
        feedback_generate_task.delay(str(interview.pk))
    modeladmin.message_user(
        request, f"Report queued for {len(finished)} finished interview(s).", messages.SUCCESS
    )


def feedback_admin_attach(model_admin: type[admin.ModelAdmin]) -> None:
    """Add the feedback inline, the share links and the regenerate action to an admin class."""
    model_admin.inlines = [*model_admin.inlines, FeedbackInline, ReportShareInline]
    model_admin.actions = [*(model_admin.actions or []), regenerate_feedback]
