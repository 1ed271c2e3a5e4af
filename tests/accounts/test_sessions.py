"""accounts.sessions and accounts.backends: Django's session store and sign-in backends, the
session row and the signed-in user read with compiled SELECTs, behaving as Django's own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import sync_to_async
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import backends as django_backends
from django.contrib.sessions.backends import db as django_db_store
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import backends
from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
LEGACY_ALLAUTH = "allauth.account.auth_backends.AuthenticationBackend"


def _saved(data: dict, store: type = django_db_store.SessionStore) -> str:
    session = store()
    session.update(data)
    session.save()
    return session.session_key


def _signed_in(user, backend: str) -> APIClient:
    """A client holding a session signed in through `backend`, as django.contrib.auth.login
    leaves it, saved by Django's own store (as a session from before this store)."""
    key = _saved(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    client = APIClient()
    client.cookies["sessionid"] = key
    return client


def test_a_session_reads_back_as_django_s_own_store_reads_it_in_one_query():
    key = _saved({"answer": 42, "nested": {"list": [1, "two"]}})
    with CaptureQueriesContext(connection) as queries:
        ours = SessionStore(key).load()
    assert (
        ours
        == django_db_store.SessionStore(key).load()
        == {
            "answer": 42,
            "nested": {"list": [1, "two"]},
        }
    )
    assert len(queries) == 1 and "django_session" in queries[0]["sql"]


def test_a_session_written_by_this_store_reads_in_django_s():
    key = _saved({"written": "here"}, store=SessionStore)
    assert django_db_store.SessionStore(key).load() == {"written": "here"}


def test_an_expired_session_is_missing_and_saving_it_again_takes_a_new_key():
    key = _saved({"stale": True})
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    for store in (django_db_store.SessionStore, SessionStore):  # the same answer from both
        session = store(key)
        assert session.load() == {}
        assert session.session_key is None
    session = SessionStore(key)
    session["fresh"] = True
    session.save()
    assert session.session_key != key  # a new row: the expired one is never brought back


def test_a_missing_key_is_an_empty_session_and_no_key_costs_no_query():
    assert SessionStore("nosuchsessionkeyatall0123456789x").load() == {}
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(None).load() == {}
    assert len(queries) == 0


@pytest.mark.parametrize(
    "backend",
    [
        "accounts.backends.AuthenticationBackend",
        "accounts.backends.ModelBackend",
        # Sessions signed in before accounts.backends named the classes it extends.
        LEGACY_ALLAUTH,
        "django.contrib.auth.backends.ModelBackend",
    ],
)
def test_a_signed_in_session_authenticates_the_api_whichever_backend_it_names(candidate, backend):
    response = _signed_in(candidate, backend).get(ME)
    assert response.status_code == 200, response.content
    assert response.json()["email"] == candidate.email


@pytest.mark.django_db(transaction=True)  # the async lookup runs on another connection
def test_an_async_read_names_the_new_backends_too(candidate):
    key = _saved({SESSION_KEY: str(candidate.pk), BACKEND_SESSION_KEY: LEGACY_ALLAUTH})

    async def read(key: str) -> dict:
        try:
            return await SessionStore(key).aload()
        finally:  # the async ORM's thread keeps its own connection: close it
            await sync_to_async(connections.close_all)()

    data = asyncio.run(read(key))
    assert data[BACKEND_SESSION_KEY] == "accounts.backends.AuthenticationBackend"
    assert asyncio.run(read("nosuchsessionkeyatall0123456789x")) == {}


def test_a_sign_in_now_is_stored_under_the_name_a_release_before_accounts_backends_reads(
    candidate,
):
    client = APIClient()
    client.force_login(candidate)  # through accounts.backends.ModelBackend
    key = client.cookies["sessionid"].value
    stored = Session.objects.get(pk=key).get_decoded()  # as Django's own store reads it
    assert stored[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    assert SessionStore(key).load()[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
    assert client.get(ME).status_code == 200


def test_a_signed_out_or_expired_session_is_refused(candidate):
    client = _signed_in(candidate, "accounts.backends.AuthenticationBackend")
    assert client.get(ME).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302  # the site's sign-out
    assert client.get(ME).status_code == 401

    client = _signed_in(candidate, "accounts.backends.AuthenticationBackend")
    key = client.cookies["sessionid"].value
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        # Expiring at this very instant is expired, as Django's expire_date__gt=now has it.
        Session.objects.filter(pk=key).update(expire_date=timezone.now())
        assert client.get(ME).status_code == 401


def test_a_session_naming_an_unknown_backend_is_not_signed_in(candidate):
    response = _signed_in(candidate, "somewhere.else.Backend").get(ME)
    assert response.status_code == 401


def test_a_session_outlives_neither_a_password_change_nor_a_deactivation(candidate):
    client = _signed_in(candidate, "accounts.backends.AuthenticationBackend")
    assert client.get(ME).status_code == 200
    candidate.set_password("a whole new password 93!")
    candidate.save()
    assert client.get(ME).status_code == 401  # the session's hash no longer matches

    client = _signed_in(candidate, "accounts.backends.AuthenticationBackend")
    assert client.get(ME).status_code == 200
    candidate.is_active = False
    candidate.save()
    assert client.get(ME).status_code == 401


def test_the_backends_return_the_row_django_s_backend_returns(candidate, django_assert_num_queries):
    theirs = django_backends.ModelBackend().get_user(candidate.pk)
    for backend in (backends.ModelBackend(), backends.AuthenticationBackend()):
        with django_assert_num_queries(1):
            ours = backend.get_user(candidate.pk)
        assert ours == theirs
        assert {f.attname: getattr(ours, f.attname) for f in ours._meta.concrete_fields} == {
            f.attname: getattr(theirs, f.attname) for f in theirs._meta.concrete_fields
        }
        assert backend.get_user(uuid.uuid4()) is None


def test_the_backends_refuse_an_inactive_user(candidate):
    candidate.is_active = False
    candidate.save()
    assert django_backends.ModelBackend().get_user(candidate.pk) is None
    assert backends.ModelBackend().get_user(candidate.pk) is None
    assert backends.AuthenticationBackend().get_user(candidate.pk) is None


def test_the_room_s_session_still_needs_its_csrf_token_to_post(candidate):
    client = _signed_in(candidate, "accounts.backends.AuthenticationBackend")
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/interviews", {"kind": "job", "job_title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
