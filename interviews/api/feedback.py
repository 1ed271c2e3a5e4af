"""GET /api/v1/interviews/{id}/feedback: the report as JSON, 202 while pending, 409 if too little."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews import feedback, services
from interviews.models import Feedback, Interview
from interviews.retry import previous_feedback
from vocahire.lib import languages
from vocahire.lib.api import ApiError
from vocahire.lib.types import InterviewId

# How long a client should wait before asking again while the report is being written.
PENDING_RETRY_AFTER_SECONDS = 5


class InterviewFeedbackApi(APIView):
    @extend_schema_serializer(component_name="InterviewFeedbackOutput")
    class Output(serializers.Serializer):
        interview_id = serializers.UUIDField()
        kind = serializers.CharField()
        title = serializers.CharField()
        language = serializers.ChoiceField(
            choices=languages.CHOICES, help_text="The language the interview was held in."
        )
        status = serializers.CharField(help_text="ready, or failed when only analytics exist")
        source = serializers.CharField(help_text='"ai+analytics" or "analytics"')
        model = serializers.CharField()
        generated_at = serializers.DateTimeField(allow_null=True)
        duration_seconds = serializers.IntegerField(
            allow_null=True, help_text="Measured length of the interview."
        )
        setup = serializers.JSONField(help_text="Job title and description, or the case prompt.")
        previous = serializers.JSONField(
            allow_null=True,
            help_text="For a practise-again attempt: the change against the previous attempt.",
        )
        assessment = serializers.JSONField(allow_null=True)
        rubric = serializers.JSONField(
            allow_null=True,
            help_text="The rubric graded with: {version, dimensions}; null unscored",
        )
        analytics = serializers.JSONField(help_text='Measured figures, label "measured".')
        questions = serializers.JSONField()

    @extend_schema(
        operation_id="interviews_feedback",
        responses={
            200: Output,
            202: OpenApiResponse(description="The report is being written; ask again."),
            409: OpenApiResponse(description="not_enough_to_assess or feedback_not_requested"),
        },
    )
    def get(self, request: Request, interview_id: InterviewId) -> Response:
        interview = services.interview_for_actor(interview_id=interview_id, actor=request.user)
        status = interview.feedback_status
        if status == Interview.FeedbackStatus.PENDING:
            return Response(
                {"status": status, "detail": "The report is being written. Ask again shortly."},
                status=202,
                headers={"Retry-After": str(PENDING_RETRY_AFTER_SECONDS)},
            )
        if status == Interview.FeedbackStatus.NOT_ENOUGH:
            raise ApiError(
                "The interview has too little of your speech to assess. Practise again and "
                "answer each question out loud.",
                "not_enough_to_assess",
                409,
            )
        if status == Interview.FeedbackStatus.NONE:
            raise ApiError(
                "There is no report yet: finish the interview first.", "feedback_not_requested", 409
            )
        report = feedback.report_build(
            interview=interview,
            feedback=Feedback.objects.filter(interview=interview).first(),
            previous=previous_feedback(interview=interview),
        )
        return Response(self.Output(report).data)
