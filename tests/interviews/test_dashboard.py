"""The dashboard lists the candidate's own interviews with a fixed number of queries."""

from __future__ import annotations

import pytest

from tests.factories import (
    case_interview,
    job_interview,
    started_case_interview,
    started_job_interview,
)
from tests.factories import coffee_case as make_case

pytestmark = pytest.mark.django_db


def test_dashboard_needs_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_shows_only_own_interviews_newest_first(client, candidate, other_candidate):
    older = job_interview(candidate, title="Product manager")
    newer = started_job_interview(candidate)
    job_interview(other_candidate, title="Someone else's job")
    client.force_login(candidate)
    html = client.get("/dashboard/").content.decode()
    assert html.index(str(newer.pk)) < html.index(str(older.pk))
    assert "Product manager" in html and "Someone else&#x27;s job" not in html
    assert f'/interviews/{newer.pk}/room/">Continue' in html
    assert f'/interviews/{older.pk}/room/">Open room' in html


def test_dashboard_empty_state(client, candidate):
    client.force_login(candidate)
    assert 'data-role="no-interviews"' in client.get("/dashboard/").content.decode()


def test_dashboard_query_count_is_fixed_as_rows_grow(client, subscriber, django_assert_num_queries):
    started_job_interview(subscriber)
    client.force_login(subscriber)
    client.get("/dashboard/")  # warm the cached billing snapshot the nav reads
    # session, user, profile (display name), interviews joined with their cases
    with django_assert_num_queries(4):
        assert client.get("/dashboard/").status_code == 200
    for n in range(3):
        case = make_case(slug=f"case-{n}")
        started_case_interview(subscriber, case)
        case_interview(subscriber, case)
    job_interview(subscriber)
    client.get("/dashboard/")  # the new interviews' ledger changes dropped the snapshot
    with django_assert_num_queries(4):
        html = client.get("/dashboard/").content.decode()
    assert html.count("<tr data-interview=") == 8
