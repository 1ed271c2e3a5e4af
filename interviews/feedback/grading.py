"""The model call: one Responses API call with the strict schema, a second only if the first answer
is malformed; and whether AI grading is on at all."""

from __future__ import annotations

import json
import logging

from django.conf import settings

from interviews.feedback.assessment import (
    assessment_input,
    assessment_instructions,
    assessment_schema,
    assessment_summarise,
    assessment_validate,
)
from interviews.models import Interview
from vocahire.lib.errors import AppError

logger = logging.getLogger(__name__)


class FeedbackError(AppError):
    """Feedback could not be produced; `retryable` says whether the task should try again."""

    code, status = "feedback_failed", 502

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class FeedbackRetryableError(FeedbackError):
    """A transient failure (upstream down, timeout): the Celery task retries with backoff."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=True)


def _model_answer(*, interview: Interview, analytics: dict) -> tuple[object, str]:
    from vocahire.lib import openai_gateway

    kind = interview.kind
    try:
        response = openai_gateway.responses_create(
            model=settings.FEEDBACK_MODEL,
            instructions=assessment_instructions(kind=kind, language=interview.language),
            input=assessment_input(interview=interview, analytics=analytics),
            schema_name=f"{kind}_interview_feedback",
            schema=assessment_schema(kind),
            safety_identifier=openai_gateway.safety_identifier_for(user_id=interview.owner_id),
        )
    except openai_gateway.OpenAIError as exc:
        raise FeedbackError(str(exc), retryable=exc.retryable) from exc
    try:
        return json.loads(response.output_text), response.model
    except (TypeError, ValueError):
        return None, response.model


def assessment_create(*, interview: Interview, analytics: dict) -> tuple[dict, str]:
    """One model call (a second only if the first answer is malformed); the validated result."""
    numbers = [q["number"] for q in analytics["questions"]]
    problem = ""
    for _ in range(2):
        data, model = _model_answer(interview=interview, analytics=analytics)
        try:
            valid = assessment_validate(kind=interview.kind, data=data, question_numbers=numbers)
        except ValueError as exc:
            problem = str(exc) if data is not None else "not JSON"
            logger.warning("feedback malformed interview=%s problem=%s", interview.pk, problem)
            continue
        return assessment_summarise(kind=interview.kind, assessment=valid), model
    raise FeedbackError(f"The model's answer was malformed twice ({problem}).", retryable=False)
