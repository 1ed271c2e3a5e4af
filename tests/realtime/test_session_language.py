"""The interview's language in the session sent upstream (DESIGN sections 3 and 11): the
instructions hold the interviewer to it and the transcription is told it, on the room's calls
path and the ek_ mint path alike. OpenAI is mocked at the HTTP layer."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from interviews import services as lifecycle
from interviews.models import Interview
from tests.factories import coffee_chain_case as make_case
from tests.factories import jwt_client
from tests.payloads import session_url, token_url
from tests.realtime.test_calls_api import ANSWER, UPSTREAM_CALL, calls_url, post_offer
from vocahire.lib import languages

pytestmark = pytest.mark.usefixtures("realtime_settings")

RULES = {
    "en": "Conduct the whole interview in English:",
    "es": "Conduct the whole interview in Spanish (español):",
    "fr": "Conduct the whole interview in French (français):",
    "de": "Conduct the whole interview in German (Deutsch):",
    "pt": "Conduct the whole interview in Portuguese (português):",
    "it": "Conduct the whole interview in Italian (italiano):",
    "nl": "Conduct the whole interview in Dutch (Nederlands):",
}


@pytest.fixture
def calls_route(upstream):
    created = httpx.Response(
        201,
        text=ANSWER,
        headers={
            "Content-Type": "application/sdp",
            "Location": f"/v1/realtime/calls/{UPSTREAM_CALL}",
        },
    )
    return upstream.post("/realtime/calls").mock(return_value=created)


def _call_session(route) -> dict:
    body = route.calls.last.request.content.decode()
    return json.loads(re.search(r'name="session"\r\n.*?\r\n\r\n(.*?)\r\n--', body, re.S)[1])


def _job(owner, language: str) -> Interview:
    return lifecycle.interview_create(
        owner=owner, kind="job", job_title="Data analyst", language=language
    )


def test_every_language_has_its_rule():
    assert set(RULES) == set(languages.LANGUAGES)


@pytest.mark.parametrize("language", list(RULES))
def test_the_calls_path_sends_the_language_in_instructions_and_transcription(
    candidate, calls_route, language
):
    interview = _job(candidate, language)

    response = post_offer(jwt_client(candidate), calls_url(interview))

    assert response.status_code == 201, response.content
    session = _call_session(calls_route)
    assert RULES[language] in session["instructions"]
    assert session["audio"]["input"]["transcription"] == {
        "model": "gpt-live-transcribe",
        "languages": [language],
    }
    other = [rule for code, rule in RULES.items() if code != language]
    assert not any(rule in session["instructions"] for rule in other)


@pytest.mark.parametrize("language", ["es", "nl"])
def test_the_mint_path_sends_the_language(candidate, mint_route, language):
    interview = _job(candidate, language)

    response = jwt_client(candidate).post(session_url(interview))

    assert response.status_code == 200, response.content
    session = json.loads(mint_route.calls.last.request.content)["session"]
    assert RULES[language] in session["instructions"]
    assert session["audio"]["input"]["transcription"]["languages"] == [language]


def test_a_case_question_is_presented_in_the_language(subscriber, calls_route):
    interview = lifecycle.interview_create(
        owner=subscriber, kind="case", case=make_case(), language="fr"
    )
    lifecycle.interview_start(interview=interview, actor=subscriber)

    response = post_offer(jwt_client(subscriber), calls_url(interview, 1))

    assert response.status_code == 201, response.content
    session = _call_session(calls_route)
    # The same case (its English text), presented in French.
    assert "Our client, a coffee chain, saw profits fall 20% last year." in session["instructions"]
    assert RULES["fr"] in session["instructions"]
    assert "Present the material in natural French" in session["instructions"]
    assert session["audio"]["input"]["transcription"]["languages"] == ["fr"]


def test_an_older_transcription_model_gets_the_single_language_hint(
    candidate, mint_route, settings
):
    settings.REALTIME_TRANSCRIPTION_MODEL = "gpt-4o-transcribe"
    interview = _job(candidate, "de")

    jwt_client(candidate).post(session_url(interview))

    session = json.loads(mint_route.calls.last.request.content)["session"]
    assert session["audio"]["input"]["transcription"] == {
        "model": "gpt-4o-transcribe",
        "language": "de",
    }


def test_the_case_token_path_sends_the_language(subscriber, mint_route):
    interview = lifecycle.interview_create(
        owner=subscriber, kind="case", case=make_case(), language="it"
    )
    lifecycle.interview_start(interview=interview, actor=subscriber)

    response = jwt_client(subscriber).get(token_url(interview, 1))

    assert response.status_code == 200, response.content
    session = json.loads(mint_route.calls.last.request.content)["session"]
    assert RULES["it"] in session["instructions"]
    assert session["audio"]["input"]["transcription"]["languages"] == ["it"]


def test_the_supervisor_restores_the_transcription_with_the_language(candidate, calls_route):
    from realtime.supervisor import leases

    interview = _job(candidate, "pt")
    assert post_offer(jwt_client(candidate), calls_url(interview)).status_code == 201

    (lease,) = leases.calls_claim(owner="test-supervisor")

    assert lease.transcription == {"model": "gpt-live-transcribe", "languages": ["pt"]}
    assert RULES["pt"] in lease.instructions
