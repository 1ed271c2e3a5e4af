"""The sign-in backends, with the signed-in user's row read by a SELECT compiled once per process.

Django looks the user up on every request of a signed-in session: every page, and every API call
of the room, which authenticates by session rather than by token. These are Django's ModelBackend
and allauth's backend unchanged but for that lookup (vocahire.lib.rowcache): the same row, then
the same `user_can_authenticate` check (an inactive user is no user). Nothing is cached: a
deactivation or a password change holds on the very next request, as before.

A session names the backend that signed it in. `accounts.sessions` stores these under the names
of the classes they extend and reads those names as these (RENAMED), so a session from before
these classes, or one served by a release from before them, stays signed in.
"""

from __future__ import annotations

from typing import Any

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends

from accounts.models import User
from vocahire.lib.rowcache import PkLookup

_user_by_pk = PkLookup(User)


class _CompiledUserLookup:
    def get_user(self, user_id: Any) -> User | None:
        user = _user_by_pk.get(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_CompiledUserLookup, django_backends.ModelBackend):
    """django.contrib.auth's ModelBackend (the admin's sign-in)."""


class AuthenticationBackend(_CompiledUserLookup, allauth_backends.AuthenticationBackend):
    """allauth's backend (the site's sign-in, by email)."""


# The name a session stores -> the backend that serves it.
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}
