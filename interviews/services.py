"""Interview lifecycle: the only way to change an interview's status, money or transcript.

    draft --start--> in_progress --end / last question / expiry with an answer--> completed
      ^                 |  |--expiry with no candidate answer--> abandoned
      +--start_revert---+  +--fail (also from draft)--> failed

Anything else is an InterviewError with a code and a sentence, never a silent no-op; only
repeats of the same step (start, end, completing a done question) are harmless and return as is.
Every write locks the interview row first (`select_for_update`), so concurrent requests for one
interview run one after the other: a start charges once however often it is called.

Below this module, and re-exported by it: `errors` (the InterviewError classes and checks),
`access` (finding and locking an interview), `charges` (the start's debit and refund, the minted
and supervised marks) and `events` (stage timings, call ids and transcript turns).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from interviews import case_library, instructions, retry
from interviews.access import _locked, interview_for_actor  # noqa: F401 - re-exported
from interviews.charges import (  # noqa: F401 - the charges' names, re-exported for callers
    _refund_if_never_minted,
    _start_charge,
    interview_call_supervised,
    interview_session_minted,
)
from interviews.errors import (  # noqa: F401 - the errors and checks, re-exported for callers
    FutureQuestion,
    InterviewError,
    InterviewForbidden,
    InterviewNotFound,
    InterviewNotInProgress,
    InvalidTransition,
    NotEnoughCredits,
    QuestionNotFound,
    SubscriptionRequired,
    _require_in_progress,
    question_not_found,
    question_number_check,
)
from interviews.events import (  # noqa: F401 - the events' names, re-exported for callers
    TURN_TEXT_MAX,
    ServerTurn,
    interview_events_record,
    interview_turns_record_server,
)
from interviews.models import JOB_TITLE_MAX, Case, Interview, TranscriptTurn
from interviews.signals import feedback_requested, interview_ended, interview_question_completed
from vocahire.lib import languages
from vocahire.lib.types import InterviewId

logger = logging.getLogger(__name__)

JOB_DESCRIPTION_MAX = 10_000

Status = Interview.Status


# --- Create ---------------------------------------------------------------------------------------


@transaction.atomic
def interview_create(
    *,
    owner: User,
    kind: str,
    job_title: str = "",
    job_description: str = "",
    use_resume: bool = False,
    case: Case | None = None,
    record: bool | None = None,
    language: str | None = None,
) -> Interview:
    """Create a draft job or case interview for the owner; nothing is charged yet."""
    # None: the owner's profile preference (interviews/recordings.py).
    record = bool(record) if record is not None else _record_preference(owner)
    language = _language_chosen(owner=owner, language=language)
    if kind == Interview.Kind.JOB:
        return _job_interview_create(
            owner=owner,
            job_title=job_title,
            job_description=job_description,
            use_resume=use_resume,
            record=record,
            language=language,
        )
    if kind == Interview.Kind.CASE:
        return _case_interview_create(owner=owner, case=case, record=record, language=language)
    raise InterviewError('Choose the kind of interview: "job" or "case".', "invalid_kind", 400)


def _record_preference(owner: User) -> bool:
    profile = getattr(owner, "profile", None)
    return bool(profile and profile.record_interviews)


def _language_chosen(*, owner: User, language: str | None) -> str:
    """The language asked for, or the owner's profile preference when none was."""
    if language is None or language == "":
        profile = getattr(owner, "profile", None)
        return profile.interview_language if profile else languages.DEFAULT
    if not languages.language_valid(language):
        raise InterviewError(languages.language_invalid_message(language), "invalid_language")
    return language


