"""Schemathesis hooks for `.ci/api_fuzz` (loaded through SCHEMATHESIS_HOOKS): how to send the
bodies that are not JSON, so those operations are fuzzed too instead of skipped as errors."""

from __future__ import annotations

from typing import Any

import schemathesis


def _raw(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else str(value).encode()


@schemathesis.serializer("application/sdp")
def sdp_body(ctx: Any, value: Any) -> bytes:
    """The calls endpoints' SDP offer: sent as text."""
    return _raw(value)


@schemathesis.serializer("audio/webm", "audio/ogg")
def audio_body(ctx: Any, value: Any) -> bytes:
    """Recording chunks: sent as raw bytes."""
    return _raw(value)
