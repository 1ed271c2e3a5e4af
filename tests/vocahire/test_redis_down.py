"""With a real Redis stopped, rate limits and the circuit breaker still work, and /healthz says so.

A throwaway redis-server is started on a free port, used, then shut down (no mocks).
"""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from tests.redis_server import needs_redis_server, redis_server_start
from vocahire.lib import breaker
from vocahire.settings import redis_cache_config

pytestmark = [
    pytest.mark.django_db,
    needs_redis_server,
]


@pytest.fixture
def throwaway_redis(settings):
    url, stop = redis_server_start()
    settings.CACHES = {"default": redis_cache_config(url, key_prefix="redis-down-test")}
    settings.REDIS_URL = url
    cache.clear()
    yield stop
    stop()


def _refresh(api_client):
    return api_client.post("/api/v1/auth/token/refresh", {"refresh": "x"}, format="json")


def test_rate_limits_still_count_with_redis_stopped(throwaway_redis, api_client):
    assert cache.redis_available()
    throwaway_redis()

    with time_machine.travel(timezone.now(), tick=False):
        codes = [_refresh(api_client).status_code for _ in range(21)]

    assert codes[:20] == [401] * 20
    assert codes[20] == 429


def test_the_breaker_still_opens_with_redis_and_upstream_down(throwaway_redis):
    breaker.breaker_reset()
    assert breaker.breaker_shared()
    throwaway_redis()

    def upstream_down() -> None:
        raise ConnectionError("upstream down")

    for _ in range(breaker.FAIL_MAX):
        with pytest.raises(ConnectionError):
            breaker.breaker_call(upstream_down)
    with pytest.raises(breaker.BreakerOpen) as opened:
        breaker.breaker_call(upstream_down)

    assert opened.value.retry_after > 0
    assert breaker.breaker_state() == "open"
    assert not breaker.breaker_shared()


def test_healthz_says_the_limits_are_per_process(throwaway_redis, client):
    assert client.get("/healthz").json()["status"] == "ok"
    throwaway_redis()

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "cache": "fallback"}
    assert "per process" in body["degraded"][0]


def test_breaker_state_is_shared_while_redis_answers(throwaway_redis, settings):
    breaker.breaker_reset()
    first = breaker.breaker_build(redis_url=settings.REDIS_URL)
    second = breaker.breaker_build(redis_url=settings.REDIS_URL)
    first.open()
    assert second.current_state == "open"
    first.close()