def _job_interview_create(
    *,
    owner: User,
    job_title: str,
    job_description: str,
    use_resume: bool,
    record: bool,
    language: str,
) -> Interview:
    job_title, job_description = job_title.strip(), job_description.strip()
    if not job_title:
        raise InterviewError("Give the job title you are interviewing for.", "job_title_required")
    if len(job_title) > JOB_TITLE_MAX or len(job_description) > JOB_DESCRIPTION_MAX:
        raise InterviewError(
            f"Keep the job title under {JOB_TITLE_MAX} characters and the job description under "
            f"{JOB_DESCRIPTION_MAX}.",
            "too_long",
        )
    resume_text = ""
    if use_resume:
        profile = getattr(owner, "profile", None)
        resume_text = profile.resume_text.strip() if profile else ""
        if not resume_text:
            raise InterviewError(
                "Upload your resume on your profile first, or start without it.", "resume_missing"
            )
    return Interview.objects.create(
        owner=owner,
        kind=Interview.Kind.JOB,
        job_title=job_title,
        job_description=job_description,
        use_resume=use_resume,
        resume_text=resume_text,
        record=record,
        language=language,
        time_limit_minutes=settings.INTERVIEW_TIME_LIMIT_MINUTES,
        question_count=instructions.job_question_count(settings.INTERVIEW_TIME_LIMIT_MINUTES),
    )


def _case_interview_create(
    *, owner: User, case: Case | None, record: bool, language: str
) -> Interview:
    if case is None or not case.is_visible_to(owner):
        raise InterviewError("There is no published case with that id.", "case_not_found", 404)
    question_count = case.questions.count()
    if question_count == 0:
        raise InterviewError("This case has no questions yet.", "case_has_no_questions")
    return Interview.objects.create(
        owner=owner,
        kind=Interview.Kind.CASE,
        case=case,
        record=record,
        language=language,
        question_count=question_count,
        time_limit_minutes=case.estimated_minutes,
    )


@transaction.atomic
def interview_retry_create(
    *, interview: Interview, actor: User, question_number: int | None = None
) -> Interview:
    """A new draft practising the interview again, whole or one question, linked for comparison."""
    if question_number is not None and question_number not in retry.retry_question_numbers(
        interview=interview
    ):
        raise InterviewError(
            "That question is not part of this interview.", "question_not_found", 404
        )
    again = interview_create(
        owner=actor,
        kind=interview.kind,
        job_title=interview.job_title,
        job_description=interview.job_description,
        use_resume=interview.use_resume,
        case=interview.case,
        record=interview.record,
        language=interview.language,
    )
    # Only your own attempt is compared: staff practising from someone's report start afresh.
    if interview.owner_id == actor.pk:
        again.retry_of, again.retry_question = interview, question_number
        if question_number is not None:
            again.question_count = 1
        again.save(update_fields=["retry_of", "retry_question", "question_count"])
    return again


# --- Start, revert (the money: interviews/charges.py) -----------------------------------------


@transaction.atomic
def interview_start(*, interview: Interview, actor: User) -> Interview:
    """Move a draft to in progress: charge a job interview once, or check the subscription."""
    interview = _locked(interview)
    if interview.status == Status.IN_PROGRESS:
        return interview  # idempotent: a second start (reload, retry) charges nothing
    if interview.status != Status.DRAFT:
        raise InvalidTransition(
            f"This interview is already {interview.get_status_display().lower()}; "
            "start a new interview to practise again."
        )
    if interview.kind == Interview.Kind.CASE:
        _subscription_check(interview=interview, actor=actor)
        _case_available_check(interview=interview, actor=actor)
        _case_snapshot_take(interview=interview)
    else:
        _job_snapshot_take(interview=interview)
    interview.start_attempt += 1
    if interview.kind == Interview.Kind.JOB:
        _start_charge(interview=interview)
    interview.status = Status.IN_PROGRESS
    interview.started_at = timezone.now()
    interview.current_question, interview.questions_completed = 1, 0
    interview.ended_at, interview.end_reason = None, ""
    interview.save(update_fields=_START_FIELDS)
    return interview


