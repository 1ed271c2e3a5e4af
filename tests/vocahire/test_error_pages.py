"""Pages answer 404 and 500 with the site's own pages, never Django's bare defaults."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vocahire import urls

pytestmark = pytest.mark.django_db


def test_unknown_page_is_the_site_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html
    assert "/no-such-page/" in html
    assert "css/site.css" in html
    assert 'href="/"' in html


def test_404_for_a_signed_in_candidate_points_to_the_dashboard(client, candidate):
    client.force_login(candidate)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/dashboard/"' in response.content.decode()


def test_page_crash_is_the_site_styled_500_without_the_database(client):
    client.raise_request_exception = False
    # The URL pattern holds the view function itself, so the crash is patched in there.
    pattern = next(p for p in urls.urlpatterns if getattr(p, "name", None) == "landing")
    crash = mock.patch.object(pattern, "callback", side_effect=RuntimeError("secret detail"))
    with crash, CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "css/site.css" in html
    assert "secret detail" not in html
    assert len(queries) == 0
