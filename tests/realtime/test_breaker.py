"""The mint circuit breaker: opens after 5 upstream failures, fails fast, recovers, is shared."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import httpx
import pytest
import time_machine
from django.conf import settings as django_settings

from interviews.models import Interview
from realtime.models import RealtimeSession
from tests.factories import coffee_chain_case as make_case
from tests.factories import jwt_client
from tests.factories import started_case_interview as case_interview_started
from tests.payloads import openai_json, token_url, upstream_error
from vocahire.lib import breaker
from vocahire.lib.openai_gateway import OpenAIError

pytestmark = pytest.mark.usefixtures("realtime_settings")

T0 = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
OK = httpx.Response(200, json=openai_json("client_secret_created.json"))


@pytest.fixture
def case_interview(subscriber) -> Interview:
    return case_interview_started(subscriber, make_case(questions=2))


def test_opens_after_5_failures_fails_fast_and_recovers_after_30s(case_interview, upstream):
    route = upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(500, "error_server.json")
    )
    with time_machine.travel(T0, tick=False) as clock:
        client = jwt_client(case_interview.owner)
        for _ in range(5):
            assert client.get(token_url(case_interview, 1)).json()["code"] == "upstream_error"
        assert route.call_count == 10  # each failed mint was retried once
        assert breaker.breaker_state() == "open"

        response = client.get(token_url(case_interview, 1))

        assert response.status_code == 503
        assert response.json()["code"] == "upstream_unavailable"
        assert response["Retry-After"] == "30"
        assert route.call_count == 10  # the 6th mint made no upstream request
        assert RealtimeSession.objects.filter(outcome="breaker_open").count() == 1

        clock.shift(12)
        assert client.get(token_url(case_interview, 1))["Retry-After"] == "18"
        health = client.get("/api/v1/realtime/health")
        assert health.json()["breaker"] == "open" and health["Retry-After"] == "18"

        clock.shift(19)
        assert client.get("/api/v1/realtime/health").json()["breaker"] == "half_open"
        route.mock(return_value=OK)
        assert client.get(token_url(case_interview, 1)).status_code == 200
        assert breaker.breaker_state() == "closed"
        assert route.call_count == 11


def test_a_failed_trial_call_opens_it_again(case_interview, upstream):
    route = upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(503, "error_server.json")
    )
    with time_machine.travel(T0, tick=False) as clock:
        client = jwt_client(case_interview.owner)
        for _ in range(5):
            client.get(token_url(case_interview, 1))
        clock.shift(31)

        assert client.get(token_url(case_interview, 1)).status_code == 502  # the trial call
        assert breaker.breaker_state() == "open"
        assert client.get(token_url(case_interview, 1)).status_code == 503
        assert route.call_count == 12


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (400, "error_invalid_request.json"),
        (401, "error_invalid_api_key.json"),
        (404, "error_call_not_found.json"),
    ],
)
def test_our_own_4xx_mistakes_do_not_open_it(case_interview, upstream, status, payload):
    route = upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(status, payload)
    )
    client = jwt_client(case_interview.owner)

    codes = [client.get(token_url(case_interview, 1)).status_code for _ in range(7)]

    assert codes == [502] * 7
    assert route.call_count == 7
    assert breaker.breaker_state() == "closed"


@pytest.mark.parametrize(
    "failure",
    [
        upstream_error(429, "error_insufficient_quota.json"),
        httpx.ConnectTimeout("connect timed out"),
    ],
    ids=["insufficient_quota", "timeout"],
)
def test_quota_and_timeouts_count_as_failures(case_interview, upstream, failure):
    upstream.post("/realtime/client_secrets").mock(side_effect=failure)
    client = jwt_client(case_interview.owner)

    for _ in range(5):
        client.get(token_url(case_interview, 1))

    assert client.get(token_url(case_interview, 1)).status_code == 503


def test_a_success_resets_the_failure_count():
    def fail() -> None:
        raise OpenAIError("boom", "server_error", 500, True)

    for _ in range(4):
        with pytest.raises(OpenAIError):
            breaker.breaker_call(fail)
    assert breaker.breaker_call(lambda: "ok") == "ok"
    for _ in range(4):
        with pytest.raises(OpenAIError):
            breaker.breaker_call(fail)

    assert breaker.breaker_state() == "closed"


def _trip() -> None:
    def fail() -> None:
        raise OpenAIError("boom", "server_error", 500, True)

    for _ in range(breaker.FAIL_MAX):
        with pytest.raises(OpenAIError):
            breaker.breaker_call(fail)


def test_two_processes_sharing_redis_see_one_state():
    if not django_settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: the breaker state is shared through Redis")
    # Another interpreter with only the settings (the breaker imports no app, so no setup()):
    # it sees the state this process tripped, and its reset is seen here.
    script = (
        "from vocahire.lib import breaker\n"
        "print(breaker.breaker_state(), breaker.breaker_retry_after() > 0)\n"
        "breaker.breaker_reset()\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vocahire.settings"}
    env["REDIS_URL"] = django_settings.REDIS_URL

    _trip()
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert done.stdout.strip() == "open True"
    assert breaker.breaker_state() == "closed"
    # A second instance here (as in another thread's breaker) shares it too.
    _trip()
    twin = breaker.breaker_build(redis_url=django_settings.REDIS_URL)
    assert breaker.breaker_state(breaker=twin) == "open"
