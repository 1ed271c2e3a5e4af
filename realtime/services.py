"""Minting OpenAI Realtime sessions for interviews: access rules, money, timings, one log line.

The browser talks to the model directly; the server only mints a short-lived client secret with
instructions it built itself. A job interview still in draft is started (charged) by its first
mint, and if that mint fails the charge is refunded in the same request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Profile, User
from billing import entitlements
from interviews import services as lifecycle
from interviews.models import Interview
from realtime import resume
from realtime.models import RealtimeCall, RealtimeSession
from vocahire.lib import languages, providers
from vocahire.lib import openai_gateway as gateway
from vocahire.lib.breaker import BreakerOpen, breaker_call
from vocahire.lib.errors import AppError

logger = logging.getLogger("vocahire.realtime.mint")
T = TypeVar("T")

TTL_DEFAULT, TTL_MIN, TTL_MAX = 3600, 300, 7200
LAST_UPSTREAM_MS_KEY = "realtime:last_upstream_ms"
# Silence before the interviewer takes its turn, by the candidate's "thinking time" preference.
SILENCE_MS = {
    Profile.ThinkingTime.SHORT: 500,
    Profile.ThinkingTime.NORMAL: 800,
    Profile.ThinkingTime.LONG: 1400,
}
# Transcription models that take `languages` (a list) rather than `language` (OpenAI's migration
# guide from Whisper to GPT-Transcribe: "do not send both").
TRANSCRIPTION_MODELS_WITH_LANGUAGES = frozenset({"gpt-transcribe", "gpt-live-transcribe"})
_AUDIO_FORMATS = {"audio/pcm": "pcm16", "audio/pcmu": "g711_ulaw", "audio/pcma": "g711_alaw"}


class RealtimeError(AppError):
    """A mint was refused or failed; `code`, `status` and `headers` are the API's."""

    def __init__(
        self, message: str, code: str, status: int, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message, code, status, headers=headers)


@dataclass
class _Clock:
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


def realtime_session_config(
    *, instructions: str, thinking_time: str, language: str = languages.DEFAULT
) -> dict[str, Any]:
    """The GA session body sent upstream: model, voice, transcription and turn detection."""
    return {
        "type": "realtime",
        "model": settings.REALTIME_MODEL,
        "instructions": instructions,
        "audio": {
            "input": {
                "transcription": transcription_config(language=language),
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": SILENCE_MS.get(thinking_time, 800),
                },
            },
            "output": {"voice": settings.REALTIME_VOICE},
        },
        "max_output_tokens": "inf",
    }


def transcription_config(*, language: str) -> dict[str, Any]:
    """The input transcription: the configured model, told the interview's language.

    The gpt-transcribe models take the expected languages as a `languages` array and refuse it
    together with the older single `language` hint, which the earlier models take instead.
    """
    model = settings.REALTIME_TRANSCRIPTION_MODEL
    if model in TRANSCRIPTION_MODELS_WITH_LANGUAGES:
        return {"model": model, "languages": [language]}
    return {"model": model, "language": language}


def _case_token_check(*, interview: Interview, actor: User, question_number: int) -> None:
    # Same order as the contract table in DESIGN section 4.
    if interview.kind != Interview.Kind.CASE:
        raise RealtimeError(
            "This is a job interview: connect with its realtime-session endpoint instead.",
            "wrong_interview_kind",
            400,
        )
    answer = interview.entitlement_for(actor)
    if not answer.allowed:
        raise RealtimeError(answer.message, answer.reason, 403)
    if interview.status != Interview.Status.IN_PROGRESS:
        raise RealtimeError(
            "This interview is not in progress. Start it first, or start a new one.",
            "interview_not_in_progress",
            400,
        )
    _time_left_check(interview)
    count = interview.question_count or len(interview.case_snapshot.get("questions", []))
    lifecycle.question_number_check(interview=interview, number=question_number, count=count)
    if question_number > interview.current_question:
        raise RealtimeError(
            f"Answer question {interview.current_question} first; question {question_number} "
            "opens after it.",
            "future_question",
            400,
        )


def _time_left_check(interview: Interview) -> None:
    # Until the expiry job closes it, an interview past its deadline still says in progress.
    if interview.deadline is not None and timezone.now() >= interview.deadline:
        raise RealtimeError(
            "This interview's time is up. Open it to see your transcript and report.",
            "interview_not_in_progress",
            400,
        )


