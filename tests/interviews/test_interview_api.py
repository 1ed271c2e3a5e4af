"""Interview API access rules, list and detail."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.factories import api_as, job_interview, started_case_interview, started_job_interview
from tests.factories import coffee_case as make_case

pytestmark = pytest.mark.django_db


def _interview_endpoints() -> list[tuple[str, str]]:
    """(method, path template) of every API endpoint that names one interview, whoever owns it."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                view_class = getattr(pattern.callback, "view_class", None)
                if "<uuid:interview_id>" in route and view_class is not None:
                    for method in ("get", "post", "put", "patch", "delete"):
                        if hasattr(view_class, method):
                            found.append((method, "/" + route))

    walk(get_resolver().url_patterns, "")
    return found


ENDPOINTS = _interview_endpoints()
# A recording is someone's voice: even whether it exists is theirs, so its endpoints answer 404
# (not 403, not 401) to anyone but the owner and staff (DESIGN section 12).
RECORDING_ENDPOINTS = [e for e in ENDPOINTS if "/recording" in e[1]]
OWNED_ENDPOINTS = [e for e in ENDPOINTS if e not in RECORDING_ENDPOINTS]


def _path(template: str, interview_id: object) -> str:
    return (
        template.replace("<uuid:interview_id>", str(interview_id))
        .replace("<int:question_number>", "1")
        .replace("<uuid:call_id>", str(uuid.uuid4()))
    )


def test_the_interview_endpoints_are_all_found():
    paths = {path for _, path in ENDPOINTS}
    for action in ("", "/start", "/end", "/events", "/questions/<int:question_number>/complete"):
        assert f"/api/v1/interviews/<uuid:interview_id>{action}" in paths


@pytest.mark.parametrize(("method", "template"), OWNED_ENDPOINTS)
def test_another_candidate_gets_403_on_every_interview_endpoint(
    candidate, other_candidate, method, template
):
    interview = started_job_interview(candidate)
    response = getattr(api_as(other_candidate), method)(
        _path(template, interview.pk),
        {"events": [{"type": "call", "call_id": "rtc_x"}]},
        format="json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden"
    interview.refresh_from_db()
    assert interview.status == "in_progress" and interview.call_id == ""


@pytest.mark.parametrize(("method", "template"), ENDPOINTS)
def test_unknown_interview_is_404_on_every_interview_endpoint(candidate, method, template):
    response = getattr(api_as(candidate), method)(_path(template, uuid.uuid4()), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "interview_not_found"


@pytest.mark.parametrize(("method", "template"), OWNED_ENDPOINTS)
def test_anonymous_gets_401_on_every_interview_endpoint(candidate, method, template):
    interview = job_interview(candidate)
    response = getattr(APIClient(), method)(_path(template, interview.pk), {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "template"), RECORDING_ENDPOINTS)
def test_recording_endpoints_are_404_to_anyone_else(candidate, other_candidate, method, template):
    interview = started_job_interview(candidate)
    for client in (api_as(other_candidate), APIClient()):
        response = getattr(client, method)(_path(template, interview.pk), {}, format="json")
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "interview_not_found"


def test_the_recording_endpoints_are_all_found():
    assert {(m, p.rsplit("<uuid:interview_id>", 1)[1]) for m, p in RECORDING_ENDPOINTS} == {
        ("get", "/recording"),
        ("delete", "/recording"),
        ("post", "/recording/chunks"),
        ("post", "/recording/complete"),
    }


def test_list_shows_own_interviews_and_staff_see_all(
    candidate, other_candidate, staff, django_assert_num_queries
):
    mine = [job_interview(candidate), started_job_interview(candidate)]
    job_interview(other_candidate)
    client = api_as(candidate)
    # the interviews joined with their cases
    with django_assert_num_queries(1):
        body = client.get("/api/v1/interviews").json()
    assert [row["id"] for row in body] == [str(i.pk) for i in reversed(mine)]
    assert len(api_as(staff).get("/api/v1/interviews").json()) == 3


def test_list_query_count_is_fixed_as_rows_grow(subscriber, django_assert_num_queries):
    for n in range(4):
        started_case_interview(subscriber, make_case(slug=f"case-{n}"))
        job_interview(subscriber)
    with django_assert_num_queries(1):
        assert len(api_as(subscriber).get("/api/v1/interviews").json()) == 8


def test_detail_shows_the_interview_but_never_instructions_or_evaluator_context(subscriber):
    interview = started_case_interview(subscriber)
    response = api_as(subscriber).get(f"/api/v1/interviews/{interview.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(interview.pk) and body["status"] == "in_progress"
    assert body["case"] == {
        "id": interview.case_id,
        "slug": "coffee-chain-profits",
        "title": "Case coffee-chain-profits",
    }
    assert body["deadline"] and body["urls"]["room"] == f"/interviews/{interview.pk}/room/"
    text = response.content.decode()
    assert "instructions" not in text and "Revenue and cost branches" not in text


def test_staff_can_act_on_any_interview(candidate, staff):
    interview = started_job_interview(candidate)
    response = api_as(staff).post(f"/api/v1/interviews/{interview.pk}/end")
    assert response.status_code == 200 and response.json()["status"] == "completed"
