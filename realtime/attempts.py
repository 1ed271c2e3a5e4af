"""One mint or call attempt's bookkeeping: its timings, its row, its log line, its response body.

Below `realtime.services`, which applies the access rules and then hands the upstream request to an
`Attempt`; the names callers use are re-exported there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import User
from billing import entitlements
from interviews import services as lifecycle
from interviews.models import Interview
from realtime.calls import earlier_calls_end, hangup_quietly, realtime_call_end
from realtime.models import RealtimeCall, RealtimeSession
from vocahire.lib import openai_gateway as gateway
from vocahire.lib import providers
from vocahire.lib.breaker import BreakerOpen, breaker_call
from vocahire.lib.errors import AppError

logger = logging.getLogger("vocahire.realtime.mint")
T = TypeVar("T")

LAST_UPSTREAM_MS_KEY = "realtime:last_upstream_ms"
_AUDIO_FORMATS = {"audio/pcm": "pcm16", "audio/pcmu": "g711_ulaw", "audio/pcma": "g711_alaw"}


class RealtimeError(AppError):
    """A mint was refused or failed; `code`, `status` and `headers` are the API's."""

    def __init__(
        self, message: str, code: str, status: int, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code, status, headers=headers)


@dataclass
class Clock:
    started: float = field(default_factory=time.perf_counter)
    db_ms: float = 0.0
    upstream_ms: float = 0.0
    mark: float = field(default_factory=time.perf_counter)

    def db_since_mark(self) -> None:
        now = time.perf_counter()
        self.db_ms += (now - self.mark) * 1000
        self.mark = now

    def upstream_since_mark(self) -> None:
        now = time.perf_counter()
        self.upstream_ms += (now - self.mark) * 1000
        self.mark = now

    @property
    def total_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def server_timing(self) -> str:
        return (
            f"db;dur={self.db_ms:.1f}, upstream;dur={self.upstream_ms:.1f}, "
            f"total;dur={self.total_ms:.1f}"
        )


@dataclass(frozen=True)
class MintResult:
    body: dict[str, Any]  # the 200 body of DESIGN section 4 (holds the secret: never log it)
    server_timing: str
    record: RealtimeSession


@dataclass(frozen=True)
class CallResult:
    call: RealtimeCall
    answer_sdp: str  # for the browser only; the upstream call id stays on the server
    server_timing: str