def _job_interview_ready(*, interview: Interview, actor: User) -> tuple[Interview, bool]:
    """Start (charge) a draft job interview; returns the interview and whether we started it."""
    if interview.kind != Interview.Kind.JOB:
        raise RealtimeError(
            "This is a case interview: fetch a token per question instead.",
            "wrong_interview_kind",
            400,
        )
    if interview.status == Interview.Status.IN_PROGRESS:
        _time_left_check(interview)
        return interview, False  # a reconnect: free
    if interview.status != Interview.Status.DRAFT:
        raise RealtimeError(
            "This interview is over. Start a new interview to practise again.",
            "interview_not_in_progress",
            400,
        )
    try:
        started = lifecycle.interview_start(interview=interview, actor=actor)
    except lifecycle.InterviewError as exc:
        raise RealtimeError(exc.message, exc.code, exc.status) from exc
    started.owner = interview.owner  # keep the already loaded owner and profile
    return started, True


def _instructions_for(*, interview: Interview, question_number: int | None) -> str:
    key = "job" if question_number is None else str(question_number)
    instructions = interview.instructions_snapshot.get(key)
    if not instructions:
        raise RealtimeError(
            "This interview has no instructions for that question. Start it again.",
            "interview_not_in_progress",
            400,
        )
    return instructions


