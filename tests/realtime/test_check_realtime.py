"""manage.py check_realtime: one real mint against the configured upstream (respx here)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.realtime.conftest import SECRET, upstream_error

pytestmark = pytest.mark.usefixtures("realtime_settings")


def test_prints_latency_model_and_breaker_state(mint_route):
    out = StringIO()

    call_command("check_realtime", stdout=out)

    text = out.getvalue()
    assert "breaker:  closed" in text
    assert "model:    gpt-realtime-2.1" in text
    assert "latency:" in text and " ms" in text
    assert SECRET not in text
    sent = json.loads(mint_route.calls.last.request.content)
    assert sent["expires_after"]["seconds"] == 60
    assert sent["session"]["type"] == "realtime"


def test_fails_with_a_non_zero_exit_when_the_upstream_refuses(upstream):
    upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(401, "error_invalid_api_key.json")
    )

    with pytest.raises(CommandError, match="invalid_api_key"):
        call_command("check_realtime", stdout=StringIO())