# What a start writes (the snapshots, the charge, the state): the UPDATE names these columns only,
# not every column of the row (the others are unchanged, and compiling them was most of its CPU).
_START_FIELDS = (
    "case_snapshot",
    "question_count",
    "time_limit_minutes",
    "instructions_snapshot",
    "start_attempt",
    "credits_charged",
    "status",
    "started_at",
    "current_question",
    "questions_completed",
    "ended_at",
    "end_reason",
    "updated_at",
)


def _subscription_check(*, interview: Interview, actor: User) -> None:
    answer = interview.entitlement_for(actor)
    if not answer.allowed:
        raise SubscriptionRequired(answer.message)


def _case_available_check(*, interview: Interview, actor: User) -> None:
    # The case may have been unpublished or emptied in the admin since the draft was created.
    case = interview.case
    if not case.is_visible_to(actor) or not case.questions.exists():
        raise InterviewError(
            "This case is no longer available. Pick another case from the library.",
            "case_unavailable",
            409,
        )


def _case_snapshot_take(*, interview: Interview) -> None:
    snapshot = retry.retry_case_snapshot(
        interview=interview, snapshot=case_library.case_snapshot(interview.case)
    )
    interview.case_snapshot = snapshot
    interview.question_count = len(snapshot["questions"])
    interview.time_limit_minutes = snapshot["estimated_minutes"]
    interview.instructions_snapshot = {
        str(question["number"]): instructions.case_instructions(
            case_snapshot=snapshot,
            question_number=question["number"],
            language=interview.language,
        )
        for question in snapshot["questions"]
    }


def _job_snapshot_take(*, interview: Interview) -> None:
    interview.time_limit_minutes = settings.INTERVIEW_TIME_LIMIT_MINUTES
    focus = retry.retry_focus_question(interview=interview)
    interview.question_count = (
        1 if focus else instructions.job_question_count(interview.time_limit_minutes)
    )
    interview.instructions_snapshot = {
        "job": instructions.job_instructions(
            job_title=interview.job_title,
            job_description=interview.job_description,
            resume_text=interview.resume_text,
            time_limit_minutes=interview.time_limit_minutes,
            question_count=interview.question_count,
            focus_question=focus,
            language=interview.language,
        )
    }


@transaction.atomic
def interview_start_revert(*, interview: Interview, reason: str) -> bool:
    """Undo a start whose mint failed: refund it (never minted) and go back to draft."""
    interview = _locked(interview)
    if interview.status != Status.IN_PROGRESS or interview.first_minted_at is not None:
        return False  # a session exists (reconnects are free) or there is nothing to revert
    refunded = _refund_if_never_minted(interview=interview, reason=reason)
    interview.status, interview.started_at = Status.DRAFT, None
    interview.save()
    return refunded


# --- Questions, end, fail, expire --------------------------------------------------------------


@transaction.atomic
def interview_question_complete(
    *, interview: Interview, actor: User, question_number: int
) -> Interview:
    """Mark the current question done and advance; completing the last completes the interview."""
    interview = _locked(interview)
    if interview.status == Status.COMPLETED and question_number <= interview.questions_completed:
        return interview  # a retried request for a question already done
    _require_in_progress(interview)
    question_number_check(interview=interview, number=question_number)
    if question_number > interview.current_question:
        raise FutureQuestion(
            f"Finish question {interview.current_question} before completing question "
            f"{question_number}."
        )
    if question_number < interview.current_question:
        return interview  # already completed: a retried request changes nothing
    interview.questions_completed = question_number
    if question_number == interview.question_count:
        return _complete(interview=interview, reason="all_questions_completed")
    interview.current_question = question_number + 1
    interview.save()
    interview_id = str(interview.pk)
    transaction.on_commit(
        lambda: interview_question_completed.send(
            sender=Interview, interview_id=interview_id, question_number=question_number
        )
    )
    return interview