def _thinking_time(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.thinking_time if profile else Profile.ThinkingTime.NORMAL


def _client_secrets_check(*, interview: Interview, question_number: int | None) -> None:
    if not settings.REALTIME_CLIENT_SECRETS:
        raise RealtimeError(
            "Client secrets are switched off on this server: connect through the calls "
            "endpoint instead.",
            "client_secrets_disabled",
            403,
        )
    limit = settings.REALTIME_SECRETS_PER_QUESTION
    minted = getattr(interview, "secrets_minted", None)
    if minted is None:
        minted = _secrets_minted(interview_id=interview.pk, question_number=question_number).count()
    if minted >= limit:
        scope = "interview" if question_number is None else "question"
        raise RealtimeError(
            f"This {scope} already has {limit} sessions, the most it may have. "
            "Connect with one of them, or start a new interview.",
            "mint_limit_reached",
            429,
        )


def _secrets_minted(
    *, interview_id: Any, question_number: int | None
) -> models.QuerySet[RealtimeSession]:
    minted = RealtimeSession.objects.filter(
        interview_id=interview_id, outcome=RealtimeSession.Outcome.MINTED
    )
    if question_number is None:
        return minted.filter(question_number__isnull=True)
    return minted.filter(question_number=question_number)


def secrets_minted_subquery(*, question_number: int | None) -> Coalesce:
    """How many secrets the outer interview's question (job: interview) has, as an annotation."""
    minted = _secrets_minted(interview_id=models.OuterRef("pk"), question_number=question_number)
    counted = minted.order_by().values("interview_id").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


def _attempt_begin(
    *,
    interview: Interview,
    actor: User,
    question_number: int | None,
    ttl: int,
    resumable: bool = False,
) -> _Attempt:
    """The rules every mint and call shares, in the contract's order; starts a job interview."""
    clock = _Clock()
    started_here = False
    if question_number is None:
        interview, started_here = _job_interview_ready(interview=interview, actor=actor)
    else:
        _case_token_check(interview=interview, actor=actor, question_number=question_number)
    # A job interview with nothing delivered yet is undone if this attempt fails, whoever started
    # it (this request, or a /start before it): the charge never outlives a refused first session.
    revertible = question_number is None and interview.first_minted_at is None
    try:
        instructions = _instructions_for(interview=interview, question_number=question_number)
    except RealtimeError:
        if started_here:  # never keep a charge for a session we cannot even ask for
            lifecycle.interview_start_revert(interview=interview, reason="No instructions")
        raise
    # A supervised reconnect is told the conversation so far, so the interviewer continues. Nothing
    # was said before the first session (no query then); ek_ clients keep their own history.
    if resumable and interview.first_minted_at is not None:
        instructions = resume.resume_instructions(
            instructions=instructions, interview=interview, question_number=question_number
        )
    session = realtime_session_config(
        instructions=instructions,
        thinking_time=_thinking_time(interview.owner),
        language=interview.language,
    )
    clock.db_since_mark()
    return _Attempt(interview, actor, question_number, ttl, session, clock, revertible)


def realtime_session_mint(
    *, interview: Interview, actor: User, question_number: int | None = None, ttl: int
) -> MintResult:
    """Mint a client secret for a job interview (whole) or one case question; record the attempt."""
    _client_secrets_check(interview=interview, question_number=question_number)
    attempt = _attempt_begin(
        interview=interview, actor=actor, question_number=question_number, ttl=ttl
    )
    return attempt.minted(attempt.upstream(gateway.client_secret_create, ttl=ttl))


@dataclass(frozen=True)
class CallResult:
    call: RealtimeCall
    answer_sdp: str  # for the browser only; the upstream call id stays on the server
    server_timing: str


def realtime_call_create(
    *, interview: Interview, actor: User, question_number: int | None = None, offer_sdp: str
) -> CallResult:
    """Create the room's call upstream with the server key for the browser's offer (section 3b)."""
    attempt = _attempt_begin(
        interview=interview, actor=actor, question_number=question_number, ttl=0, resumable=True
    )
    attempt.kind = "call"
    return attempt.call_created(attempt.upstream(gateway.call_create, offer_sdp=offer_sdp))


class _Attempt:
    """One mint or call attempt's bookkeeping: its row, the log line, the response."""

    def __init__(
        self,
        interview: Interview,
        actor: User,
        question_number: int | None,
        ttl: int,
        session: dict[str, Any],
        clock: _Clock,
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
                self._first_mint_mark()
            lifecycle.interview_call_supervised(interview=self.interview)
        except RealtimeError:
            _hangup_quietly(created.call_id)  # nobody will pay for or supervise this call
            raise
        call = self._call_record(status=RealtimeCall.Status.LIVE, upstream_call_id=created.call_id)
        _earlier_calls_end(call)
        return CallResult(
            call=call, answer_sdp=created.answer_sdp, server_timing=self.clock.server_timing()
        )

    def _first_mint_mark(self) -> None:
        if self.question_number is not None:  # case questions are never reverted
            lifecycle.interview_session_minted(interview=self.interview)
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
                lifecycle.interview_session_minted(interview=self.interview)
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


UNSUPERVISED_GRACE_SECONDS = 60


def realtime_calls_unsupervised_end(*, grace_seconds: int = UNSUPERVISED_GRACE_SECONDS) -> int:
    """Hang up live calls no supervisor has held for a while (none running, or all crashed):
    unwatched, they would run to upstream's 60-minute cap with no transcript or time limit."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    orphans = RealtimeCall.objects.live().filter(
        Q(lease_until__isnull=True, created_at__lt=cutoff) | Q(lease_until__lt=cutoff)
    )
    ended = 0
    for call in orphans.only("pk", "upstream_call_id"):
        ended += realtime_call_end(call=call, reason=RealtimeCall.EndReason.SUPERVISOR_LOST)
    if ended:
        logger.warning("hung up %d live calls no supervisor held", ended)
    return ended


def _earlier_calls_end(call: RealtimeCall) -> None:
    # One live call per interview question: a reconnect replaces the call before it, so one paid
    # interview never runs parallel sessions upstream.
    earlier = RealtimeCall.objects.live().filter(
        interview_id=call.interview_id, question_number=call.question_number
    )
    for previous in earlier.exclude(pk=call.pk).only("pk", "upstream_call_id"):
        realtime_call_end(call=previous, reason=RealtimeCall.EndReason.ENDED)


def realtime_call_end(*, call: RealtimeCall, reason: str, hangup: bool = True) -> bool:
    """Mark a live call ended (once) and hang it up upstream; False if it had already ended."""
    ended = RealtimeCall.objects.filter(pk=call.pk, status=RealtimeCall.Status.LIVE).update(
        status=RealtimeCall.Status.ENDED, end_reason=reason, ended_at=timezone.now()
    )
    if ended and hangup and call.upstream_call_id:
        _hangup_quietly(call.upstream_call_id)
    return bool(ended)


def _hangup_quietly(call_id: str) -> None:
    try:
        gateway.call_hangup(call_id=call_id)
    except gateway.OpenAIError as exc:
        logger.warning("call hang-up failed call_id=%s code=%s", call_id, exc.code)


def _code(exc: Exception) -> str:
    return "breaker_open" if isinstance(exc, BreakerOpen) else getattr(exc, "code", "error")


def _money_sentence(*, revertible: bool, refunded: bool, cost: int) -> str:
    if not revertible:
        return " Trying again is free."  # a reconnect or a case question: nothing is charged
    if refunded or cost <= 0:
        return " No credits were used."
    return ""


def _log(*, attempt: _Attempt, outcome: str, error_code: str) -> None:
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


def _token_body(*, attempt: _Attempt, secret: gateway.ClientSecret) -> dict[str, Any]:
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
