"""Case library pages: the filterable list and one case's detail with its start form."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from interviews.case_library import case_industries, cases_published
from interviews.models import Case
from interviews.views.interviews import CaseInterviewForm, language_preference


class CaseFilterForm(forms.Form):
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *Case.CaseType.choices]
    )
    difficulty = forms.ChoiceField(
        label="Difficulty", required=False, choices=[("", "Any"), *Case.Difficulty.choices]
    )
    lead_type = forms.ChoiceField(
        label="Lead", required=False, choices=[("", "Any lead"), *Case.LeadType.choices]
    )
    industry = forms.ChoiceField(label="Industry", required=False)

    def __init__(self, *args: object, industries: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", "Any industry")] + [(i, i) for i in industries]


def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, industries=case_industries())
    filters: dict = {}
    if form.is_bound:
        # An unknown value in one filter is dropped; the valid ones still apply.
        form.is_valid()
        filters = form.cleaned_data
    cases = cases_published(
        case_type=filters.get("type", ""),
        lead_type=filters.get("lead_type", ""),
        difficulty=filters.get("difficulty", ""),
        industry=filters.get("industry", ""),
    )
    context = {"form": form, "cases": list(cases), "filtered": any(filters.values())}
    return render(request, "interviews/cases/list.html", context)


def case_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = _case_for_page(request, slug)
    context = {
        "case": case,
        "kinds": [question.get_kind_display() for question in case.questions.all()],
        "can_start_case": case.can_be_run_by(request.user),
        "language_form": CaseInterviewForm(initial={"language": language_preference(request.user)}),
    }
    return render(request, "interviews/cases/detail.html", context)


def _case_for_page(request: HttpRequest, slug: str) -> Case:
    case = (
        Case.objects.visible_to(request.user)
        .filter(slug=slug)
        .prefetch_related("questions")
        .first()
    )
    if case is None:
        raise Http404("There is no published case with this address.")
    return case
