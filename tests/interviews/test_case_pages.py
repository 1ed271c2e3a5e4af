"""The case library pages: /cases/ with filters and /cases/<slug>/ with the start form."""

from __future__ import annotations

import pytest

from interviews.models import Interview
from tests.factories import EVALUATOR_SECRET as SECRET
from tests.factories import make_case, make_cases

pytestmark = pytest.mark.django_db


def _rows(response) -> list[str]:
    html = response.content.decode()
    return [chunk.split('"', 1)[0] for chunk in html.split('data-case="')[1:]]


def test_library_lists_published_cases_for_everyone(client) -> None:
    make_case("beta-case", title="Beta case", industry="Energy")
    make_case("alpha-case", title="Alpha case")
    make_case("draft-case", published=False)

    response = client.get("/cases/")

    assert response.status_code == 200
    assert _rows(response) == ["alpha-case", "beta-case"]
    html = response.content.decode()
    assert 'href="/cases/alpha-case/"' in html
    assert "2 cases" in html
    assert SECRET not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=pricing", ["p-easy", "p-hard"]),
        ("difficulty=hard", ["g-hard", "p-hard"]),
        ("lead_type=candidate_led", ["g-hard"]),
        ("industry=Energy", ["p-hard"]),
        ("type=pricing&difficulty=hard&industry=Energy", ["p-hard"]),
        ("type=pricing&difficulty=brutal", ["p-easy", "p-hard"]),  # an unknown value is dropped
        ("type=growth&difficulty=easy", []),
    ],
)
def test_library_filters(client, query: str, expected: list[str]) -> None:
    make_case("p-easy", case_type="pricing", difficulty="easy")
    make_case("p-hard", case_type="pricing", difficulty="hard", industry="Energy")
    make_case("g-hard", case_type="growth", difficulty="hard", lead_type="candidate_led")

    response = client.get(f"/cases/?{query}")

    assert response.status_code == 200
    assert _rows(response) == expected
    if not expected:
        assert 'data-role="case-list-empty"' in response.content.decode()


def test_library_industry_filter_offers_only_published_industries(client) -> None:
    make_case("a", industry="Aviation")
    make_case("b", industry="Secret industry", published=False)

    html = client.get("/cases/").content.decode()

    assert '<option value="Aviation">Aviation</option>' in html
    assert "Secret industry" not in html


def test_library_query_count_is_fixed_as_cases_grow(client, django_assert_num_queries) -> None:
    make_cases(2)
    # Two queries: the industries for the filter menu, the cases with their question counts.
    with django_assert_num_queries(2):
        assert len(_rows(client.get("/cases/?difficulty=medium"))) == 2
    make_cases(20, start=2)
    with django_assert_num_queries(2):
        assert len(_rows(client.get("/cases/?difficulty=medium"))) == 22


def test_library_query_count_is_fixed_for_a_signed_in_candidate(
    client, candidate, django_assert_num_queries
) -> None:
    client.force_login(candidate)
    make_cases(2)
    client.get("/cases/")  # warm the per-user billing snapshot the navigation shows
    with django_assert_num_queries(4):  # session, user, industries, cases
        assert len(_rows(client.get("/cases/"))) == 2
    make_cases(20, start=2)
    with django_assert_num_queries(4):
        assert len(_rows(client.get("/cases/"))) == 22


def test_detail_shows_the_facts_and_never_the_evaluator_context(client, subscriber) -> None:
    make_case(
        "bakery",
        title="Bakery waste",
        case_type="operations",
        difficulty="easy",
        lead_type="candidate_led",
        industry="Food retail",
        estimated_minutes=20,
    )
    client.force_login(subscriber)

    response = client.get("/cases/bakery/")

    assert response.status_code == 200
    html = response.content.decode()
    for fact in ["Bakery waste", "Summary of bakery.", "Operations", "Easy", "Candidate-led",
                 "Food retail", "about 20 minutes", 'data-role="question-count">4: math, math']:  # fmt: skip
        assert fact in html, fact
    assert SECRET not in html
    assert "Question 1 of bakery?" not in html


def test_detail_start_form_posts_the_case_to_the_new_interview_page(client, subscriber) -> None:
    make_case("bakery")
    client.force_login(subscriber)

    html = client.get("/cases/bakery/").content.decode()

    assert 'action="/interviews/new/?case=bakery"' in html
    assert '<input type="hidden" name="case" value="bakery">' in html
    assert 'data-action="start-case">Start this case</button>' in html


def test_starting_from_the_detail_page_creates_a_case_interview(client, subscriber) -> None:
    case = make_case("bakery")
    client.force_login(subscriber)

    response = client.post("/interviews/new/?case=bakery", {"case": "bakery"})

    interview = Interview.objects.get(owner=subscriber)
    assert (interview.kind, interview.case_id) == ("case", case.pk)
    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{interview.pk}/room/"


def test_detail_tells_a_candidate_without_subscription_to_subscribe(client, candidate) -> None:
    make_case("bakery")
    client.force_login(candidate)

    html = client.get("/cases/bakery/").content.decode()

    assert "Case interviews need an active subscription." in html
    assert 'data-action="start-case" disabled>' in html


def test_detail_asks_a_visitor_to_log_in(client) -> None:
    make_case("bakery")

    html = client.get("/cases/bakery/").content.decode()

    assert 'href="/accounts/login/?next=/cases/bakery/"' in html
    assert 'data-role="start-case"' not in html


def test_unpublished_case_is_hidden_except_from_staff(client, candidate, staff) -> None:
    make_case("draft", published=False)

    assert client.get("/cases/draft/").status_code == 404
    client.force_login(candidate)
    assert client.get("/cases/draft/").status_code == 404
    assert client.get("/cases/missing/").status_code == 404
    client.force_login(staff)
    response = client.get("/cases/draft/")
    assert response.status_code == 200
    assert "Unpublished: visible to staff only" in response.content.decode()