@transaction.atomic
def interview_end(
    *, interview: Interview, actor: User, reason: str = "ended_by_candidate"
) -> Interview:
    """Complete an in-progress interview, queue its feedback and hang up its call."""
    interview = _locked(interview)
    if interview.status == Status.COMPLETED:
        return interview  # ending twice (double click, retry) is harmless
    _require_in_progress(interview)
    return _complete(interview=interview, reason=reason)


def _complete(*, interview: Interview, reason: str, now: datetime | None = None) -> Interview:
    # An interview that ends with no session minted and no call created was never delivered.
    _refund_if_never_minted(interview=interview, reason="Ended before any realtime session")
    interview.status = Status.COMPLETED
    interview.ended_at = now or timezone.now()
    interview.end_reason = reason[:40]
    interview.feedback_status = Interview.FeedbackStatus.PENDING
    interview.save(update_fields=_COMPLETE_FIELDS)
    interview_id = str(interview.pk)
    transaction.on_commit(lambda: _feedback_queue(interview_id=interview_id))
    _ended_signal_on_commit(interview)
    return interview


# What completing writes: the refund, the questions done (the last question's completion) and the
# end.
_COMPLETE_FIELDS = (
    "credits_refunded",
    "questions_completed",
    "status",
    "ended_at",
    "end_reason",
    "feedback_status",
    "updated_at",
)


def _feedback_queue(*, interview_id: str) -> None:
    feedback_requested.send(sender=Interview, interview_id=interview_id)


def _ended_signal_on_commit(interview: Interview) -> None:
    interview_id, call_id, reason = str(interview.pk), interview.call_id, interview.end_reason
    transaction.on_commit(
        lambda: interview_ended.send(
            sender=Interview, interview_id=interview_id, call_id=call_id, reason=reason
        )
    )


@transaction.atomic
def interview_fail(*, interview: Interview, reason: str) -> Interview:
    """Mark an unfinished interview failed; refund it if no session was ever minted."""
    interview = _locked(interview)
    if interview.is_finished:
        raise InvalidTransition(
            f"This interview is already {interview.get_status_display().lower()}."
        )
    _refund_if_never_minted(interview=interview, reason=f"Interview failed: {reason}"[:200])
    interview.status = Status.FAILED
    interview.ended_at = timezone.now()
    interview.end_reason = reason[:40]
    interview.save()
    _ended_signal_on_commit(interview)
    return interview


def interviews_expire(*, now: datetime | None = None) -> dict:
    """Close in-progress interviews past their deadline; refund those never minted."""
    now = now or timezone.now()
    counts = {"completed": 0, "abandoned": 0, "refunded": 0}
    rows = Interview.objects.filter(status=Status.IN_PROGRESS, started_at__lte=now).values_list(
        "pk", "started_at", "time_limit_minutes"
    )
    for pk, started_at, minutes in rows:
        if started_at + timedelta(minutes=minutes) > now:
            continue
        try:
            outcome, refunded = _interview_expire(interview_id=pk, now=now)
        except Exception:  # one broken row must not stop the others from expiring
            logger.exception("interview %s could not be expired", pk)
            continue
        if outcome:
            counts[outcome] += 1
            counts["refunded"] += int(refunded)
    return counts


@transaction.atomic
def _interview_expire(*, interview_id: InterviewId, now: datetime) -> tuple[str | None, bool]:
    interview = Interview.objects.select_for_update().get(pk=interview_id)
    if interview.status != Status.IN_PROGRESS or interview.deadline > now:
        return None, False  # ended or reverted since we looked
    refunded = _refund_if_never_minted(
        interview=interview, reason="Expired before any realtime session was started"
    )
    if interview.turns.filter(speaker=TranscriptTurn.Speaker.CANDIDATE).exists():
        _complete(interview=interview, reason="time_limit", now=now)
        return "completed", refunded
    interview.status = Status.ABANDONED
    interview.ended_at, interview.end_reason = now, "expired_without_answers"
    interview.save()
    _ended_signal_on_commit(interview)
    return "abandoned", refunded
