"""Realtime test plumbing: the upstream mocked at the HTTP layer (respx) with GA payloads from
tests/data/openai/, interviews in the states the contract talks about, and a closed breaker."""

from __future__ import annotations

import httpx
import pytest
import respx

from tests.payloads import OPENAI_BASE as BASE
from tests.payloads import SERVER_KEY, openai_json
from vocahire.lib import openai_gateway
from vocahire.lib.breaker import breaker_reset


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
