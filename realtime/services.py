"""Minting OpenAI Realtime sessions for interviews: access rules, money, timings, one log line.

The browser talks to the model directly; the server only mints a short-lived client secret with
instructions it built itself. A job interview still in draft is started (charged) by its first
mint, and if that mint fails the charge is refunded in the same request.

This module holds the access rules and the session body; below it, `realtime.attempts` keeps one
attempt's row, timings, log line and response, and `realtime.calls` ends live calls.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Profile, User
from interviews import services as lifecycle
from interviews.models import Interview
from realtime import resume
from realtime.attempts import (  # noqa: F401 - LAST_UPSTREAM_MS_KEY re-exported for callers
    LAST_UPSTREAM_MS_KEY,
    Attempt,
    CallResult,
    Clock,
    MintResult,
    RealtimeError,
)
from realtime.calls import (  # noqa: F401 - the calls' names, re-exported for callers
    UNSUPERVISED_GRACE_SECONDS,
    realtime_call_end,
    realtime_calls_unsupervised_end,
)
from realtime.models import RealtimeSession
from vocahire.lib import languages
from vocahire.lib import openai_gateway as gateway

TTL_DEFAULT, TTL_MIN, TTL_MAX = 3600, 300, 7200
# Silence before the interviewer takes its turn, by the candidate's "thinking time" preference.
SILENCE_MS = {
    Profile.ThinkingTime.SHORT: 500,
    Profile.ThinkingTime.NORMAL: 800,
    Profile.ThinkingTime.LONG: 1400,
}
# Transcription models that take `languages` (a list) rather than `language` (OpenAI's migration
# guide from Whisper to GPT-Transcribe: "do not send both").
TRANSCRIPTION_MODELS_WITH_LANGUAGES = frozenset({"gpt-transcribe", "gpt-live-transcribe"})


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
) -> Attempt:
    """The rules every mint and call shares, in the contract's order; starts a job interview."""
    clock = Clock()
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
    return Attempt(interview, actor, question_number, ttl, session, clock, revertible)


def realtime_session_mint(
    *, interview: Interview, actor: User, question_number: int | None = None, ttl: int
) -> MintResult:
    """Mint a client secret for a job interview (whole) or one case question; record the attempt."""
    _client_secrets_check(interview=interview, question_number=question_number)
    attempt = _attempt_begin(
        interview=interview, actor=actor, question_number=question_number, ttl=ttl
    )
    return attempt.minted(attempt.upstream(gateway.client_secret_create, ttl=ttl))


def realtime_call_create(
    *, interview: Interview, actor: User, question_number: int | None = None, offer_sdp: str
) -> CallResult:
    """Create the room's call upstream with the server key for the browser's offer (section 3b)."""
    attempt = _attempt_begin(
        interview=interview, actor=actor, question_number=question_number, ttl=0, resumable=True
    )
    attempt.kind = "call"
    return attempt.call_created(attempt.upstream(gateway.call_create, offer_sdp=offer_sdp))
