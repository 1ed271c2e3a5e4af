"""OpenAPI post-processing: every operation documents the errors it can return.

Any endpoint, including ones added later, can answer in our {detail, code} shape with 400
(malformed or invalid input), 401 (no or bad credentials), 403, 404, 429 (throttled or locked out)
and 503 (database or upstream unavailable). Listing them once here keeps the schema in step with
behaviour for every view without repeating them in each `extend_schema`.
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "Error"
COMMON_ERRORS = {
    "400": "The request is malformed or not valid (code says which).",
    "401": "No credentials, or an invalid, expired or revoked token.",
    "403": "Not allowed (code says why, e.g. forbidden, csrf_failed).",
    "404": "No such object, or not yours.",
    "429": "Too many requests or sign-in attempts; see Retry-After.",
    "503": "A service we depend on is unavailable; see Retry-After.",
}
# State-changing operations may find the object in the wrong state.
UNSAFE_METHOD_ERRORS = {
    "409": "The object is not in a state that allows this (code says why).",
}
# Errors only some operations return, by operationId (the money and upstream paths).
_MINT = {
    "402": "Not enough credits (insufficient_credits).",
    "409": "The interview cannot be connected now (code says why).",
    "502": "The realtime upstream refused or failed (upstream_error); nothing was charged.",
}
OPERATION_ERRORS: dict[str, dict[str, str]] = {
    "interviews_recording": {
        "416": "The Range asked for is outside the recording (invalid_range)."
    },
    "interviews_recording_chunk": {
        "413": "The chunk or the whole recording is too large (chunk_too_large, recording_too_large).",
        "415": "Not WebM or Ogg Opus audio (unsupported_media_type).",
    },
    "interviews_start": {"402": _MINT["402"]},
    "interviews_realtime_session_create": _MINT,
    "interviews_questions_token_retrieve": _MINT,
}
_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "nullable": True},
    },
    "required": ["detail", "code"],
}
_METHODS = {"get", "post", "put", "patch", "delete"}


def common_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook adding COMMON_ERRORS to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, _ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            errors = {**COMMON_ERRORS, **OPERATION_ERRORS.get(operation.get("operationId"), {})}
            if method != "get":
                errors.update(UNSAFE_METHOD_ERRORS)
            for code, description in errors.items():
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result
