"""The one module that talks to OpenAI (or the local engine, which serves the same HTTP surface).

Every call goes through one pooled httpx client with explicit timeouts, returns our own
dataclasses and raises `OpenAIError`, which says whether a retry can help. Transient failures
(5xx, timeouts, 429 `rate_limit_exceeded`) are retried once with jitter; mistakes in our request
(400, 401, 404, 422) and `insufficient_quota` are not.
"""

from __future__ import annotations

import hashlib
import json as _json
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from vocahire.lib import breaker, providers
from vocahire.lib.openai_errors import OpenAIError  # noqa: F401 - re-exported: gateway.OpenAIError
from vocahire.lib.types import UserId

RETRY_AFTER_CAP_SECONDS = 2.0
_JITTER_SECONDS = (0.05, 0.25)
_CALL_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


@dataclass(frozen=True)
class ClientSecret:
    """An ephemeral key for the browser and the effective session upstream created with it."""

    value: str
    expires_at: int  # epoch seconds
    session: dict[str, Any]
    session_id: str
    upstream_ms: float

    def __repr__(self) -> str:  # the value is a credential: keep it out of logs and tracebacks
        return f"ClientSecret(session_id={self.session_id!r}, expires_at={self.expires_at})"


_client: httpx.Client | None = None
_client_lock = threading.Lock()
# Indirection so tests can observe the back-off without sleeping.
_sleep = time.sleep


def _http() -> httpx.Client:
    # Created on first use, not at import: a client made before gunicorn forks would share its
    # connection pool between worker processes.
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                _client = httpx.Client(
                    timeout=httpx.Timeout(
                        settings.REALTIME_READ_TIMEOUT, connect=settings.REALTIME_CONNECT_TIMEOUT
                    ),
                    limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                    headers={"User-Agent": "vocahire/1.0"},
                )
    return _client


def safety_identifier_for(*, user_id: UserId) -> str:
    """A stable hash of our user id: lets OpenAI tell users apart without learning who they are."""
    return hashlib.sha256(f"vocahire:{user_id}".encode()).hexdigest()


def _url(path: str) -> str:
    return providers.realtime_provider().url(path)


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.OPENAI_API_KEY}", **(extra or {})}


def _error_from_response(response: httpx.Response) -> OpenAIError:
    try:
        body = response.json().get("error") or {}
    except (ValueError, AttributeError):
        body = {}
    status = response.status_code
    code = str(body.get("code") or body.get("type") or f"http_{status}")
    message = str(body.get("message") or f"Upstream answered HTTP {status}.")
    retryable = status >= 500 or (status == 429 and code != "insufficient_quota")
    return OpenAIError(message, code, status, retryable)


def _retry_delay(response: httpx.Response | None) -> float | None:
    """Seconds to wait before the one retry, or None when the upstream asks for longer than we
    can keep a person waiting."""
    jitter = random.uniform(*_JITTER_SECONDS)
    header = response.headers.get("retry-after") if response is not None else None
    if header is None:
        return jitter
    try:
        wait = float(header)
    except ValueError:
        return None
    return wait + jitter if wait <= RETRY_AFTER_CAP_SECONDS else None


