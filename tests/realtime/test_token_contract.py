"""The per-question token contract of DESIGN section 4, row by row, through the real URL."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Profile
from billing.models import Subscription
from interviews import services as lifecycle
from interviews.models import Interview
from realtime.models import RealtimeSession
from tests.factories import PASSWORD, api_as, jwt_client
from tests.factories import coffee_chain_case as make_case
from tests.factories import started_case_interview as case_interview_started
from tests.payloads import CLIENT_SECRET as SECRET
from tests.payloads import OPENAI_BASE as BASE
from tests.payloads import openai_json, token_url, upstream_error
from vocahire.lib.breaker import mint_breaker

pytestmark = pytest.mark.usefixtures("realtime_settings")


@dataclass
class Ctx:
    interview: Interview
    interview_id: object
    settings: object
    client: APIClient | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    id: str
    status: int
    code: str | None
    who: str = "owner_jwt"
    question: int = 1
    query: str = ""
    prepare: Callable[[Ctx], None] | None = None
    upstream: str = "ok"


def _missing(ctx: Ctx) -> None:
    ctx.interview_id = uuid.uuid4()


def _lapse_subscription(ctx: Ctx) -> None:
    Subscription.objects.filter(user=ctx.interview.owner).update(
        status=Subscription.Status.CANCELED
    )


def _draft(ctx: Ctx) -> None:
    draft = lifecycle.interview_create(
        owner=ctx.interview.owner, kind="case", case=ctx.interview.case
    )
    ctx.interview_id = draft.pk


def _completed(ctx: Ctx) -> None:
    lifecycle.interview_end(interview=ctx.interview, actor=ctx.interview.owner)


def _time_up(ctx: Ctx) -> None:
    minutes = ctx.interview.time_limit_minutes
    Interview.objects.filter(pk=ctx.interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=minutes, seconds=1)
    )


def _on_question_2(ctx: Ctx) -> None:
    lifecycle.interview_question_complete(
        interview=ctx.interview, actor=ctx.interview.owner, question_number=1
    )


def _rate_used_up(ctx: Ctx) -> None:
    ctx.settings.REALTIME_MINT_RATE = "1/min"
    assert ctx.client.get(token_url(ctx.interview, 1)).status_code == 200


def _open_breaker(ctx: Ctx) -> None:
    mint_breaker().open()


ROWS = [
    Row("no_credentials", 401, "not_authenticated", who="anonymous"),
    Row("bad_jwt", 401, "not_authenticated", who="bad_jwt"),
    Row("ttl_too_low", 400, "invalid_ttl", query="?ttl=299"),
    Row("ttl_too_high", 400, "invalid_ttl", query="?ttl=7201"),
    Row("ttl_not_a_number", 400, "invalid_ttl", query="?ttl=soon"),
    Row("ttl_fraction", 400, "invalid_ttl", query="?ttl=3600.5"),
    Row("ttl_empty", 400, "invalid_ttl", query="?ttl="),
    Row("interview_not_found", 404, "interview_not_found", prepare=_missing),
    Row("someone_elses_interview", 403, "forbidden", who="other"),
    Row("no_active_subscription", 403, "subscription_required", prepare=_lapse_subscription),
    Row("interview_still_draft", 400, "interview_not_in_progress", prepare=_draft),
    Row("interview_completed", 400, "interview_not_in_progress", prepare=_completed),
    Row("interview_time_up", 400, "interview_not_in_progress", prepare=_time_up),
    Row("question_zero", 404, "question_not_found", question=0),
    Row("question_after_last", 404, "question_not_found", question=4),
    Row("future_question", 400, "future_question", question=2),
    Row("breaker_open", 503, "upstream_unavailable", prepare=_open_breaker),
    Row("upstream_error", 502, "upstream_error", upstream="error"),
    Row("throttled", 429, "throttled", who="owner_session", prepare=_rate_used_up),
    Row("current_question", 200, None),
    Row("previous_question", 200, None, question=1, prepare=_on_question_2),
    Row("current_question_2", 200, None, question=2, prepare=_on_question_2),
    Row("ttl_min", 200, None, query="?ttl=300"),
    Row("ttl_max", 200, None, query="?ttl=7200"),
    Row("session_auth", 200, None, who="owner_session"),
    Row("staff_without_subscription", 200, None, who="staff", prepare=_lapse_subscription),
]


def _client(who: str, ctx: Ctx, users: dict) -> APIClient:
    if who == "anonymous":
        return APIClient()
    if who == "bad_jwt":
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
        return client
    if who == "owner_session":
        client = APIClient()
        assert client.login(email=ctx.interview.owner.email, password=PASSWORD)
        return client
    if who == "owner_jwt":
        return jwt_client(ctx.interview.owner)
    return jwt_client(users[who])


@pytest.fixture
def case_interview(subscriber) -> Interview:
    return case_interview_started(subscriber, make_case(questions=3))


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_token_contract_row(row, case_interview, upstream, settings, other_candidate, staff):
    route = upstream.post("/realtime/client_secrets")
    if row.upstream == "error":
        route.mock(return_value=upstream_error(500, "error_server.json"))
    else:
        route.mock(return_value=httpx.Response(200, json=openai_json("client_secret_created.json")))
    ctx = Ctx(interview=case_interview, interview_id=case_interview.pk, settings=settings)
    ctx.client = _client(row.who, ctx, {"other": other_candidate, "staff": staff})
    if row.prepare:
        row.prepare(ctx)
    calls_before = route.call_count

    response = ctx.client.get(token_url(str(ctx.interview_id), row.question, row.query))

    assert response.status_code == row.status, response.content
    body = response.json()
    if row.code is not None:
        assert set(body) == {"detail", "code"}
        assert body["code"] == row.code
        assert body["detail"].strip()
    else:
        assert body["client_secret"]["value"] == SECRET
        assert body["question_number"] == row.question
        assert body["ttl"] == (int(row.query.split("=")[1]) if row.query else 3600)
    # Only a request that passed every check reaches the upstream.
    reached = route.call_count - calls_before
    assert reached == {200: 1, 502: 2}.get(row.status, 0)
    if row.status == 503:
        # Just opened (Redis keeps the opening time in whole seconds; the exact count-down is
        # tested under a frozen clock in test_breaker.py).
        assert 28 <= int(response["Retry-After"]) <= 30
    if row.status == 429:
        assert 1 <= int(response["Retry-After"]) <= 60  # the rest of the rate's minute


def test_200_body_is_seed_compatible_and_filled_from_the_ga_session(case_interview, mint_route):
    response = jwt_client(case_interview.owner).get(token_url(case_interview, 1, "?ttl=3600"))

    assert response.status_code == 200
    body = response.json()
    session = openai_json("client_secret_created.json")["session"]
    assert body == {
        "id": "sess_C9CiUVUzUzYIssh3ELY1d",
        "object": "realtime.session",
        "model": "gpt-realtime-2.1",
        "modalities": ["audio", "text"],
        "instructions": session["instructions"],
        "voice": "marin",
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm16",
        "input_audio_transcription": {"model": "gpt-4o-mini-transcribe"},
        "turn_detection": {
            "type": "server_vad",
            "threshold": 0.5,
            "prefix_padding_ms": 300,
            "silence_duration_ms": 800,
        },
        "tools": [],
        "tool_choice": "none",
        "temperature": None,
        "max_response_output_tokens": "inf",
        "client_secret": {"value": SECRET, "expires_at": 1744396800},
        "interview_id": str(case_interview.pk),
        "user_id": str(case_interview.owner.pk),
        "question_number": 1,
        "expires_at": "2025-04-11T18:40:00Z",
        "ttl": 3600,
        "session": session,
        "calls_url": f"{BASE}/realtime/calls",
    }
    assert response["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r"db;dur=\d+\.\d, upstream;dur=\d+\.\d, total;dur=\d+\.\d", response["Server-Timing"]
    )


def test_mint_sends_the_snapshotted_instructions_of_that_question(case_interview, mint_route):
    lifecycle.interview_question_complete(
        interview=case_interview, actor=case_interview.owner, question_number=1
    )
    case_interview.refresh_from_db()

    response = jwt_client(case_interview.owner).get(token_url(case_interview, 2, "?ttl=900"))

    assert response.status_code == 200
    sent = mint_route.calls.last.request
    payload = json.loads(sent.content)
    assert payload["expires_after"] == {"anchor": "created_at", "seconds": 900}
    assert payload["session"]["instructions"] == case_interview.instructions_snapshot["2"]


def test_each_attempt_is_recorded_without_the_secret(case_interview, upstream):
    route = upstream.post("/realtime/client_secrets")
    route.side_effect = [
        httpx.Response(200, json=openai_json("client_secret_created.json")),
        upstream_error(400, "error_invalid_request.json"),
    ]
    client = jwt_client(case_interview.owner)

    assert client.get(token_url(case_interview, 1, "?ttl=600")).status_code == 200
    assert client.get(token_url(case_interview, 1)).status_code == 502

    minted, failed = RealtimeSession.objects.order_by("created_at", "id")
    assert (minted.outcome, minted.question_number, minted.ttl) == ("minted", 1, 600)
    assert minted.upstream_session_id == "sess_C9CiUVUzUzYIssh3ELY1d"
    assert (minted.model, minted.voice) == ("gpt-realtime-2.1", "marin")
    assert minted.expires_at.timestamp() == 1744396800
    assert minted.total_ms >= minted.upstream_ms > 0
    assert (failed.outcome, failed.error_code) == ("upstream_error", "invalid_value")
    assert failed.upstream_session_id == "" and failed.expires_at is None


def test_case_token_costs_at_most_8_queries(
    case_interview, mint_route, django_assert_max_num_queries
):
    client = jwt_client(case_interview.owner)
    # JWT user, interview + owner + profile, subscription, minted mark, RealtimeSession insert.
    with django_assert_max_num_queries(8):
        response = client.get(token_url(case_interview, 1))
    assert response.status_code == 200


def test_realtime_session_refuses_case_interviews(case_interview, mint_route):
    response = api_as(case_interview.owner).post(
        f"/api/v1/interviews/{case_interview.pk}/realtime-session"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "wrong_interview_kind"
    assert mint_route.call_count == 0


def test_repeat_token_loads_nothing_it_deferred(
    case_interview, mint_route, django_assert_num_queries
):
    Profile.objects.filter(user=case_interview.owner).update(thinking_time="short")
    client = jwt_client(case_interview.owner)
    assert client.get(token_url(case_interview, 1)).status_code == 200
    # JWT user; interview + owner + profile (only the columns a mint reads); subscription;
    # RealtimeSession INSERT. One more would be a deferred column loaded on its own.
    with django_assert_num_queries(4):
        response = client.get(token_url(case_interview, 1))
    assert response.status_code == 200
    sent = json.loads(mint_route.calls.last.request.content)["session"]
    assert sent["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 500
