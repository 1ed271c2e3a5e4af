"""JSON from strangers, bounded: size and nesting depth are capped, and every way a body can be
malformed (bad UTF-8, bad syntax, nesting deep enough to exhaust the parser's recursion) is one
`JSONRejected` error instead of a 500.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONRejected(ValueError):
    """The body is not JSON we accept; the message says why, for a person."""


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def json_loads_bounded(
    data: bytes, *, max_bytes: int | None = None, max_depth: int | None = None
) -> Any:
    """Parse JSON of at most `max_bytes` nested at most `max_depth` deep, or raise JSONRejected."""
    max_bytes = max_bytes or settings.API_JSON_MAX_BYTES
    max_depth = max_depth or settings.API_JSON_MAX_DEPTH
    if len(data) > max_bytes:
        raise JSONRejected(f"The request body is larger than {max_bytes} bytes.")
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise JSONRejected("JSON parse error: the request body is not valid JSON.") from None
    if json_depth_exceeds(value, max_depth):
        raise JSONRejected(f"The JSON is nested more than {max_depth} levels deep.")
    return value


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with json_loads_bounded's limits: malformed input is a 400."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_JSON_MAX_BYTES
        data = stream.read(limit + 1) if stream is not None else b""
        try:
            return json_loads_bounded(data, max_bytes=limit)
        except JSONRejected as exc:
            raise ParseError(str(exc)) from None
