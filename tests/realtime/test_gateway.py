"""The OpenAI gateway: the GA request we send, and which failures are retried (respx only)."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from accounts.models import Profile
from tests.factories import job_interview_draft, jwt_client
from tests.payloads import CLIENT_SECRET as SECRET
from tests.payloads import SERVER_KEY, openai_json, session_url, upstream_error
from vocahire.lib import openai_gateway as gateway

pytestmark = pytest.mark.usefixtures("realtime_settings")

SESSION = {"type": "realtime", "model": "gpt-realtime-2.1", "instructions": "Be brief."}
OK = httpx.Response(200, json=openai_json("client_secret_created.json"))
BETA_FIELDS = {
    "modalities",
    "voice",
    "input_audio_format",
    "output_audio_format",
    "input_audio_transcription",
    "turn_detection",
    "temperature",
    "max_response_output_tokens",
}


def _mint() -> gateway.ClientSecret:
    return gateway.client_secret_create(session=SESSION, ttl=600, safety_identifier="abc")


def test_job_mint_sends_the_ga_session_body(candidate, mint_route):
    interview = job_interview_draft(candidate)

    response = jwt_client(candidate).post(session_url(interview, "?ttl=1800"))

    assert response.status_code == 200, response.content
    request = mint_route.calls.last.request
    assert request.url == "https://api.openai.com/v1/realtime/client_secrets"
    interview.refresh_from_db()
    assert json.loads(request.content) == {
        "expires_after": {"anchor": "created_at", "seconds": 1800},
        "session": {
            "type": "realtime",
            "model": "gpt-realtime-2.1",
            "instructions": interview.instructions_snapshot["job"],
            "audio": {
                "input": {
                    "transcription": {"model": "gpt-live-transcribe", "languages": ["en"]},
                    "turn_detection": {
                        "type": "server_vad",
                        "threshold": 0.5,
                        "prefix_padding_ms": 300,
                        "silence_duration_ms": 800,
                    },
                },
                "output": {"voice": "marin"},
            },
            "max_output_tokens": "inf",
        },
    }
    assert BETA_FIELDS.isdisjoint(json.loads(request.content)["session"])
    assert b"temperature" not in request.content
    assert request.headers["Authorization"] == f"Bearer {SERVER_KEY}"
    assert "OpenAI-Beta" not in request.headers
    identifier = request.headers["OpenAI-Safety-Identifier"]
    assert identifier == hashlib.sha256(f"vocahire:{candidate.pk}".encode()).hexdigest()
    assert str(candidate.pk) not in identifier and candidate.email not in identifier
    assert response.json()["client_secret"]["value"] == SECRET
    assert "question_number" not in response.json()


@pytest.mark.parametrize(("thinking_time", "silence_ms"), [("short", 500), ("long", 1400)])
def test_turn_detection_follows_the_candidates_thinking_time(
    candidate, mint_route, thinking_time, silence_ms
):
    Profile.objects.filter(user=candidate).update(thinking_time=thinking_time)

    jwt_client(candidate).post(session_url(job_interview_draft(candidate)))

    sent = json.loads(mint_route.calls.last.request.content)["session"]
    assert sent["audio"]["input"]["turn_detection"]["silence_duration_ms"] == silence_ms


def test_client_secret_is_parsed_into_our_dataclass(mint_route):
    secret = _mint()

    assert secret.value == SECRET
    assert secret.expires_at == 1744396800
    assert secret.session_id == "sess_C9CiUVUzUzYIssh3ELY1d"
    assert secret.session["type"] == "realtime"
    assert secret.upstream_ms >= 0
    assert SECRET not in repr(secret)


@pytest.mark.parametrize(
    "first",
    [
        upstream_error(500, "error_server.json"),
        upstream_error(503, "error_server.json"),
        upstream_error(429, "error_rate_limit_exceeded.json"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
    ],
    ids=["500", "503", "429_rate_limit", "connect_timeout", "read_timeout", "connect_error"],
)
def test_transient_failures_are_retried_once_with_jitter(upstream, sleeps, first):
    route = upstream.post("/realtime/client_secrets")
    route.side_effect = [first, OK]

    assert _mint().value == SECRET
    assert route.call_count == 2
    assert len(sleeps) == 1 and 0.05 <= sleeps[0] <= 0.25


def test_a_short_retry_after_is_honoured(upstream, sleeps):
    route = upstream.post("/realtime/client_secrets")
    route.side_effect = [
        upstream_error(429, "error_rate_limit_exceeded.json", **{"retry-after": "1"}),
        OK,
    ]

    assert _mint().value == SECRET
    assert 1.05 <= sleeps[0] <= 1.25


def test_a_long_retry_after_fails_at_once(upstream, sleeps):
    route = upstream.post("/realtime/client_secrets")
    route.side_effect = [
        upstream_error(429, "error_rate_limit_exceeded.json", **{"retry-after": "20"}),
        OK,
    ]

    with pytest.raises(gateway.OpenAIError) as caught:
        _mint()
    assert (caught.value.code, caught.value.retryable) == ("rate_limit_exceeded", True)
    assert route.call_count == 1 and sleeps == []


def test_a_second_transient_failure_is_raised_as_retryable(upstream, sleeps):
    route = upstream.post("/realtime/client_secrets")
    route.side_effect = [upstream_error(502, "error_server.json"), httpx.ReadTimeout("slow")]

    with pytest.raises(gateway.OpenAIError) as caught:
        _mint()
    assert (caught.value.code, caught.value.status, caught.value.retryable) == (
        "timeout",
        None,
        True,
    )
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("status", "payload", "code"),
    [
        (429, "error_insufficient_quota.json", "insufficient_quota"),
        (400, "error_invalid_request.json", "invalid_value"),
        (401, "error_invalid_api_key.json", "invalid_api_key"),
    ],
)
def test_our_mistakes_and_an_empty_quota_are_not_retried(upstream, sleeps, status, payload, code):
    route = upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(status, payload)
    )

    with pytest.raises(gateway.OpenAIError) as caught:
        _mint()
    assert (caught.value.status, caught.value.code, caught.value.retryable) == (status, code, False)
    assert route.call_count == 1 and sleeps == []


def test_a_200_without_a_secret_is_an_upstream_error(upstream):
    upstream.post("/realtime/client_secrets").mock(return_value=httpx.Response(200, json={}))

    with pytest.raises(gateway.OpenAIError) as caught:
        _mint()
    assert caught.value.code == "bad_response"


def test_hangup_posts_to_the_call_with_the_server_key(upstream):
    route = upstream.post("/realtime/calls/rtc_u1_9abc/hangup").mock(
        return_value=httpx.Response(200)
    )

    gateway.call_hangup(call_id="rtc_u1_9abc")

    assert route.call_count == 1
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {SERVER_KEY}"
    assert route.calls.last.request.content == b""


def test_hangup_of_a_gone_call_is_a_404_error(upstream):
    upstream.post("/realtime/calls/rtc_gone/hangup").mock(
        return_value=upstream_error(404, "error_call_not_found.json")
    )

    with pytest.raises(gateway.OpenAIError) as caught:
        gateway.call_hangup(call_id="rtc_gone")
    assert (caught.value.status, caught.value.retryable) == (404, False)


@pytest.mark.parametrize("call_id", ["../client_secrets", "rtc_1/hangup?x=", "", "rtc 1"])
def test_hangup_refuses_ids_that_would_reshape_the_path(upstream, call_id):
    with pytest.raises(gateway.OpenAIError) as caught:
        gateway.call_hangup(call_id=call_id)
    assert caught.value.code == "invalid_call_id"
    assert len(upstream.calls) == 0


def test_the_client_has_explicit_timeouts(settings):
    timeout = gateway._http().timeout
    assert (timeout.connect, timeout.read) == (
        settings.REALTIME_CONNECT_TIMEOUT,
        settings.REALTIME_READ_TIMEOUT,
    )
    assert gateway._http() is gateway._http()  # one pooled client per process
