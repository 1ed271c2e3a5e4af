"""Shared personas and test plumbing. Celery runs eagerly; the cache is cleared per test."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, api_as, make_subscription, make_user  # noqa: F401 - PASSWORD, api_as: for older imports
from vocahire.celery import app as celery_app


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """Embedded runs (SQLite): the test database is a file, not Django's shared-cache in-memory one.

    In a shared-cache database a connection meeting another's table lock fails at once ("database
    table is locked"), however short the lock: the live server, the supervisor's database thread
    and the engine each hold their own connection, so the suite failed now and then on a write
    that met a concurrent one (a room's call, a greeting's read). On a file, SQLite waits for the
    lock (its busy timeout), as the embedded product's own db.sqlite3 does."""
    from django.conf import settings as django_settings

    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Login lockouts (django-axes) live in the database and roll back with each test; rate limits
    # (allauth's, DRF's) live in the cache, cleared here: tests may sign in as often as they like
    # while the protection itself stays on.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _payments_test_mode(settings):
    # Tests run with DEBUG off, as production does; the simulated checkout must be asked for.
    settings.PAYMENTS_TEST_MODE = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas are created in most tests; the production hasher costs ~0.5 s of CPU per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks; run with DATABASE_URL (CI does)")


@pytest.fixture
def candidate(db) -> User:
    """A candidate with 3 credits and no subscription."""
    return make_user("candidate@example.com", credits=3)


@pytest.fixture
def broke_candidate(db) -> User:
    """A candidate with no credits."""
    return make_user("broke@example.com")


@pytest.fixture
def subscriber(db) -> User:
    """A candidate with an active subscription (and 1 credit)."""
    user = make_user("subscriber@example.com", credits=1)
    make_subscription(user)
    return user


@pytest.fixture
def other_candidate(db) -> User:
    """Someone else, for access checks."""
    return make_user("other@example.com", credits=3)


@pytest.fixture
def staff(db) -> User:
    return make_user("staff@example.com", is_staff=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
