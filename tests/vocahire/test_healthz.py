from __future__ import annotations

from unittest import mock

from django.db.utils import OperationalError

DB_DOWN = mock.patch(
    "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("no route")
)


def test_healthz_ok(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_healthz_503_names_the_database_when_it_is_down(client, db):
    with DB_DOWN:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok"},
        "failed": ["database"],
    }


def test_healthz_503_names_the_cache_when_it_is_down(client, db):
    with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("redis gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failed"}
    assert response.json()["failed"] == ["cache"]


def test_healthz_503_when_the_cache_silently_loses_writes(client, db):
    # django-redis with IGNORE_EXCEPTIONS swallows errors: a write that reads back as None is down.
    with mock.patch("django.core.cache.cache.get", return_value=None):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_healthz_needs_no_login_and_no_session(client, db):
    response = client.get("/healthz")
    assert "sessionid" not in response.cookies