def request(
    method: str,
    path: str,
    *,
    json: dict[str, Any] | None = None,
    files: dict[str, tuple[None, str, str]] | None = None,
    headers: dict[str, str] | None = None,
    timeout: httpx.Timeout | float | None = None,
    retry: bool = True,
) -> httpx.Response:
    """Send one request upstream, retrying once on transient failures; raise OpenAIError."""
    kwargs: dict[str, Any] = {"json": json, "files": files, "headers": _headers(headers)}
    if timeout is not None:
        kwargs["timeout"] = timeout
    for attempt in (1, 2) if retry else (2,):
        response = None
        try:
            response = _http().request(method, _url(path), **kwargs)
        except httpx.TimeoutException:
            error = OpenAIError(
                "The realtime service did not answer in time.", "timeout", None, True
            )
        except httpx.TransportError as exc:
            error = OpenAIError(
                f"Could not reach the realtime service ({type(exc).__name__}).",
                "connection_error",
                None,
                True,
            )
        else:
            if response.is_success:
                return response
            error = _error_from_response(response)
        delay = _retry_delay(response) if error.retryable and attempt == 1 else None
        if delay is None:
            raise error
        _sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def client_secret_create(
    *, session: dict[str, Any], ttl: int, safety_identifier: str
) -> ClientSecret:
    """Mint an ephemeral key for one GA realtime session (POST /realtime/client_secrets)."""
    started = time.perf_counter()
    response = request(
        "POST",
        "realtime/client_secrets",
        json={"expires_after": {"anchor": "created_at", "seconds": ttl}, "session": session},
        headers={"OpenAI-Safety-Identifier": safety_identifier},
    )
    upstream_ms = (time.perf_counter() - started) * 1000
    try:
        body = response.json()
        returned = body.get("session") or {}
        return ClientSecret(
            value=str(body["value"]),
            expires_at=int(body["expires_at"]),
            session=returned,
            session_id=str(returned.get("id", "")),
            upstream_ms=upstream_ms,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise OpenAIError(
            "The realtime service answered without a client secret.", "bad_response", 502, True
        ) from exc


@dataclass(frozen=True)
class Call:
    """A call created upstream with the server key: its id and the answer SDP for the browser."""

    call_id: str
    answer_sdp: str
    upstream_ms: float


def call_create(*, offer_sdp: str, session: dict[str, Any], safety_identifier: str) -> Call:
    """Create a call for the browser's offer with the server key (POST /realtime/calls, multipart)."""
    started = time.perf_counter()
    # Not retried: a call that timed out may exist upstream, and a second one would be billed too.
    # The browser's Retry makes a fresh offer instead.
    response = request(
        "POST",
        "realtime/calls",
        files={
            "sdp": (None, offer_sdp, "application/sdp"),
            "session": (None, _json.dumps(session), "application/json"),
        },
        headers={"OpenAI-Safety-Identifier": safety_identifier},
        retry=False,
    )
    call_id = response.headers.get("location", "").rstrip("/").rsplit("/", 1)[-1]
    if not _CALL_ID.match(call_id) or not response.text.lstrip().startswith("v="):
        raise OpenAIError(
            "The realtime service answered without a call.", "bad_response", 502, True
        )
    return Call(
        call_id=call_id,
        answer_sdp=response.text,
        upstream_ms=(time.perf_counter() - started) * 1000,
    )


def call_hangup(*, call_id: str) -> None:
    """End a live call (POST /realtime/calls/{call_id}/hangup); 404 means it is already gone."""
    # The call id comes from the browser: never let it reshape the upstream path.
    if not _CALL_ID.match(call_id):
        raise OpenAIError("That is not a realtime call id.", "invalid_call_id", 400, False)
    request("POST", f"realtime/calls/{call_id}/hangup")


# --- Responses API (the interview feedback) ------------------------------------------------------

# Grading a whole transcript takes far longer than minting: a generous read timeout, same connect.
RESPONSES_READ_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class ModelResponse:
    """What we use of a Responses API answer: the assistant's text (or its refusal)."""

    id: str
    model: str
    status: str  # "completed", or "incomplete" when cut off (e.g. max_output_tokens)
    output_text: str
    refusal: str = ""


def _output_text(body: dict[str, Any]) -> tuple[str, str]:
    # The raw API has no `output_text` (an SDK convenience): join the message's output_text parts.
    texts, refusals = [], []
    for item in body.get("output") or []:
        if item.get("type") != "message":
            continue  # reasoning items and tool calls carry no answer text
        for part in item.get("content") or []:
            if part.get("type") == "output_text":
                texts.append(str(part.get("text", "")))
            elif part.get("type") == "refusal":
                refusals.append(str(part.get("refusal", "")))
    return "".join(texts), " ".join(refusals)


def _breaker_open() -> bool:
    return breaker.breaker_state() == "open"


def responses_create(
    *,
    model: str,
    instructions: str,
    input: str,  # noqa: A002 - the API's own field name
    schema_name: str,
    schema: dict[str, Any],
    max_output_tokens: int = 16000,
    safety_identifier: str = "",
) -> ModelResponse:
    """One structured-output answer from POST /responses with a strict JSON schema."""
    # Read the minting breaker but do not feed it: an open breaker means the upstream is down, so
    # fail fast (the feedback task retries later); a slow grading call must not lock people out
    # of their interviews.
    if _breaker_open():
        raise OpenAIError(
            "The OpenAI service is failing; try later.", "upstream_unavailable", 503, True
        )
    text_format = {"type": "json_schema", "name": schema_name, "strict": True, "schema": schema}
    response = request(
        "POST",
        providers.responses_url(),  # OpenAI or any OpenAI-compatible endpoint
        json={
            "model": model,
            "instructions": instructions,
            "input": input,
            "text": {"format": text_format},
            "max_output_tokens": max_output_tokens,
            "store": False,
            **({"safety_identifier": safety_identifier} if safety_identifier else {}),
        },
        timeout=httpx.Timeout(
            RESPONSES_READ_TIMEOUT_SECONDS, connect=settings.REALTIME_CONNECT_TIMEOUT
        ),
    )
    try:
        body = response.json()
        text, refusal = _output_text(body)
        return ModelResponse(
            id=str(body.get("id", "")),
            model=str(body.get("model") or model),
            status=str(body.get("status", "")),
            output_text=text,
            refusal=refusal,
        )
    except (ValueError, AttributeError, TypeError) as exc:
        raise OpenAIError(
            "The model service answered with something that is not JSON.", "bad_response", 502, True
        ) from exc
