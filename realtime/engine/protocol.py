"""The OpenAI Realtime GA wire format as the engine speaks it: errors, ids, mint validation, sessions."""

from __future__ import annotations

import copy
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

TTL_MIN, TTL_MAX, TTL_DEFAULT = 10, 7200, 600
# Flat session fields of the retired beta interface; GA rejects them, so do we.
BETA_ONLY_FIELDS = (
    "modalities",
    "temperature",
    "voice",
    "input_audio_format",
    "output_audio_format",
    "input_audio_transcription",
    "turn_detection",
    "max_response_output_tokens",
)


# --- Configuration and errors ----------------------------------------------------------------


@dataclass
class EngineConfig:
    """Runtime knobs; tests flip them through POST /_engine/config."""

    api_key: str
    latency_ms: float = 0.0
    failure_rate: float = 0.0
    refuse: bool = False  # client_secrets answers 503, as when OpenAI is down
    refuse_calls: bool = False  # calls answers 503: the WebRTC connect fails after a good mint
    # calls answers 201 but the engine then takes no part in ICE, as behind a firewall that drops
    # UDP: the browser's audio link never opens (the room's ice_failed).
    drop_media: bool = False

    def update(self, changes: dict[str, Any]) -> None:
        """Apply known, type-checked changes; raise ValueError on anything else."""
        for name, value in changes.items():
            if name == "api_key" or name not in self.__dataclass_fields__:
                raise ValueError(f"unknown setting {name!r}")
            if name in ("refuse", "refuse_calls", "drop_media") and not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            if name in ("latency_ms", "failure_rate") and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise ValueError(f"{name} must be a number >= 0")
            if name == "failure_rate" and value > 1:
                raise ValueError("failure_rate must be between 0 and 1")
        for name, value in changes.items():
            setattr(self, name, value)

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "api_key"}


def openai_error(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> web.Response:
    """An error response in OpenAI's documented shape."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return web.json_response(body, status=status)


def new_id(prefix: str, length: int = 22) -> str:
    return prefix + secrets.token_urlsafe(length)[:length].replace("-", "A").replace("_", "b")


def bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def key_invalid(token: str) -> web.Response:
    if not token:
        message = "You didn't provide an API key. Use 'Authorization: Bearer YOUR_KEY'."
    else:
        message = f"Incorrect API key provided: {token[:3]}***{token[-4:]}."
    return openai_error(401, message, code="invalid_api_key")


# --- Validating the mint body like OpenAI does ------------------------------------------------


def ttl_parse(expires_after: Any) -> tuple[int, web.Response | None]:
    if expires_after is None:
        return TTL_DEFAULT, None
    if not isinstance(expires_after, dict):
        return 0, openai_error(
            400,
            "Invalid 'expires_after': expected an object.",
            param="expires_after",
            code="invalid_type",
        )
    if expires_after.get("anchor", "created_at") != "created_at":
        message = "Invalid 'expires_after.anchor': expected 'created_at'."
        return 0, openai_error(400, message, param="expires_after.anchor", code="invalid_value")
    seconds = expires_after.get("seconds", TTL_DEFAULT)
    param = "expires_after.seconds"
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        return 0, openai_error(
            400, f"Invalid '{param}': expected an integer.", param=param, code="invalid_type"
        )
    if seconds < TTL_MIN:
        message = f"Invalid '{param}': integer below minimum value. Expected a value >= {TTL_MIN}, but got {seconds} instead."
        return 0, openai_error(400, message, param=param, code="integer_below_min_value")
    if seconds > TTL_MAX:
        message = f"Invalid '{param}': integer above maximum value. Expected a value <= {TTL_MAX}, but got {seconds} instead."
        return 0, openai_error(400, message, param=param, code="integer_above_max_value")
    return seconds, None


def session_problem(session: Any, *, type_required: bool = True) -> tuple[str, str, str] | None:
    """(message, param, code) saying why a config is not a GA realtime session, or None."""
    if not isinstance(session, dict) or (type_required and "type" not in session):
        return (
            "Missing required parameter: 'session.type'.",
            "session.type",
            "missing_required_parameter",
        )
    if session.get("type", "realtime") != "realtime":
        message = (
            f"Invalid value: '{session.get('type')}'. The local engine supports only 'realtime'."
        )
        return message, "session.type", "invalid_value"
    for name in BETA_ONLY_FIELDS:
        if name in session:
            return f"Unknown parameter: 'session.{name}'.", f"session.{name}", "unknown_parameter"
    if not isinstance(session.get("instructions", ""), str):
        return (
            "Invalid 'session.instructions': expected a string.",
            "session.instructions",
            "invalid_type",
        )
    return None


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a partial session config onto a full one, as session.update does."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def session_build(requested: dict[str, Any]) -> dict[str, Any]:
    """The full GA session object OpenAI echoes back: defaults overlaid with the request."""
    defaults: dict[str, Any] = {
        "type": "realtime",
        "object": "realtime.session",
        "id": new_id("sess_"),
        "model": "gpt-realtime",
        "output_modalities": ["audio"],
        "instructions": "",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "include": None,
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500,
                    "idle_timeout_ms": None,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": "marin",
                "speed": 1.0,
            },
        },
    }
    changes = {k: v for k, v in requested.items() if k not in ("id", "object")}
    return merge(defaults, changes)
