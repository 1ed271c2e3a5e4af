"""The interview lifecycle's errors, and the checks that raise them for any caller.

Below `interviews.services` (which re-exports these names) and the modules it is split into.
"""

from __future__ import annotations

from interviews.models import Interview
from vocahire.lib.errors import AppError

Status = Interview.Status


class InterviewError(AppError):
    """A lifecycle rule refused the operation; `code` and `status` are the API's."""

    code = "interview_error"


class InterviewNotFound(InterviewError):
    code, status = "interview_not_found", 404


class InterviewForbidden(InterviewError):
    code, status = "forbidden", 403


class NotEnoughCredits(InterviewError):
    code, status = "insufficient_credits", 402


class SubscriptionRequired(InterviewError):
    code, status = "subscription_required", 403


class InterviewNotInProgress(InterviewError):
    code, status = "interview_not_in_progress", 400


class QuestionNotFound(InterviewError):
    code, status = "question_not_found", 404


class FutureQuestion(InterviewError):
    code, status = "future_question", 400


class InvalidTransition(InterviewError):
    code, status = "invalid_transition", 409


def question_not_found(
    *, interview: Interview, number: int, count: int | None = None
) -> QuestionNotFound:
    """The one wording of "no such question" (API, case tools, realtime tokens, client events)."""
    count = interview.question_count if count is None else count
    return QuestionNotFound(
        f"This interview has questions 1 to {count}; there is no question {number}."
    )


def question_number_check(*, interview: Interview, number: int, count: int | None = None) -> None:
    """Raise QuestionNotFound unless `number` is 1 to the interview's question count (or `count`)."""
    if not 1 <= number <= (interview.question_count if count is None else count):
        raise question_not_found(interview=interview, number=number, count=count)


def _require_in_progress(interview: Interview) -> None:
    if interview.status == Status.DRAFT:
        raise InterviewNotInProgress("This interview has not started yet. Start it first.")
    if interview.status != Status.IN_PROGRESS:
        raise InterviewNotInProgress(
            f"This interview is {interview.get_status_display().lower()}; "
            "start a new interview to practise again."
        )
