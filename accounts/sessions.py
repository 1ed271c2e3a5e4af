"""Django's database sessions, read with the session row's SELECT compiled once per process.

Every request of a signed-in page, and every API call of the room (which authenticates by
session, not by token), reads its session row. The row, its expiry, and what a missing or expired
session does are Django's own (`django.contrib.sessions.backends.db`); only the lookup is
vocahire.lib.rowcache's: the row by its key with a SELECT compiled once, and a row past its
`expire_date` treated as missing, as Django's `expire_date__gt=now` filter treats it.

A session signed in before `accounts.backends` existed names the backend it extends: it is read
as naming the new one (accounts.backends.RENAMED), and saved so the next time it changes.
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
        return _renamed(super().load())

    async def aload(self) -> dict[str, Any]:  # an async view's (Django's async ORM lookup)
        return _renamed(await super().aload())


def _renamed(data: dict[str, Any]) -> dict[str, Any]:
    backend = data.get(BACKEND_SESSION_KEY)
    if backend in RENAMED:
        data[BACKEND_SESSION_KEY] = RENAMED[backend]
    return data