class Attempt:
    """One mint or call attempt's bookkeeping: its row, the log line, the response."""

    def __init__(
        self,
        interview: Interview,
        actor: User,
        question_number: int | None,
        ttl: int,
        session: dict[str, Any],
        clock: Clock,
        revertible: bool,
    ) -> None:
        self.interview, self.actor, self.question_number = interview, actor, question_number
        self.ttl, self.session, self.clock = ttl, session, clock
        self.revertible = revertible
        self.kind = "mint"

    def upstream(self, call: Callable[..., T], **kwargs: Any) -> T:
        """One upstream request with this attempt's session, through the breaker and timed; a
        failure comes back as the API's error, with the start undone where it may be."""
        identifier = gateway.safety_identifier_for(user_id=self.actor.pk)
        try:
            result = breaker_call(
                call, session=self.session, safety_identifier=identifier, **kwargs
            )
        except (BreakerOpen, gateway.OpenAIError) as exc:
            self.clock.upstream_since_mark()
            raise self.failed(exc) from None
        self.clock.upstream_since_mark()
        return result

    def minted(self, secret: gateway.ClientSecret) -> MintResult:
        cache.set(LAST_UPSTREAM_MS_KEY, round(secret.upstream_ms, 1), None)
        if self.interview.first_minted_at is None:
            self._first_mint_mark()
        record = self._record(
            outcome=RealtimeSession.Outcome.MINTED,
            upstream_session_id=secret.session_id,
            expires_at=datetime.fromtimestamp(secret.expires_at, tz=UTC),
        )
        return MintResult(
            body=_token_body(attempt=self, secret=secret),
            server_timing=self.clock.server_timing(),
            record=record,
        )

    def call_created(self, created: gateway.Call) -> CallResult:
        cache.set(LAST_UPSTREAM_MS_KEY, round(created.upstream_ms, 1), None)
        try:
            if self.interview.first_minted_at is None:
                self._first_mint_mark(supervised=True)
            lifecycle.interview_call_supervised(interview=self.interview)  # a no-op once marked
        except RealtimeError:
            hangup_quietly(created.call_id)  # nobody will pay for or supervise this call
            raise
        call = None
        try:
            call = self._call_record(
                status=RealtimeCall.Status.LIVE, upstream_call_id=created.call_id
            )
            earlier_calls_end(call)
        except Exception:
            # The database failed after upstream made the call: the room gets an error and never
            # uses the answer, so nothing would end the call if it were left running.
            hangup_quietly(created.call_id)
            if call is not None:  # recorded, then the swap failed: no supervisor for a dead call
                _call_end_quietly(call)
            raise
        return CallResult(
            call=call, answer_sdp=created.answer_sdp, server_timing=self.clock.server_timing()
        )

    def _first_mint_mark(self, *, supervised: bool = False) -> None:
        # A server-made call marks the interview minted and supervised in one UPDATE.
        mark = (
            lifecycle.interview_call_supervised
            if supervised
            else lifecycle.interview_session_minted
        )
        if self.question_number is not None:  # case questions are never reverted
            mark(interview=self.interview)
            return
        # A concurrent first mint that failed may have reverted (refunded) the start while this
        # one was in flight. Start again (a no-op when still started) and mark it minted under
        # one row lock, so no revert slips in between: the session handed out is paid for exactly
        # once, and if starting again fails nothing is marked and a later failed mint is refunded.
        try:
            with transaction.atomic():
                self.interview = lifecycle.interview_start(
                    interview=self.interview, actor=self.actor
                )
                mark(interview=self.interview)
        except lifecycle.InterviewError as exc:
            self._failure_record(exc.code, breaker=False)
            raise RealtimeError(exc.message, exc.code, exc.status) from exc

    def failed(self, exc: Exception) -> RealtimeError:
        refunded = False
        if self.revertible:
            refunded = lifecycle.interview_start_revert(
                interview=self.interview,
                reason=f"No realtime session could be started ({_code(exc)})",
            )
        self._failure_record(_code(exc), breaker=isinstance(exc, BreakerOpen))
        money = _money_sentence(
            revertible=self.revertible,
            refunded=refunded,
            cost=entitlements.credit_cost(self.interview.kind),
        )
        timing = {"Server-Timing": self.clock.server_timing()}
        if isinstance(exc, BreakerOpen):
            return RealtimeError(
                "The interviewer is unavailable right now. Please try again in "
                f"{exc.retry_after} seconds.{money}",
                "upstream_unavailable",
                503,
                headers={"Retry-After": str(max(exc.retry_after, 1)), **timing},
            )
        return RealtimeError(
            f"The interviewer could not be reached. Please try again.{money}",
            "upstream_error",
            502,
            headers=timing,
        )

    def _failure_record(self, error_code: str, *, breaker: bool) -> None:
        if self.kind == "call":
            self._call_record(
                status=RealtimeCall.Status.FAILED,
                error_code=error_code,
                end_reason=RealtimeCall.EndReason.UPSTREAM,
                ended_at=timezone.now(),
            )
            return
        outcome = (
            RealtimeSession.Outcome.BREAKER_OPEN
            if breaker
            else RealtimeSession.Outcome.UPSTREAM_ERROR
        )
        self._record(outcome=outcome, error_code=error_code)

    def _timings(self) -> dict[str, float]:
        self.clock.db_since_mark()
        return {
            "db_ms": round(self.clock.db_ms, 2),
            "upstream_ms": round(self.clock.upstream_ms, 2),
            "total_ms": round(self.clock.total_ms, 2),
        }

    def _record(self, *, outcome: str, **fields: Any) -> RealtimeSession:
        record = RealtimeSession.objects.create(
            interview=self.interview,
            user=self.actor,
            question_number=self.question_number,
            model=self.session["model"],
            voice=self.session["audio"]["output"]["voice"],
            ttl=self.ttl,
            outcome=outcome,
            **self._timings(),
            **fields,
        )
        self.clock.db_since_mark()
        _log(attempt=self, outcome=outcome, error_code=fields.get("error_code", ""))
        return record

    def _call_record(self, *, status: str, **fields: Any) -> RealtimeCall:
        call = RealtimeCall.objects.create(
            interview=self.interview,
            user=self.actor,
            question_number=self.question_number,
            status=status,
            instructions=self.session["instructions"],
            voice=self.session["audio"]["output"]["voice"],
            tools=self.session.get("tools", []),
            **self._timings(),
            **fields,
        )
        self.clock.db_since_mark()
        outcome = "created" if status == RealtimeCall.Status.LIVE else "failed"
        _log(attempt=self, outcome=outcome, error_code=fields.get("error_code", ""))
        return call


