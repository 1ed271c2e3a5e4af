"""Admin for the case library: inline questions, a publish toggle, and the generated instructions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString

from interviews.case_library import (
    case_fingerprint,
    case_snapshot,
    case_version_bump,
    cases_publish,
)
from interviews.instructions import case_instructions
from interviews.models import Case, CaseQuestion


class CaseQuestionForm(forms.ModelForm):
    class Meta:
        model = CaseQuestion
        fields = [
            "number",
            "kind",
            "prompt",
            "interviewer_data",
            "exhibit",
            "evaluator_context",
            "expected",
            "hints",
        ]

    def clean_hints(self) -> list:
        # An emptied hints box means no hints, not a missing value.
        return self.cleaned_data.get("hints") or []


class CaseQuestionInline(admin.StackedInline):
    model = CaseQuestion
    form = CaseQuestionForm
    extra = 0
    fields = CaseQuestionForm.Meta.fields
    ordering = ["number"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "case_type",
        "lead_type",
        "difficulty",
        "industry",
        "question_count",
        "version",
        "free",
        "published",
    ]
    list_editable = ["published"]
    list_filter = ["published", "free", "case_type", "lead_type", "difficulty", "industry"]
    search_fields = ["title", "slug", "industry", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["version", "created_at", "updated_at", "instructions_preview"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "published", "free", "summary", "brief"]}),
        (
            "Classification",
            {"fields": ["case_type", "lead_type", "difficulty", "industry", "estimated_minutes"]},
        ),
        (
            "Preview: what the candidate sees and what the interviewer is told",
            {"fields": ["instructions_preview"]},
        ),
        ("History", {"fields": ["version", "created_at", "updated_at"]}),
    ]
    inlines = [CaseQuestionInline]
    actions = ["publish", "unpublish"]

    def save_model(self, request: HttpRequest, case: Case, form: Any, change: bool) -> None:
        # The questions are saved after the case, so the comparison waits for save_related;
        # the request carries the "before" picture between the two calls.
        request.case_before = case_fingerprint(case_id=case.pk) if change else None
        super().save_model(request, case, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before = getattr(request, "case_before", None)
        case_id = form.instance.pk
        if before is not None and case_fingerprint(case_id=case_id) != before:
            case_version_bump(case_id=case_id)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, case: Case) -> int:
        return case.question_total

    @admin.display(description="Per question: the candidate's screen, and the interviewer's brief")
    def instructions_preview(self, case: Case) -> SafeString:
        if case.pk is None:
            return format_html("<p>{}</p>", "Save the case with its questions to see a preview.")
        snapshot = case_snapshot(case)
        total = len(snapshot["questions"])
        if not total:
            return format_html("<p>{}</p>", "Add questions to see the instructions.")
        questions = [
            {
                **q,
                "total": total,
                "instructions": case_instructions(
                    case_snapshot=snapshot, question_number=q["number"]
                ),
            }
            for q in snapshot["questions"]
        ]
        context = {"brief": snapshot["brief"], "questions": questions}
        return render_to_string("interviews/cases/_admin_preview.html", context)

    @admin.action(description="Publish the selected cases")
    def publish(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        changed = cases_publish(
            case_ids=list(queryset.values_list("pk", flat=True)), published=True
        )
        self.message_user(request, f"{changed} case(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish the selected cases")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        changed = cases_publish(case_ids=ids, published=False)
        self.message_user(request, f"{changed} case(s) unpublished.", messages.SUCCESS)
