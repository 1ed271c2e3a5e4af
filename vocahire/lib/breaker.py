"""The circuit breaker around minting: after 5 consecutive upstream failures every process fails
fast for 30 s instead of keeping people waiting on a dead upstream.

State lives in Redis when REDIS_URL is set, so all web processes share one breaker; otherwise in
process memory (the embedded default has one process). While Redis is unreachable each process
keeps its own state, so the breaker still opens. Mistakes in our own request (400, 401,
404, 422) say nothing about the upstream's health and do not count as failures.
"""

from __future__ import annotations

import calendar
import logging
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pybreaker
from django.conf import settings
from redis.exceptions import RedisError

from vocahire.lib.openai_errors import OpenAIError

logger = logging.getLogger(__name__)

FAIL_MAX = 5
RESET_TIMEOUT_SECONDS = 30
NAMESPACE = "vocahire:realtime-mint"
T = TypeVar("T")

_STATE_NAMES = {
    pybreaker.STATE_CLOSED: "closed",
    pybreaker.STATE_OPEN: "open",
    pybreaker.STATE_HALF_OPEN: "half_open",
}


class BreakerOpen(Exception):
    """The breaker is open: no upstream call was made. Try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Circuit open; retry after {retry_after} s.")
        self.retry_after = retry_after


def _is_our_mistake(exc: BaseException) -> bool:
    # 408 and 429 are the upstream struggling (or out of quota), so they do count.
    status = getattr(exc, "status", None) if isinstance(exc, OpenAIError) else None
    return status is not None and 400 <= status < 500 and status not in (408, 429)


class _Breaker(pybreaker.CircuitBreaker):
    # A guarded call reads the shared state first. While it was closed a moment ago this process
    # goes on with what it read (its own trips are seen at once, another process's within this
    # time), so a mint costs no Redis round trip for it; an open breaker is read every time.
    STATE_REUSE_SECONDS = 1.0
    _state_read_at = -math.inf

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        # pybreaker holds its lock for the whole guarded call, which would serialise every mint
        # of a threaded worker behind one upstream request; the state storage is shared anyway.
        return self._state_now().call(func, *args, **kwargs)

    def _state_now(self) -> pybreaker.CircuitBreakerState:
        now = time.monotonic()
        cached = self._state
        if cached.name == pybreaker.STATE_CLOSED and now - self._state_read_at < (
            self.STATE_REUSE_SECONDS
        ):
            return cached
        state = self.state  # reads the storage, and follows a change made elsewhere
        self._state_read_at = now
        return state


class _SharedStorage(pybreaker.CircuitBreakerStorage):
    """Breaker state in Redis, shared by every process; in this process's memory while Redis is
    unreachable, so the breaker still opens when Redis and the upstream are down together.

    (pybreaker's own Redis storage swallows Redis errors and reports "closed" with no failures,
    which is a breaker that can never open.) Redis is retried every RETRY_SECONDS.
    """

    RETRY_SECONDS = 5.0

    def __init__(self, client: Any) -> None:
        super().__init__("redis")
        self._redis = client
        self._memory = pybreaker.CircuitMemoryStorage(pybreaker.STATE_CLOSED)
        self._retry_at = 0.0

    @property
    def shared(self) -> bool:
        """False while the state is kept in this process only (Redis unreachable)."""
        return time.monotonic() >= self._retry_at

    def _key(self, name: str) -> str:
        return f"{NAMESPACE}:pybreaker:{name}"

    def _either(self, on_redis: Callable[[], T], in_memory: Callable[[], T]) -> T:
        if self.shared:
            try:
                return on_redis()
            except (RedisError, OSError) as exc:
                logger.warning("breaker: Redis unreachable (%s); state kept per process", exc)
                self._retry_at = time.monotonic() + self.RETRY_SECONDS
        return in_memory()

    def _get_int(self, name: str) -> int:
        return int(self._redis.get(self._key(name)) or 0)

    @property
    def state(self) -> str:
        return self._either(
            lambda: (self._redis.get(self._key("state")) or b"closed").decode(),
            lambda: self._memory.state,
        )

    @state.setter
    def state(self, state: str) -> None:
        def in_memory() -> None:
            self._memory.state = state

        self._either(lambda: self._redis.set(self._key("state"), state), in_memory)

    def increment_counter(self) -> None:
        self._either(
            lambda: self._redis.incr(self._key("fail_counter")), self._memory.increment_counter
        )

    def reset_counter(self) -> None:
        self._memory.reset_counter()
        self._either(lambda: self._redis.set(self._key("fail_counter"), 0), lambda: None)

    def increment_success_counter(self) -> None:
        self._either(
            lambda: self._redis.incr(self._key("success_counter")),
            self._memory.increment_success_counter,
        )

    def reset_success_counter(self) -> None:
        self._memory.reset_success_counter()
        self._either(lambda: self._redis.set(self._key("success_counter"), 0), lambda: None)

    @property
    def counter(self) -> int:
        return self._either(lambda: self._get_int("fail_counter"), lambda: self._memory.counter)

    @property
    def success_counter(self) -> int:
        return self._either(
            lambda: self._get_int("success_counter"), lambda: self._memory.success_counter
        )

    @property
    def opened_at(self) -> datetime | None:
        def on_redis() -> datetime | None:
            stamp = self._get_int("opened_at")
            return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None

        return self._either(on_redis, lambda: self._memory.opened_at)

    @opened_at.setter
    def opened_at(self, now: datetime) -> None:
        def in_memory() -> None:
            self._memory.opened_at = now

        stamp = int(calendar.timegm(now.timetuple()))
        self._either(lambda: self._redis.set(self._key("opened_at"), stamp), in_memory)


def breaker_build(*, redis_url: str = "") -> pybreaker.CircuitBreaker:
    """A new breaker instance; instances built with the same Redis URL share one state."""
    storage: pybreaker.CircuitBreakerStorage | None = None
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        storage = _SharedStorage(client)
    return _Breaker(
        fail_max=FAIL_MAX,
        reset_timeout=RESET_TIMEOUT_SECONDS,
        exclude=[_is_our_mistake],
        state_storage=storage,
        name="realtime-mint",
        # The call that trips the breaker did reach the upstream: report its own error.
        throw_new_error_on_trip=False,
    )


_breaker: pybreaker.CircuitBreaker | None = None
_breaker_key: str | None = None
_lock = threading.Lock()


def mint_breaker() -> pybreaker.CircuitBreaker:
    """This process's breaker for minting (rebuilt if REDIS_URL changes, as in tests)."""
    global _breaker, _breaker_key
    key = settings.REDIS_URL or ""
    if _breaker is None or _breaker_key != key:
        with _lock:
            _breaker, _breaker_key = breaker_build(redis_url=key), key
    return _breaker


