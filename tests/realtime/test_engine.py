"""The local realtime engine's HTTP surface, over real HTTP on loopback: client secrets, call
authorisation, hang-up, CORS and the fault knobs (refuse, latency, failure rate)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
import pytest
import time_machine

from realtime.engine import engine_run

KEY = "sk-engine-test-key"
JOB_INSTRUCTIONS = 'You are a hiring manager interviewing for the role of "Data analyst".'


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()


@pytest.fixture
def http(engine):
    engine.config.update(
        {
            "latency_ms": 0,
            "failure_rate": 0,
            "refuse": False,
            "refuse_calls": False,
            "drop_media": False,
        }
    )
    with httpx.Client(base_url=engine.base_url, timeout=5) as client:
        yield client


def mint_body(**overrides) -> dict:
    session = {
        "type": "realtime",
        "model": "gpt-realtime-2.1",
        "instructions": JOB_INSTRUCTIONS,
        "audio": {
            "input": {
                "transcription": {"model": "gpt-4o-mini-transcribe"},
                "turn_detection": {"type": "server_vad", "silence_duration_ms": 800},
            },
            "output": {"voice": "marin"},
        },
        "max_output_tokens": "inf",
    }
    body = {"expires_after": {"anchor": "created_at", "seconds": 600}, "session": session}
    body.update(overrides)
    return body


def mint(http: httpx.Client, body: dict | None = None, key: str = KEY) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return http.post("/realtime/client_secrets", json=body or mint_body(), headers=headers)


def assert_openai_error(response: httpx.Response, status: int, **fields) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"]
    for name, value in fields.items():
        assert error[name] == value, (name, error)
    return error


def test_client_secret_minted_with_the_ga_shape(http):
    before = int(time.time())

    response = mint(http)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"value", "expires_at", "session"}
    assert body["value"].startswith("ek_") and len(body["value"]) > 20
    assert before + 600 <= body["expires_at"] <= int(time.time()) + 600
    session = body["session"]
    assert session["type"] == "realtime"
    assert session["object"] == "realtime.session"
    assert session["id"].startswith("sess_")
    assert session["model"] == "gpt-realtime-2.1"
    assert session["instructions"] == JOB_INSTRUCTIONS
    assert session["audio"]["output"]["voice"] == "marin"
    detection = session["audio"]["input"]["turn_detection"]
    assert detection["silence_duration_ms"] == 800  # requested
    assert detection["threshold"] == 0.5  # filled in like upstream
    assert session["audio"]["input"]["transcription"] == {"model": "gpt-4o-mini-transcribe"}


def test_each_mint_is_a_new_secret_and_session(http):
    first, second = mint(http).json(), mint(http).json()

    assert first["value"] != second["value"]
    assert first["session"]["id"] != second["session"]["id"]


@pytest.mark.parametrize("key", ["sk-wrong", ""])
def test_client_secret_refuses_a_bad_server_key(http, key):
    assert_openai_error(mint(http, key=key), 401, code="invalid_api_key")


def test_client_secret_requires_session_type(http):
    body = mint_body()
    del body["session"]["type"]

    assert_openai_error(mint(http, body), 400, param="session.type")


def test_client_secret_requires_a_session(http):
    body = mint_body()
    del body["session"]

    assert_openai_error(mint(http, body), 400, param="session.type")


@pytest.mark.parametrize(
    ("seconds", "code"),
    [(9, "integer_below_min_value"), (7201, "integer_above_max_value"), ("600", "invalid_type")],
)
def test_client_secret_rejects_ttl_outside_10_to_7200(http, seconds, code):
    body = mint_body(expires_after={"anchor": "created_at", "seconds": seconds})

    assert_openai_error(mint(http, body), 400, param="expires_after.seconds", code=code)


@pytest.mark.parametrize("seconds", [10, 7200])
def test_client_secret_accepts_ttl_bounds(http, seconds):
    body = mint_body(expires_after={"anchor": "created_at", "seconds": seconds})

    response = mint(http, body)

    assert response.status_code == 200
    assert abs(response.json()["expires_at"] - (time.time() + seconds)) < 5


@pytest.mark.parametrize("field", ["temperature", "modalities", "voice"])
def test_client_secret_rejects_beta_fields(http, field):
    body = mint_body()
    body["session"][field] = 0.8 if field == "temperature" else "marin"

    assert_openai_error(mint(http, body), 400, param=f"session.{field}", code="unknown_parameter")


def audio(**parts) -> dict:
    return {"type": "realtime", "audio": parts}


@pytest.mark.parametrize(
    ("session", "param", "code"),
    [
        ({"type": "realtime", "colour": "red"}, "session.colour", "unknown_parameter"),
        (audio(output={"voice": "marin", "pitch": 2}), "session.audio.output.pitch", "unknown_parameter"),
        (audio(input={"transcription": {"model": "gpt-4o-mini-transcribe", "lang": "en"}}), "session.audio.input.transcription.lang", "unknown_parameter"),
        (audio(output={"voice": "onyx"}), "session.audio.output.voice", "invalid_value"),
        (audio(output={"speed": 1.6}), "session.audio.output.speed", "decimal_above_max_value"),
        (audio(output={"speed": 0.2}), "session.audio.output.speed", "decimal_below_min_value"),
        (audio(input={"turn_detection": {"type": "server_vad", "threshold": 1.5}}), "session.audio.input.turn_detection.threshold", "decimal_above_max_value"),
        (audio(input={"turn_detection": {"type": "server_vad", "silence_duration_ms": -1}}), "session.audio.input.turn_detection.silence_duration_ms", "integer_below_min_value"),
        (audio(input={"turn_detection": {"type": "server_vad", "silence_duration_ms": 0.5}}), "session.audio.input.turn_detection.silence_duration_ms", "invalid_type"),
        (audio(input={"turn_detection": {"type": "loud_vad"}}), "session.audio.input.turn_detection.type", "invalid_value"),
        (audio(input={"turn_detection": {"type": "semantic_vad", "eagerness": "eager"}}), "session.audio.input.turn_detection.eagerness", "invalid_value"),
        ({"type": "realtime", "max_output_tokens": 0}, "session.max_output_tokens", "integer_below_min_value"),
        ({"type": "realtime", "max_output_tokens": 4097}, "session.max_output_tokens", "integer_above_max_value"),
        ({"type": "realtime", "max_output_tokens": "lots"}, "session.max_output_tokens", "invalid_value"),
        ({"type": "realtime", "output_modalities": ["video"]}, "session.output_modalities[0]", "invalid_value"),
        ({"type": "realtime", "tools": [{"type": "function", "name": "f", "strict": True}]}, "session.tools[0].strict", "unknown_parameter"),
        ({"type": "realtime", "tool_choice": "sometimes"}, "session.tool_choice", "invalid_value"),
        ({"type": "realtime", "instructions": 3}, "session.instructions", "invalid_type"),
        ({"type": "transcription"}, "session.type", "invalid_value"),
    ],
)  # fmt: skip
def test_client_secret_validates_the_session_like_openai(http, session, param, code):
    body = mint_body()
    body["session"] = session

    error = assert_openai_error(mint(http, body), 400, param=param, code=code)

    assert error["type"] == "invalid_request_error"
    assert param in error["message"] or "Invalid value" in error["message"]


def test_client_secret_accepts_every_ga_voice_and_the_documented_ranges(http):
    for voice in ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"):  # fmt: skip
        body = mint_body()
        body["session"]["audio"]["output"] = {"voice": voice, "speed": 1.5}
        assert mint(http, body).status_code == 200, voice
    body = mint_body()
    body["session"].update(
        max_output_tokens=4096,
        output_modalities=["audio"],
        tools=[{"type": "function", "name": "note", "description": "d", "parameters": {}}],
        tool_choice={"type": "function", "name": "note"},
        truncation={"type": "retention_ratio", "retention_ratio": 0.5},
        tracing=None,
    )
    body["session"]["audio"]["input"]["turn_detection"] = {
        "type": "semantic_vad",
        "eagerness": "low",
        "create_response": False,
    }
    body["session"]["audio"]["input"]["noise_reduction"] = {"type": "near_field"}
    body["session"]["audio"]["output"]["voice"] = {"id": "voice_1234"}

    response = mint(http, body)

    assert response.status_code == 200, response.text
    assert response.json()["session"]["max_output_tokens"] == 4096


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"ttl": 600}, "ttl"),
        ({"expires_after": {"anchor": "created_at", "seconds": 600, "grace": 5}}, "expires_after.grace"),
    ],
)  # fmt: skip
def test_client_secret_rejects_unknown_body_fields(http, overrides, param):
    assert_openai_error(
        mint(http, mint_body(**overrides)), 400, param=param, code="unknown_parameter"
    )


def test_client_secret_session_carries_its_expiry(http):
    body = mint(http).json()

    assert body["session"]["expires_at"] == body["expires_at"]


def test_client_secret_rejects_a_body_that_is_not_json(http):
    response = http.post(
        "/realtime/client_secrets", content=b"nope", headers={"Authorization": f"Bearer {KEY}"}
    )

    assert_openai_error(response, 400, code="invalid_json")


def test_calls_refuse_unknown_secret(http):
    response = http.post(
        "/realtime/calls",
        content="v=0\r\n",
        headers={"Authorization": "Bearer ek_unknown", "Content-Type": "application/sdp"},
    )

    assert_openai_error(response, 401, code="invalid_api_key")


def test_calls_refuse_an_expired_secret(http):
    secret = mint(http, mint_body(expires_after={"seconds": 10})).json()["value"]

    with time_machine.travel(datetime.now() + timedelta(seconds=11), tick=False):
        response = http.post(
            "/realtime/calls",
            content="v=0\r\n",
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/sdp"},
        )

    assert_openai_error(response, 401, code="invalid_api_key")


def test_a_secret_survives_its_first_call_attempts(http, engine):
    secret = mint(http).json()["value"]
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/sdp"}

    for _ in range(2):
        assert_openai_error(http.post("/realtime/calls", content="nope", headers=headers), 400)

    assert engine.engine.secret_usable(secret) is not None


def test_calls_require_an_sdp_body(http):
    secret = mint(http).json()["value"]

    response = http.post(
        "/realtime/calls", json={"sdp": "v=0"}, headers={"Authorization": f"Bearer {secret}"}
    )

    assert_openai_error(response, 400, code="invalid_content_type")


def test_calls_reject_a_malformed_offer_and_keep_the_secret(http, engine):
    secret = mint(http).json()["value"]
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/sdp"}

    response = http.post("/realtime/calls", content="this is not sdp", headers=headers)

    assert_openai_error(response, 400, code="invalid_offer")
    assert engine.engine.secret_usable(secret) is not None  # a bad offer does not burn it


def test_hangup_unknown_call_is_404(http):
    response = http.post(
        "/realtime/calls/rtc_unknown/hangup", headers={"Authorization": f"Bearer {KEY}"}
    )

    assert_openai_error(response, 404, code="not_found")


def test_hangup_needs_the_server_key(http):
    response = http.post(
        "/realtime/calls/rtc_unknown/hangup", headers={"Authorization": "Bearer ek_client"}
    )

    assert_openai_error(response, 401, code="invalid_api_key")


def test_cors_preflight_allows_the_browser_to_post_the_offer(http):
    response = http.options(
        "/realtime/calls",
        headers={
            "Origin": "http://127.0.0.1:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_cors_preflight_lets_openais_browser_sdk_through(http):
    """@openai/agents-realtime adds X-OpenAI-Agents-SDK to its calls; requested headers pass."""
    response = http.options(
        "/realtime/calls",
        headers={
            "Origin": "http://127.0.0.1:8000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-openai-agents-sdk,openai-beta",
        },
    )

    assert response.status_code == 204
    allowed = {
        h.strip() for h in response.headers["Access-Control-Allow-Headers"].lower().split(",")
    }
    assert {"authorization", "content-type", "x-openai-agents-sdk", "openai-beta"} <= allowed
    assert response.headers["Access-Control-Expose-Headers"] == "Location"


def test_cors_exposes_location_on_answers_and_errors(http):
    response = mint(http, key="sk-wrong")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "Location"


def test_refuse_mode_answers_503_in_openai_shape_and_can_be_switched_at_run_time(http):
    hook = http.base_url.join("/_engine/config")
    assert http.post(hook, json={"refuse": True}).status_code == 200
    config = http.get(hook).json()
    assert config["refuse"] is True

    assert_openai_error(mint(http), 503, type="server_error")

    http.post(hook, json={"refuse": False})
    assert mint(http).status_code == 200


def test_refuse_mode_still_checks_the_key_first(http, engine):
    engine.config.update({"refuse": True})

    assert_openai_error(mint(http, key="sk-wrong"), 401)


def test_refuse_calls_mode_fails_the_sdp_exchange_with_503(http, engine):
    secret = mint(http).json()["value"]
    engine.config.update({"refuse_calls": True})

    response = http.post(
        "/realtime/calls",
        content="v=0\r\n",
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/sdp"},
    )

    assert_openai_error(response, 503, type="server_error")


def test_config_hook_rejects_unknown_or_mistyped_settings(http):
    url = http.base_url.join("/_engine/config")

    bad_settings = (
        {"api_key": "x"},
        {"refuse": "yes"},
        {"drop_media": 1},
        {"failure_rate": 2},
        {"latency_ms": -1},
    )
    for bad in bad_settings:
        assert http.post(url, json=bad).status_code == 400, bad

    assert http.get(url).json() == {
        "latency_ms": 0,
        "failure_rate": 0,
        "refuse": False,
        "refuse_calls": False,
        "drop_media": False,
    }


def test_latency_flag_delays_each_request(http, engine):
    def fastest_mint(tries: int) -> float:
        # The fastest of a few: a busy host (CI, parallel work) slows single requests at random.
        timings = []
        for _ in range(tries):
            started = time.perf_counter()
            assert mint(http).status_code == 200
            timings.append(time.perf_counter() - started)
        return min(timings)

    baseline = fastest_mint(3)
    engine.config.update({"latency_ms": 250})
    delayed = fastest_mint(2)

    assert delayed >= 0.25
    assert delayed - baseline >= 0.2


def test_failure_rate_one_fails_every_request_with_a_retryable_500(http, engine):
    engine.config.update({"failure_rate": 1.0})

    assert_openai_error(mint(http), 500, type="server_error")
    response = http.post("/realtime/calls/rtc_x/hangup", headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == 500


def test_engine_run_reads_the_web_apps_key_by_default(settings):
    settings.OPENAI_API_KEY = "sk-from-settings"
    running = engine_run(port=0)
    try:
        with httpx.Client(base_url=running.base_url, timeout=5) as client:
            assert mint(client, key="sk-from-settings").status_code == 200
            assert mint(client, key=KEY).status_code == 401
    finally:
        running.stop()
