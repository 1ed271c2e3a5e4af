"""Every lifecycle operation from every status: the legal moves and the clear refusals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from interviews import services
from interviews.models import Case, Interview
from tests.factories import api_as, case_interview, make_subscription, started_case_interview
from tests.factories import coffee_case as make_case

pytestmark = pytest.mark.django_db


def _interview_in(status: str, owner) -> Interview:
    if status == "draft":
        return case_interview(owner)
    interview = started_case_interview(owner)
    if status != "in_progress":
        Interview.objects.filter(pk=interview.pk).update(status=status, ended_at=timezone.now())
    return Interview.objects.get(pk=interview.pk)


def _start(interview: Interview) -> None:
    services.interview_start(interview=interview, actor=interview.owner)


def _complete_first(interview: Interview) -> None:
    services.interview_question_complete(
        interview=interview, actor=interview.owner, question_number=1
    )


def _end(interview: Interview) -> None:
    services.interview_end(interview=interview, actor=interview.owner)


def _fail(interview: Interview) -> None:
    services.interview_fail(interview=interview, reason="test")


def _revert(interview: Interview) -> None:
    services.interview_start_revert(interview=interview, reason="test")


OPERATIONS = {
    "start": _start,
    "complete": _complete_first,
    "end": _end,
    "fail": _fail,
    "revert": _revert,
}

# (status before, operation) -> the status after, or the error code it refuses with.
EXPECTED = {
    ("draft", "start"): "in_progress",
    ("draft", "complete"): "interview_not_in_progress",
    ("draft", "end"): "interview_not_in_progress",
    ("draft", "fail"): "failed",
    ("draft", "revert"): "draft",
    ("in_progress", "start"): "in_progress",
    ("in_progress", "complete"): "in_progress",
    ("in_progress", "end"): "completed",
    ("in_progress", "fail"): "failed",
    ("in_progress", "revert"): "draft",
    ("completed", "start"): "invalid_transition",
    ("completed", "complete"): "interview_not_in_progress",
    ("completed", "end"): "completed",
    ("completed", "fail"): "invalid_transition",
    ("completed", "revert"): "completed",
    ("abandoned", "start"): "invalid_transition",
    ("abandoned", "complete"): "interview_not_in_progress",
    ("abandoned", "end"): "interview_not_in_progress",
    ("abandoned", "fail"): "invalid_transition",
    ("abandoned", "revert"): "abandoned",
    ("failed", "start"): "invalid_transition",
    ("failed", "complete"): "interview_not_in_progress",
    ("failed", "end"): "interview_not_in_progress",
    ("failed", "fail"): "invalid_transition",
    ("failed", "revert"): "failed",
}


def test_the_table_covers_every_status_and_operation():
    assert {status for status, _ in EXPECTED} == set(Interview.Status.values)
    assert len(EXPECTED) == len(Interview.Status.values) * len(OPERATIONS)


@pytest.mark.parametrize(("status", "operation"), sorted(EXPECTED))
def test_every_operation_from_every_status(subscriber, status, operation):
    interview = _interview_in(status, subscriber)
    expected = EXPECTED[(status, operation)]
    if expected in Interview.Status.values:
        OPERATIONS[operation](interview)
        assert Interview.objects.get(pk=interview.pk).status == expected
        return
    before = Interview.objects.filter(pk=interview.pk).values().get()
    with pytest.raises(services.InterviewError) as excinfo:
        OPERATIONS[operation](interview)
    assert excinfo.value.code == expected
    assert excinfo.value.message.endswith(".")
    # A refusal changes nothing at all.
    assert Interview.objects.filter(pk=interview.pk).values().get() == before


# --- the one staff / subscription rule for case interviews (start here, tokens in realtime) ------


def test_case_access_goes_by_the_owners_subscription_or_a_staff_actor(candidate, subscriber, staff):
    case = make_case()
    unsubscribed = case_interview(candidate, case)
    subscribed = case_interview(subscriber, case)
    assert unsubscribed.can_be_run_by(candidate) is False
    assert unsubscribed.can_be_run_by(staff) is True
    assert subscribed.can_be_run_by(subscriber) is True
    make_subscription(candidate)
    assert unsubscribed.can_be_run_by(candidate) is True


def test_staff_may_start_a_case_interview_for_a_candidate_without_subscription(candidate, staff):
    interview = case_interview(candidate)
    assert api_as(candidate).post(f"/api/v1/interviews/{interview.pk}/start").status_code == 403
    response = api_as(staff).post(f"/api/v1/interviews/{interview.pk}/start")
    assert response.status_code == 200, response.json()
    assert Interview.objects.get(pk=interview.pk).status == "in_progress"


def test_a_case_unpublished_or_emptied_since_the_draft_cannot_be_started(subscriber, staff):
    unpublished = case_interview(subscriber, make_case(slug="pulled"))
    emptied = case_interview(subscriber, make_case(slug="emptied"))
    Case.objects.filter(slug="pulled").update(published=False)
    emptied.case.questions.all().delete()
    for interview in (unpublished, emptied):
        response = api_as(subscriber).post(f"/api/v1/interviews/{interview.pk}/start")
        assert response.status_code == 409
        assert response.json()["code"] == "case_unavailable"
        interview.refresh_from_db()
        assert interview.status == "draft" and interview.case_snapshot == {}
    # Staff may still try out an unpublished case.
    staff_draft = case_interview(staff, Case.objects.get(slug="pulled"))
    assert api_as(staff).post(f"/api/v1/interviews/{staff_draft.pk}/start").status_code == 200