def _call_end_quietly(call: RealtimeCall) -> None:
    try:
        realtime_call_end(call=call, reason=RealtimeCall.EndReason.ENDED, hangup=False)
    except DatabaseError:  # the database is still failing: a supervisor finds the call gone
        logger.warning("call %s left live after a failed record", call.pk)


def _code(exc: Exception) -> str:
    return "breaker_open" if isinstance(exc, BreakerOpen) else getattr(exc, "code", "error")


def _money_sentence(*, revertible: bool, refunded: bool, cost: int) -> str:
    if not revertible:
        return " Trying again is free."  # a reconnect or a case question: nothing is charged
    if refunded or cost <= 0:
        return " No credits were used."
    return ""


def _log(*, attempt: Attempt, outcome: str, error_code: str) -> None:
    clock = attempt.clock
    fields = {
        "user": str(attempt.actor.pk),
        "interview": str(attempt.interview.pk),
        "question": attempt.question_number,
        "db_ms": round(clock.db_ms, 1),
        "upstream_ms": round(clock.upstream_ms, 1),
        "total_ms": round(clock.total_ms, 1),
        "outcome": outcome,
        "error_code": error_code,
    }
    logger.info(
        "realtime_%s %s",
        attempt.kind,
        " ".join(f"{key}={value}" for key, value in fields.items()),
        extra=fields,
    )


def _audio_format(config: dict[str, Any]) -> str:
    kind = (config.get("format") or {}).get("type", "audio/pcm")
    return _AUDIO_FORMATS.get(kind, kind)


def _token_body(*, attempt: Attempt, secret: gateway.ClientSecret) -> dict[str, Any]:
    """The seed-compatible flat object, filled from the session upstream returned."""
    returned = secret.session or {}
    sent_audio = attempt.session["audio"]
    audio_in = (returned.get("audio") or {}).get("input") or sent_audio["input"]
    audio_out = (returned.get("audio") or {}).get("output") or sent_audio["output"]
    transcription = audio_in.get("transcription") or sent_audio["input"]["transcription"]
    turn = audio_in.get("turn_detection") or sent_audio["input"]["turn_detection"]
    body: dict[str, Any] = {
        "id": secret.session_id,
        "object": "realtime.session",
        "model": returned.get("model") or attempt.session["model"],
        "modalities": ["audio", "text"],
        "instructions": returned.get("instructions") or attempt.session["instructions"],
        "voice": audio_out.get("voice") or sent_audio["output"]["voice"],
        "input_audio_format": _audio_format(audio_in),
        "output_audio_format": _audio_format(audio_out),
        "input_audio_transcription": {"model": transcription.get("model")},
        "turn_detection": {
            key: turn.get(key)
            for key in ("type", "threshold", "prefix_padding_ms", "silence_duration_ms")
        },
        "tools": returned.get("tools") or [],
        "tool_choice": "none" if not returned.get("tools") else returned.get("tool_choice"),
        "temperature": None,  # GA has no temperature; kept for seed-compatible clients
        "max_response_output_tokens": returned.get("max_output_tokens", "inf"),
        "client_secret": {"value": secret.value, "expires_at": secret.expires_at},
        "interview_id": str(attempt.interview.pk),
        "user_id": str(attempt.actor.pk),
    }
    if attempt.question_number is not None:
        body["question_number"] = attempt.question_number
    expires = datetime.fromtimestamp(secret.expires_at, tz=UTC)
    body["expires_at"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    body["ttl"] = attempt.ttl
    body["session"] = returned
    body["calls_url"] = providers.realtime_provider().url("realtime/calls")
    return body
