"""The OpenAI Realtime GA wire format as the engine speaks it: errors, ids, mint validation, sessions."""

from __future__ import annotations

import copy
import secrets
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

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


Problem = tuple[str, str, str]  # (message, param, code), as in OpenAI's error object

# GA's built-in voices (openai-python types/realtime/realtime_audio_config_output_param.py).
VOICES = ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar")
# Fields the server fills in and echoes in session.created; a client sending them back is ignored.
READ_ONLY_FIELDS = ("id", "object", "expires_at")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _type_error(param: str, expected: str, value: Any) -> Problem:
    message = f"Invalid type for '{param}': expected {expected}, but got {_kind(value)} instead."
    return message, param, "invalid_type"


def _enum_error(param: str, value: Any, allowed: tuple[str, ...]) -> Problem:
    listed = ", ".join(f"'{v}'" for v in allowed)
    return f"Invalid value: '{value}'. Supported values are: {listed}.", param, "invalid_value"


class Spec:
    """One field's rule; check() returns the first Problem or None."""

    def check(self, value: Any, param: str) -> Problem | None:  # pragma: no cover - interface
        raise NotImplementedError


class Anything(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None


class Str(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None if isinstance(value, str) else _type_error(param, "a string", value)


class Bool(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        return None if isinstance(value, bool) else _type_error(param, "a boolean", value)


class Enum(Spec):
    def __init__(self, *allowed: str) -> None:
        self.allowed = allowed

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, str):
            return _type_error(param, "one of " + ", ".join(self.allowed), value)
        return None if value in self.allowed else _enum_error(param, value, self.allowed)


class Num(Spec):
    """A number within [lo, hi]; integer=True wants an integer (OpenAI's integer_* codes)."""

    def __init__(
        self, lo: float | None = None, hi: float | None = None, *, integer: bool = False
    ) -> None:
        self.lo, self.hi, self.integer = lo, hi, integer

    def check(self, value: Any, param: str) -> Problem | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _type_error(param, "an integer" if self.integer else "a number", value)
        if self.integer and not isinstance(value, int):
            return _type_error(param, "an integer", value)
        word = "integer" if self.integer else "decimal"
        if self.lo is not None and value < self.lo:
            message = (
                f"Invalid '{param}': {word} below minimum value. "
                f"Expected a value >= {self.lo}, but got {value} instead."
            )
            return message, param, f"{word}_below_min_value"
        if self.hi is not None and value > self.hi:
            message = (
                f"Invalid '{param}': {word} above maximum value. "
                f"Expected a value <= {self.hi}, but got {value} instead."
            )
            return message, param, f"{word}_above_max_value"
        return None


class Nullable(Spec):
    def __init__(self, inner: Spec) -> None:
        self.inner = inner

    def check(self, value: Any, param: str) -> Problem | None:
        return None if value is None else self.inner.check(value, param)


class ListOf(Spec):
    def __init__(self, inner: Spec) -> None:
        self.inner = inner

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, list):
            return _type_error(param, "an array", value)
        for index, item in enumerate(value):
            problem = self.inner.check(item, f"{param}[{index}]")
            if problem:
                return problem
        return None


class Obj(Spec):
    """An object with known fields only (unknown ones are OpenAI's unknown_parameter)."""

    def __init__(
        self, fields: dict[str, Spec], *, required: tuple[str, ...] = (), ignored=()
    ) -> None:
        self.fields, self.required, self.ignored = fields, required, tuple(ignored)

    def check(self, value: Any, param: str) -> Problem | None:
        if not isinstance(value, dict):
            return _type_error(param, "an object", value)
        for name in value:
            if name not in self.fields and name not in self.ignored:
                return (
                    f"Unknown parameter: '{param}.{name}'.",
                    f"{param}.{name}",
                    "unknown_parameter",
                )
        for name in self.required:
            if name not in value:
                message = f"Missing required parameter: '{param}.{name}'."
                return message, f"{param}.{name}", "missing_required_parameter"
        for name, spec in self.fields.items():
            if name in value:
                problem = spec.check(value[name], f"{param}.{name}")
                if problem:
                    return problem
        return None


class Tagged(Spec):
    """A union told apart by its `type` field (turn_detection, tools, formats, truncation...)."""

    def __init__(self, variants: dict[str, Obj], *, plain: Spec | None = None) -> None:
        self.variants, self.plain = variants, plain

    def check(self, value: Any, param: str) -> Problem | None:
        if self.plain is not None and not isinstance(value, dict):
            return self.plain.check(value, param)
        if not isinstance(value, dict):
            return _type_error(param, "an object", value)
        if "type" not in value:
            message = f"Missing required parameter: '{param}.type'."
            return message, f"{param}.type", "missing_required_parameter"
        variant = self.variants.get(value["type"])
        if variant is None:
            return _enum_error(f"{param}.type", value["type"], tuple(self.variants))
        return variant.check(value, param)


class Either(Spec):
    """A value that is either a plain value (checked by `plain`) or an object (`shape`)."""

    def __init__(self, plain: Spec, shape: Spec) -> None:
        self.plain, self.shape = plain, shape

    def check(self, value: Any, param: str) -> Problem | None:
        return (
            self.shape.check(value, param)
            if isinstance(value, dict)
            else self.plain.check(value, param)
        )


class MaxTokens(Spec):
    def check(self, value: Any, param: str) -> Problem | None:
        if isinstance(value, str):
            return None if value == "inf" else _enum_error(param, value, ("inf",))
        return Num(1, 4096, integer=True).check(value, param)


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