def breaker_call(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `func` through the mint breaker; raise BreakerOpen without calling it while open."""
    breaker = mint_breaker()
    try:
        return breaker.call(func, *args, **kwargs)
    except pybreaker.CircuitBreakerError:
        raise BreakerOpen(breaker_retry_after(breaker=breaker)) from None


def breaker_state(*, breaker: pybreaker.CircuitBreaker | None = None) -> str:
    """ "closed", "open" or "half_open" (open past its reset timeout lets the next call try)."""
    breaker = breaker or mint_breaker()
    state = breaker.current_state
    if state == pybreaker.STATE_OPEN and breaker_retry_after(breaker=breaker) == 0:
        return "half_open"
    return _STATE_NAMES.get(state, state)


def breaker_retry_after(*, breaker: pybreaker.CircuitBreaker | None = None) -> int:
    """Whole seconds until an open breaker lets a trial call through (0 when not open)."""
    breaker = breaker or mint_breaker()
    storage = breaker._state_storage  # pybreaker exposes opened_at only on its storage
    if breaker.current_state != pybreaker.STATE_OPEN or storage.opened_at is None:
        return 0
    elapsed = (datetime.now(UTC) - storage.opened_at).total_seconds()
    return max(0, math.ceil(breaker.reset_timeout - elapsed))


def breaker_shared() -> bool:
    """False while the breaker counts in this process only (Redis configured but unreachable)."""
    storage = mint_breaker()._state_storage
    return getattr(storage, "shared", True)


def breaker_reset() -> None:
    """Close the mint breaker and clear its counters (staff action and tests)."""
    breaker = mint_breaker()
    breaker.close()
    breaker._state_storage.reset_counter()
