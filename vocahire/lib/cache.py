"""A Redis cache that keeps answering when Redis does not.

django-redis with IGNORE_EXCEPTIONS turns every read during an outage into a miss and every
write into nothing, so every rate limit counted in the cache (sign-ups, API tokens, minting) stops
counting. This backend instead answers from a per-process memory cache while Redis is
unreachable: limits still hold, per process (N processes let through up to N times the rate),
and `/healthz` says so. After a failure Redis is retried every RETRY_SECONDS, not on every call,
so a dead Redis costs no timeouts on the hot path.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
_REDIS_ERRORS = (ConnectionInterrupted, RedisError, OSError)


class FallbackRedisCache(RedisCache):
    """django-redis, falling back to this process's memory while Redis is unreachable."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(
            f"vocahire-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )
        self._retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def shared(self) -> bool:
        """True while answers come from Redis (every process sees one state), False while this
        process is answering from its own memory."""
        return time.monotonic() >= self._retry_at

    def redis_available(self) -> bool:
        """Ask Redis now (for /healthz): True when it answers a PING."""
        try:
            ok = bool(self.client.get_client(write=True).ping())
        except _REDIS_ERRORS:
            ok = False
        self._retry_at = 0.0 if ok else time.monotonic() + RETRY_SECONDS
        return ok

    def _route(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() >= self._retry_at:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except _REDIS_ERRORS as exc:
                with self._lock:
                    if time.monotonic() >= self._retry_at:
                        logger.warning("cache: Redis unreachable (%s); counting per process", exc)
                    self._retry_at = time.monotonic() + RETRY_SECONDS
        kwargs.pop("client", None)
        return getattr(self._fallback, name)(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("set", *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("add", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("get_many", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("delete_many", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("incr", *args, **kwargs)

    def decr(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("decr", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("has_key", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._route("touch", *args, **kwargs)

    def clear(self) -> Any:
        self._fallback.clear()
        return self._route("clear")
