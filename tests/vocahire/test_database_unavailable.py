"""With the database unreachable, people get a friendly page and clients a 503, never a trace."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import IntegrityError, InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("could not connect to server"),
    ):
        yield


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", ["/dashboard/", "/profile/", "/accounts/login/"])
def test_page_shows_the_friendly_503(quiet_client, candidate, database_down_after_login, path):
    response = quiet_client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.fixture
def database_down_after_login(quiet_client, candidate):
    quiet_client.force_login(candidate)
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("could not connect to server"),
    ):
        yield


def test_login_form_post_shows_the_friendly_503(quiet_client, candidate, database_down):
    response = quiet_client.post(
        "/accounts/login/", {"login": "candidate@example.com", "password": "whatever"}
    )
    assert response.status_code == 503
    assert "temporarily unavailable" in response.content.decode()


def test_api_with_a_session_answers_503_database_unavailable(
    quiet_client, candidate, database_down_after_login
):
    response = quiet_client.get("/api/v1/me")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is temporarily unavailable. Please try again shortly.",
        "code": "database_unavailable",
    }
    assert response["Retry-After"] == "5"


def test_api_token_endpoint_answers_503_database_unavailable(quiet_client, db, database_down):
    response = quiet_client.post(
        "/api/v1/auth/token",
        {"email": "candidate@example.com", "password": "whatever"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_pages_that_need_no_database_still_work(quiet_client, database_down):
    response = quiet_client.get("/")
    assert response.status_code == 200


def test_dropped_connection_is_also_unavailable(quiet_client, candidate):
    quiet_client.force_login(candidate)
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = quiet_client.get("/api/v1/me")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"


def test_an_integrity_error_is_a_500_not_unavailable(quiet_client, db):
    with mock.patch("accounts.api.TokenObtainApi.post", side_effect=IntegrityError("duplicate")):
        response = quiet_client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_unknown_page_while_the_database_is_down_is_the_friendly_503(
    quiet_client, candidate, database_down_after_login
):
    # The 404 page's header asks who is signed in, which needs the database: the outage
    # happens outside any view, in Django's own 404 handling.
    response = quiet_client.get("/no-such-page/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "temporarily unavailable" in response.content.decode()
