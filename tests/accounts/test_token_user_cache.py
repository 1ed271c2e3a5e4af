"""The API's user row comes from the shared cache, and every change to the user ends that."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts import tokens
from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    if not getattr(cache, "shared", False):
        pytest.skip("needs REDIS_URL: the user row is cached only in a cache every process shares")


def _user_queries(client: APIClient, access: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}").status_code
    table = User._meta.db_table
    return status, sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries)


def _settled(user: User) -> None:
    """As if the last change to the user were older than a cached row can live."""
    cache.delete(tokens._user_cache_key(user.pk))


def test_the_second_request_reads_no_user_row(shared_cache, candidate):
    _settled(candidate)
    access, client = str(AccessToken.for_user(candidate)), APIClient()
    assert _user_queries(client, access) == (200, 1)
    assert _user_queries(client, access) == (200, 0)


def test_a_revocation_holds_on_the_next_request_though_the_row_was_cached(shared_cache, candidate):
    _settled(candidate)
    access, client = str(AccessToken.for_user(candidate)), APIClient()
    assert _user_queries(client, access) == (200, 1)
    assert _user_queries(client, access)[1] == 0  # served from the cache

    tokens.tokens_revoke(user=candidate)  # an update(), no save(): forgotten explicitly

    assert _user_queries(client, access)[0] == 401


@pytest.mark.parametrize("change", ["password", "deactivate", "delete"])
def test_any_change_to_the_user_ends_the_cached_row(shared_cache, change):
    candidate = User.objects.create_user("changing@example.com", "a-long-passphrase-1")
    _settled(candidate)
    access, client = str(AccessToken.for_user(candidate)), APIClient()
    assert _user_queries(client, access)[0] == 200
    if change == "password":
        candidate.set_password("another-long-passphrase")
        candidate.save()
    elif change == "deactivate":
        candidate.is_active = False
        candidate.save()
    else:
        candidate.delete()

    assert _user_queries(client, access)[0] == 401


def test_a_row_read_before_a_change_is_not_cached_after_it(shared_cache, candidate):
    _settled(candidate)
    stale = User.objects.get(pk=candidate.pk)
    tokens.user_cache_forget(user_id=candidate.pk)  # the change lands...
    # ...and a request that had read the old row tries to cache it: the tombstone wins.
    cache.add(tokens._user_cache_key(candidate.pk), stale, tokens.USER_CACHE_SECONDS)
    assert not isinstance(cache.get(tokens._user_cache_key(candidate.pk)), User)


def test_every_process_forgets_a_changed_user_not_only_api_ones():
    import subprocess
    import sys

    # A process that only loads the apps (a Celery worker, a page-only web process) listens too.
    script = (
        "import django; django.setup()\n"
        "from django.db.models.signals import post_save\n"
        "from accounts.models import User\n"
        "print(any(r.__module__ == 'accounts.tokens' for r in post_save._live_receivers(User)[0]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "True"


DEACTIVATED = "This account is deactivated. Contact support to reactivate it."
GONE = "The account this token belongs to no longer exists. Sign in again."


def _me(access: str):
    return APIClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_a_cached_row_is_refused_in_the_same_words_as_a_row_read(shared_cache, candidate):
    _settled(candidate)
    access = str(AccessToken.for_user(candidate))
    inactive = User.objects.get(pk=candidate.pk)
    inactive.is_active = False
    cache.set(tokens._user_cache_key(candidate.pk), inactive, tokens.USER_CACHE_SECONDS)
    response = _me(access)
    assert response.status_code == 401
    assert response.json() == {"detail": DEACTIVATED, "code": "not_authenticated"}


@pytest.mark.parametrize("change", ["deactivate", "delete"])
def test_without_the_cache_each_request_reads_the_row_once_and_refuses_alike(monkeypatch, change):
    monkeypatch.setattr(tokens, "_user_cache_on", lambda: False)  # Redis down, or embedded
    candidate = User.objects.create_user("uncached@example.com", "a-long-passphrase-1")
    access, client = str(AccessToken.for_user(candidate)), APIClient()
    assert _user_queries(client, access) == (200, 1)
    assert _user_queries(client, access) == (200, 1)  # nothing kept between requests
    if change == "deactivate":
        User.objects.filter(pk=candidate.pk).update(is_active=False)  # no save(), no signal
    else:
        User.objects.filter(pk=candidate.pk).delete()
    response = _me(access)
    assert response.status_code == 401
    assert response.json()["detail"] == (DEACTIVATED if change == "deactivate" else GONE)
