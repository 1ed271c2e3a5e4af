"""The OpenAI Realtime GA wire format as the engine speaks it: errors, ids, mint validation, sessions."""

from __future__ import annotations

import copy
import json
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .specs import (
    Anything,
    Bool,
    Either,
    Enum,
    ListOf,
    MaxTokens,
    Nullable,
    Num,
    Obj,
    Problem,
    Str,
    Tagged,
)

TTL_MIN, TTL_MAX, TTL_DEFAULT = 10, 7200, 600


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
    for name in expires_after:
        if name not in ("anchor", "seconds"):
            message = f"Unknown parameter: 'expires_after.{name}'."
            return 0, openai_error(
                400, message, param=f"expires_after.{name}", code="unknown_parameter"
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


# GA's built-in voices (openai-python types/realtime/realtime_audio_config_output_param.py).
VOICES = ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar")
# Fields the server fills in and echoes in session.created; a client sending them back is ignored.
READ_ONLY_FIELDS = ("id", "object", "expires_at")


def _audio_format() -> Tagged:
    return Tagged(
        {
            "audio/pcm": Obj({"type": Str(), "rate": Num(24000, 24000, integer=True)}),
            "audio/pcmu": Obj({"type": Str()}),
            "audio/pcma": Obj({"type": Str()}),
        }
    )


_VAD_COMMON = {"type": Str(), "create_response": Bool(), "interrupt_response": Bool()}
TURN_DETECTION = Nullable(
    Tagged(
        {
            "server_vad": Obj(
                {
                    **_VAD_COMMON,
                    "threshold": Num(0, 1),
                    "prefix_padding_ms": Num(0, None, integer=True),
                    "silence_duration_ms": Num(0, None, integer=True),
                    "idle_timeout_ms": Nullable(Num(0, None, integer=True)),
                }
            ),
            "semantic_vad": Obj(
                {**_VAD_COMMON, "eagerness": Enum("low", "medium", "high", "auto")}
            ),
        }
    )
)
TRANSCRIPTION = Nullable(
    Obj(
        {
            "model": Str(),
            "language": Str(),
            "languages": ListOf(Str()),
            "prompt": Str(),
            "keywords": ListOf(Str()),
            "delay": Enum("minimal", "low", "medium", "high", "xhigh"),
        }
    )
)
TOOL = Tagged(
    {
        "function": Obj(
            {"type": Str(), "name": Str(), "description": Str(), "parameters": Anything()}
        ),
        "mcp": Obj(
            {
                name: Anything()
                for name in (
                    "type", "server_label", "server_url", "server_description", "allowed_tools",
                    "allowed_callers", "authorization", "connector_id", "defer_loading",
                    "headers", "require_approval", "tunnel_id",
                )
            },
            required=("server_label",),
        ),
    }
)  # fmt: skip
SESSION = Obj(
    {
        "type": Enum("realtime"),
        "model": Str(),
        "instructions": Str(),
        "output_modalities": ListOf(Enum("text", "audio")),
        "tools": ListOf(TOOL),
        "tool_choice": Either(
            Enum("none", "auto", "required"),
            Tagged(
                {
                    "function": Obj({"type": Str(), "name": Str()}, required=("name",)),
                    "mcp": Obj(
                        {"type": Str(), "server_label": Str(), "name": Nullable(Str())},
                        required=("server_label",),
                    ),
                }
            ),
        ),
        "max_output_tokens": MaxTokens(),
        "parallel_tool_calls": Bool(),
        "reasoning": Obj({"effort": Enum("minimal", "low", "medium", "high", "xhigh")}),
        "tracing": Nullable(
            Either(
                Enum("auto"),
                Obj({"workflow_name": Str(), "group_id": Str(), "metadata": Anything()}),
            )
        ),
        "truncation": Either(
            Enum("auto", "disabled"),
            Tagged(
                {
                    "retention_ratio": Obj(
                        {
                            "type": Str(),
                            "retention_ratio": Num(0, 1),
                            "token_limits": Obj({"post_instructions": Num(0, None, integer=True)}),
                        },
                        required=("retention_ratio",),
                    )
                }
            ),
        ),
        "prompt": Nullable(Obj({"id": Str(), "version": Nullable(Str()), "variables": Anything()})),
        "include": Nullable(ListOf(Enum("item.input_audio_transcription.logprobs"))),
        "audio": Obj(
            {
                "input": Obj(
                    {
                        "format": _audio_format(),
                        "transcription": TRANSCRIPTION,
                        "noise_reduction": Nullable(
                            Obj({"type": Enum("near_field", "far_field"), "strength": Num(0, 1)})
                        ),
                        "turn_detection": TURN_DETECTION,
                    }
                ),
                "output": Obj(
                    {
                        "format": _audio_format(),
                        "voice": Either(Enum(*VOICES), Obj({"id": Str()}, required=("id",))),
                        "speed": Num(0.25, 1.5),
                    }
                ),
            }
        ),
    },
    ignored=READ_ONLY_FIELDS,
)


def session_problem(session: Any) -> Problem | None:
    """(message, param, code) saying why this is not a valid GA realtime session, or None.

    The same rules serve client_secrets, the multipart call and session.update (where GA also
    requires `session.type`): unknown fields anywhere, unknown enum values (voices...) and values
    out of range are refused with OpenAI's codes.
    """
    if not isinstance(session, dict) or "type" not in session:
        return (
            "Missing required parameter: 'session.type'.",
            "session.type",
            "missing_required_parameter",
        )
    return SESSION.check(session, "session")


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a partial session config onto a full one, as session.update does; an object
    whose `type` changes (turn_detection server_vad -> semantic_vad...) is replaced whole."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        current = merged.get(key)
        if (
            isinstance(value, dict)
            and isinstance(current, dict)
            and value.get("type", current.get("type")) == current.get("type")
        ):
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
    changes = {k: v for k, v in requested.items() if k not in READ_ONLY_FIELDS}
    return merge(defaults, changes)


# --- Reading a call's body: the SDP offer, alone or in the unified interface's form -------------


def sdp_problem(offer: str) -> web.Response | None:
    if not offer.lstrip().startswith("v=0") or "\nm=" not in offer:
        message = "The body is not an SDP offer with at least one media section."
        return openai_error(400, message, param="sdp", code="invalid_offer")
    return None


async def multipart_read(request: web.Request) -> tuple[str | None, Any, web.Response | None]:
    """The unified interface's form: (sdp, session JSON or None, error)."""
    sdp: str | None = None
    session: Any = None
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "sdp":
                sdp = await part.text()
            elif part.name == "session":
                try:
                    session = json.loads(await part.text())
                except ValueError:
                    message = "The 'session' part is not valid JSON."
                    return (
                        None,
                        None,
                        openai_error(400, message, param="session", code="invalid_json"),
                    )
            else:
                message = f"Unknown parameter: '{part.name}'."
                return (
                    None,
                    None,
                    openai_error(400, message, param=part.name, code="unknown_parameter"),
                )
    except (ValueError, AssertionError) as exc:
        message = f"The multipart body could not be read: {exc}"
        return None, None, openai_error(400, message, code="invalid_multipart")
    if sdp is None:
        message = "Missing required parameter: 'sdp'."
        return (
            None,
            None,
            openai_error(400, message, param="sdp", code="missing_required_parameter"),
        )
    return sdp, session, None
