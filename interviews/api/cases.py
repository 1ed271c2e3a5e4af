"""Case library API: published cases with their question count, never the evaluator context.

Public (AllowAny) on purpose, like the /cases/ pages it mirrors: it shows only what a published
case tells before it starts. Session or JWT credentials are accepted but not required.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews.case_library import CASE_FACTS, cases_published
from interviews.models import Case
from vocahire.lib.api import ApiError

# The evaluator context (and question prompts) never leave the server through this API; the
# interviewer reveals questions one at a time during the interview.
CASE_FIELDS = ["id", "slug", *CASE_FACTS, "free", "version", "question_count"]


class CaseOutput(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Case
        fields = CASE_FIELDS


class CaseDetailOutput(CaseOutput):
    # "prompt" is the brief's name from before cases had briefs, kept for existing clients.
    prompt = serializers.CharField(source="brief", read_only=True)

    class Meta(CaseOutput.Meta):
        fields = [*CASE_FIELDS, "brief", "prompt"]


class CaseListApi(APIView):
    """The public case library, filterable like the /cases/ page."""

    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=Case.CaseType.choices, required=False)
        lead_type = serializers.ChoiceField(choices=Case.LeadType.choices, required=False)
        difficulty = serializers.ChoiceField(choices=Case.Difficulty.choices, required=False)
        industry = serializers.CharField(required=False, max_length=100)

    @extend_schema(
        operation_id="cases_list",
        parameters=[InputSerializer],
        responses=CaseOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = self.InputSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        cases = cases_published(case_type=params.pop("type", ""), **params)
        return Response(CaseOutput(cases, many=True).data)


class CaseDetailApi(APIView):
    """One published case with its brief (read out at question 1); never the hidden data."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="cases_detail", responses=CaseDetailOutput)
    def get(self, request: Request, case_id: int) -> Response:
        case = cases_published().filter(pk=case_id).first()
        if case is None:
            raise ApiError("There is no published case with this id.", "case_not_found", 404)
        return Response(CaseDetailOutput(case).data)
