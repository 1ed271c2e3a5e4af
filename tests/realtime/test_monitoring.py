"""The staff page with p50/p95 per room stage over the last 7 days."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from interviews import services as lifecycle
from interviews.models import Interview, StageTiming
from realtime.models import RealtimeCall
from tests.factories import make_user

URL = "/admin-tools/stage-timings/"


def _interview(owner) -> Interview:
    return Interview.objects.create(owner=owner, kind="job", job_title="Analyst")


def _attempt(interview: Interview, attempt: str, **elapsed: int) -> None:
    for stage, ms in elapsed.items():
        StageTiming.objects.create(interview=interview, attempt=attempt, stage=stage, elapsed_ms=ms)


def _cell(html: str, stage: str, column: str) -> str:
    row = re.search(rf'<tr data-stage="{stage}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'<td class="{column}">([^<]*)</td>', row).group(1).strip()


@pytest.fixture
def timings(candidate):
    """20 attempts: active reached at 100, 200 ... 2000 ms; the token fetch takes 10..200 ms."""
    interview = _interview(candidate)
    for i in range(1, 21):
        _attempt(
            interview,
            f"a{i}",
            requesting_mic=5,
            testing_api=15,
            fetching_token=15 + 10 * i,
            active=100 * i,
        )
    return interview


def test_staff_sees_exact_percentiles(client, staff, timings):
    client.force_login(staff)
    html = client.get(URL).content.decode()
    # Nearest rank over 20 samples: p50 is the 10th value, p95 the 19th.
    assert _cell(html, "start_to_active", "p50") == "1000"
    assert _cell(html, "start_to_active", "p95") == "1900"
    assert _cell(html, "fetching_token", "p50") == "100"
    assert _cell(html, "fetching_token", "p95") == "190"
    assert _cell(html, "fetching_token", "p50-since-start") == "115"
    assert _cell(html, "testing_api", "p50") == "10"
    # active's own duration is measured from the previous reached stage (fetching_token).
    assert _cell(html, "active", "p95") == str(1900 - 205)
    assert _cell(html, "exchanging_sdp", "p50") == "–"
    assert re.search(r'<tr data-stage="active" class="slowest"', html)
    assert "20 connect attempts" in html


def test_old_timings_and_errors(client, staff, candidate):
    interview = _interview(candidate)
    _attempt(interview, "recent", active=700)
    _attempt(interview, "old", active=50)
    StageTiming.objects.filter(attempt="old").update(created_at=timezone.now() - timedelta(days=8))
    StageTiming.objects.create(
        interview=interview, attempt="failed", stage="error", elapsed_ms=900, error="ice_failed"
    )
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert _cell(html, "start_to_active", "p50") == "700"
    assert _cell(html, "start_to_active", "p95") == "700"
    assert re.search(r'<tr data-error="ice_failed"><th scope="row">ice_failed</th><td>1</td>', html)


def test_query_count_does_not_grow_with_rows(client, staff, timings, django_assert_num_queries):
    client.force_login(staff)
    # session, user, user and group permissions (the admin sidebar), stage timings, calls: one
    # query each for the timings and the calls however many rows there are.
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
    _attempt(timings, "extra", active=10)
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200


def test_candidates_and_anonymous_are_sent_to_admin_login(client, candidate):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(candidate)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_index_links_to_the_page(client, db):
    client.force_login(make_user("root@example.com", is_staff=True))
    html = client.get("/admin/").content.decode()
    assert f'href="{URL}"' in html


def test_staff_see_the_supervised_calls(client, staff, candidate):
    interview = lifecycle.interview_create(owner=candidate, kind="job", job_title="Analyst")
    common = {"interview": interview, "user": candidate}
    RealtimeCall.objects.create(
        **common, status="live", total_ms=100, upstream_ms=80, input_tokens=10
    )
    RealtimeCall.objects.create(
        **common,
        status="ended",
        end_reason="integrity",
        total_ms=300,
        upstream_ms=250,
        output_tokens=7,
        audio_seconds=90,
    )
    RealtimeCall.objects.create(**common, status="failed", end_reason="upstream", total_ms=50)
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert '<td data-metric="created">2</td>' in html
    assert '<td data-metric="live">1</td>' in html
    assert '<td data-metric="failed">1</td>' in html
    assert '<td data-metric="create">100 / 300</td>' in html
    assert "10 input tokens, 7 output tokens, 1.5 minutes" in html
    assert re.search(
        r'<tr data-end-reason="integrity"><th scope="row">ended: integrity</th><td>1</td>', html
    )
