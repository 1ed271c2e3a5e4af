"""Realtime test plumbing: the upstream mocked at the HTTP layer (respx) with GA payloads from
tests/data/openai/, interviews in the states the contract talks about, and a closed breaker."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from interviews import services as lifecycle
from interviews.models import Case, CaseQuestion, Interview
from vocahire.lib import openai_gateway
from vocahire.lib.breaker import breaker_reset

DATA = Path(__file__).resolve().parent.parent / "data" / "openai"
BASE = "https://api.openai.com/v1"
SERVER_KEY = "sk-test-server-key"
SECRET = "ek_68af296e8e408191a1120ab6383263c2"


def openai_json(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def upstream_error(status: int, name: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=openai_json(name), headers=headers)


@pytest.fixture
def realtime_settings(settings):
    """Point the gateway at OpenAI's address (mocked) with a known key; start with a closed breaker."""
    settings.REALTIME_BASE_URL = BASE
    settings.OPENAI_API_KEY = SERVER_KEY
    settings.REALTIME_PROVIDER = "openai"
    settings.REALTIME_MINT_RATE = "1000/min"
    breaker_reset()
    yield settings
    breaker_reset()


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """The gateway's back-off delays, recorded instead of slept."""
    delays: list[float] = []
    monkeypatch.setattr(openai_gateway, "_sleep", delays.append)
    return delays


@pytest.fixture
def upstream(realtime_settings, sleeps):
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def mint_route(upstream):
    """POST /realtime/client_secrets answering 200 with the GA shape."""
    return upstream.post("/realtime/client_secrets").mock(
        return_value=httpx.Response(200, json=openai_json("client_secret_created.json"))
    )


def jwt_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def make_case(*, questions: int = 3) -> Case:
    case = Case.objects.create(
        title="Coffee chain profitability",
        slug="coffee-chain-profitability",
        case_type=Case.CaseType.PROFITABILITY,
        lead_type=Case.LeadType.INTERVIEWER_LED,
        difficulty=Case.Difficulty.MEDIUM,
        industry="Retail",
        summary="Profits fell 20% in a year.",
        prompt="Our client, a coffee chain, saw profits fall 20% last year.",
        estimated_minutes=30,
        published=True,
    )
    for number in range(1, questions + 1):
        CaseQuestion.objects.create(
            case=case,
            number=number,
            kind=CaseQuestion.Kind.FRAMEWORK,
            prompt=f"Question {number}: how would you approach it?",
            evaluator_context=f"Strong answer {number} segments revenue and costs.",
        )
    return case


def case_interview_started(owner: User, case: Case) -> Interview:
    interview = lifecycle.interview_create(owner=owner, kind="case", case=case)
    return lifecycle.interview_start(interview=interview, actor=owner)


def job_interview_draft(owner: User) -> Interview:
    return lifecycle.interview_create(
        owner=owner, kind="job", job_title="Data analyst", job_description="SQL and dashboards."
    )


def token_url(interview: Interview | str, question: int, query: str = "") -> str:
    pk = interview.pk if isinstance(interview, Interview) else interview
    return f"/api/v1/interviews/{pk}/questions/{question}/token{query}"


def session_url(interview: Interview | str, query: str = "") -> str:
    pk = interview.pk if isinstance(interview, Interview) else interview
    return f"/api/v1/interviews/{pk}/realtime-session{query}"
