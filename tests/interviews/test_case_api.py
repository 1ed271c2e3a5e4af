"""GET /api/v1/cases and /api/v1/cases/{id}: published cases, question counts, no evaluator context."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from interviews.case_library import BUNDLED_CASES_PATH, cases_import
from interviews.models import Case
from tests.factories import EVALUATOR_SECRET as SECRET
from tests.factories import api_as, make_case, make_cases

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "id",
    "slug",
    "title",
    "case_type",
    "lead_type",
    "difficulty",
    "industry",
    "summary",
    "estimated_minutes",
    "free",
    "version",
    "question_count",
}


def test_list_returns_published_cases_with_question_counts(candidate) -> None:
    make_case("beta-case", questions=3)
    make_case("alpha-case", title="Alpha case", questions=4)
    make_case("draft-case", published=False)

    response = api_as(candidate).get("/api/v1/cases")

    assert response.status_code == 200
    body = response.json()
    assert [(c["slug"], c["question_count"]) for c in body] == [
        ("alpha-case", 4),
        ("beta-case", 3),
    ]
    assert set(body[0]) == LIST_FIELDS


def test_list_is_public_like_the_case_library_page() -> None:
    make_case("open-case")

    response = APIClient().get("/api/v1/cases")

    assert response.status_code == 200
    assert [c["slug"] for c in response.json()] == ["open-case"]


def test_list_filters_by_type_lead_difficulty_and_industry(candidate) -> None:
    make_case("p-easy", case_type="pricing", difficulty="easy", industry="Retail")
    make_case("p-hard", case_type="pricing", difficulty="hard", industry="Energy")
    make_case("g-hard", case_type="growth", difficulty="hard", lead_type="candidate_led")
    client = api_as(candidate)

    def slugs(query: str) -> list[str]:
        return sorted(c["slug"] for c in client.get(f"/api/v1/cases?{query}").json())

    assert slugs("type=pricing") == ["p-easy", "p-hard"]
    assert slugs("type=pricing&difficulty=hard") == ["p-hard"]
    assert slugs("lead_type=candidate_led") == ["g-hard"]
    assert slugs("industry=energy") == ["p-hard"]


def test_list_rejects_an_unknown_filter_value(candidate) -> None:
    response = api_as(candidate).get("/api/v1/cases?difficulty=brutal")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"].startswith("difficulty:")


def test_detail_returns_the_case_with_its_prompt(candidate) -> None:
    case = make_case("solo-case", questions=2)

    response = api_as(candidate).get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == LIST_FIELDS | {"brief", "prompt"}
    assert (body["slug"], body["question_count"], body["brief"], body["prompt"]) == (
        "solo-case",
        2,
        "Context of solo-case.",
        "Context of solo-case.",
    )


def test_detail_of_an_unpublished_or_unknown_case_is_not_found(candidate, staff) -> None:
    draft = make_case("draft-case", published=False)

    for client, case_id in [
        (api_as(candidate), draft.pk),
        (api_as(staff), draft.pk),
        (api_as(candidate), 999),
    ]:
        response = client.get(f"/api/v1/cases/{case_id}")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "There is no published case with this id.",
            "code": "case_not_found",
        }


def test_the_api_never_leaks_evaluator_context_or_question_prompts(candidate) -> None:
    cases_import(path=BUNDLED_CASES_PATH)
    client = api_as(candidate)
    secrets = [q.evaluator_context for c in Case.objects.all() for q in c.questions.all()]
    prompts = [q.prompt for c in Case.objects.all() for q in c.questions.all()]
    bodies = [client.get("/api/v1/cases").content.decode()]
    bodies += [
        client.get(f"/api/v1/cases/{pk}").content.decode()
        for pk in Case.objects.values_list("pk", flat=True)
    ]

    for body in bodies:
        assert "evaluator" not in body
        assert not any(secret[:80] in body for secret in secrets)
        assert not any(prompt[:80] in body for prompt in prompts)
    assert len(bodies) == Case.objects.count() + 1


def test_list_query_count_stays_fixed_as_cases_grow(candidate, django_assert_num_queries) -> None:
    client = api_as(candidate)
    make_cases(2)
    # One query: published cases with their question count (force_authenticate needs none).
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/cases").json()) == 2
    make_cases(20, start=2)
    with django_assert_num_queries(1):
        response = client.get("/api/v1/cases")
    assert len(response.json()) == 22
    assert SECRET not in response.content.decode()


def test_detail_is_public_like_the_case_library_page() -> None:
    case = make_case("open-case")

    response = APIClient().get(f"/api/v1/cases/{case.pk}")

    assert response.status_code == 200
    assert response.json()["slug"] == "open-case"
