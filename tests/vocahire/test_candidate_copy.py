"""Candidates read plain words; how the server is set up is for staff. Plus the favicon."""

from __future__ import annotations

import pytest

from interviews.models import TranscriptTurn
from tests.conftest import make_user
from tests.factories import finished_job_interview

OPERATOR = 'data-role="operator-notice"'


@pytest.fixture
def local_test_server(settings):
    settings.REALTIME_PROVIDER = "local"
    settings.PAYMENTS_TEST_MODE = True
    settings.STRIPE_SECRET_KEY = ""


def test_candidates_see_no_operator_notices(client, candidate, local_test_server):
    client.force_login(candidate)
    for path in ("/dashboard/", "/billing/pricing/", "/billing/"):
        html = client.get(path).content.decode()
        assert OPERATOR not in html, path
        assert "STRIPE_SECRET_KEY" not in html and "local realtime engine" not in html, path
    assert "no money moves" in client.get("/billing/pricing/").content.decode()  # plain words


def test_staff_see_the_operator_notices(client, staff, local_test_server):
    client.force_login(staff)

    dashboard = client.get("/dashboard/").content.decode()
    pricing = client.get("/billing/pricing/").content.decode()

    assert OPERATOR in dashboard and "local realtime engine" in dashboard
    assert "Set STRIPE_SECRET_KEY to take real payments." in pricing


def test_visitors_see_no_footer_badges(client, db, local_test_server):
    html = client.get("/").content.decode()

    assert OPERATOR not in html and "payments in test mode" not in html


def test_purchases_off_says_so_plainly_to_candidates(client, candidate, settings):
    settings.PAYMENTS_TEST_MODE = False
    settings.DEBUG = False
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(candidate)

    html = client.get("/billing/pricing/").content.decode()

    assert "Purchases are not available at the moment." in html
    assert "STRIPE_SECRET_KEY" not in html and "PAYMENTS_TEST_MODE" not in html


PLACEHOLDER = "[untranscribed speech, 4.0 seconds: the local engine has no transcriber]"


def test_the_transcript_hides_the_engine_reason_from_candidates(client, candidate, db):
    interview = finished_job_interview(candidate)
    TranscriptTurn.objects.filter(interview=interview, speaker="candidate").update(text=PLACEHOLDER)
    client.force_login(candidate)
    html = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert "no transcriber" not in html and "local engine" not in html
    assert "[4 seconds of speech that could not be transcribed]" in html

    client.force_login(make_user("ops@example.com", is_staff=True))
    assert (
        "the local engine has no transcriber"
        in client.get(f"/interviews/{interview.pk}/").content.decode()
    )


def test_favicon_is_linked_and_served(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html

    response = client.get("/favicon.ico")

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and "max-age" in response["Cache-Control"]


def test_the_landing_page_shows_a_sample_report_without_the_database(client, db):
    html = client.get("/").content.decode()

    sample = html.split('data-role="sample-report"')[1]
    assert "Limiting factor: Structure (STAR)" in sample
    assert '<svg class="chart" role="img"' in sample
    assert "not a real candidate" in sample
