"""Case tools API: the scratchpad of a question, saved as the candidate types, and its hints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews import case_tools
from interviews.api.interviews import _interview_for
from vocahire.lib.types import InterviewId

ScratchpadOutput = inline_serializer(
    "ScratchpadOutput",
    {
        "question_number": serializers.IntegerField(),
        "text": serializers.CharField(),
        "saved_at": serializers.DateTimeField(),
    },
)
HintOutput = inline_serializer(
    "HintOutput",
    {
        "question_number": serializers.IntegerField(),
        "hint_number": serializers.IntegerField(),
        "hint": serializers.CharField(),
        "hints_total": serializers.IntegerField(),
        "revealed": serializers.ListField(child=serializers.CharField()),
    },
)


class InterviewScratchpadApi(APIView):
    @extend_schema_serializer(component_name="ScratchpadInput")
    class Input(serializers.Serializer):
        text = serializers.CharField(
            allow_blank=True, trim_whitespace=False, max_length=case_tools.SCRATCHPAD_MAX_CHARS
        )

    @extend_schema(
        operation_id="interviews_scratchpad_save", request=Input, responses=ScratchpadOutput
    )
    def put(self, request: Request, interview_id: InterviewId, question_number: int) -> Response:
        interview = _interview_for(request, interview_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        saved = case_tools.interview_scratchpad_save(
            interview=interview,
            actor=request.user,
            question_number=question_number,
            text=data.validated_data["text"],
        )
        return Response(saved)


class InterviewHintApi(APIView):
    @extend_schema(operation_id="interviews_hint_reveal", request=None, responses=HintOutput)
    def post(self, request: Request, interview_id: InterviewId, question_number: int) -> Response:
        hint = case_tools.interview_hint_reveal(
            interview=_interview_for(request, interview_id),
            actor=request.user,
            question_number=question_number,
        )
        return Response(hint)
