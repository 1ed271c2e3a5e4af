"""Django's database sessions, read with the session row's SELECT compiled once per process.

Every request of a signed-in page, and every API call of the room (which authenticates by
session, not by token), reads its session row. The row, its expiry, and what a missing or expired
session does are Django's own (`django.contrib.sessions.backends.db`); only the lookup is
vocahire.lib.rowcache's: the row by its key with a SELECT compiled once, and a row past its
`expire_date` treated as missing, as Django's `expire_date__gt=now` filter treats it.

The backend a session names is stored as the Django or allauth class that `accounts.backends`
extends, and read as ours (accounts.backends.RENAMED): a session signed in before these classes
existed stays signed in, and so does one signed in now when a release from before them serves it
(a rolling restart, a rollback).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.backends import RENAMED
from vocahire.lib.rowcache import PkLookup

_session_by_key = PkLookup(Session)
_STORED_AS = {ours: theirs for theirs, ours in RENAMED.items()}


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "accounts.sessions": Django's database store, read faster."""

    def _get_session_from_db(self) -> Session | None:
        key = self.session_key  # None, or a key that passed Django's validation
        session = _session_by_key.get(key) if key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None  # as Django's store: a new key when this one is saved
            return None
        return session

    def load(self) -> dict[str, Any]:
        return _backend_renamed(super().load(), RENAMED)

    async def aload(self) -> dict[str, Any]:  # an async view's (Django's async ORM lookup)
        return _backend_renamed(await super().aload(), RENAMED)

    def encode(self, session_dict: dict[str, Any]) -> str:
        return super().encode(_backend_renamed(dict(session_dict), _STORED_AS))


def _backend_renamed(data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    backend = data.get(BACKEND_SESSION_KEY)
    if backend in names:
        data[BACKEND_SESSION_KEY] = names[backend]
    return data
