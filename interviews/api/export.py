"""GET /api/v1/interviews/{id}/export?format=md|txt: the transcript and report as a download."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from interviews import export, services
from interviews.models import Feedback, TranscriptTurn
from vocahire.lib.api import ApiError
from vocahire.lib.types import InterviewId


class _FormatIsOurs(DefaultContentNegotiation):
    # DRF reads ?format= to pick a renderer; here it names the document, so errors stay JSON.
    def select_renderer(self, request, renderers, format_suffix=None):  # noqa: ANN001, ANN201
        return renderers[0], renderers[0].media_type


class InterviewExportApi(APIView):
    content_negotiation_class = _FormatIsOurs

    @extend_schema(
        operation_id="interviews_export",
        parameters=[OpenApiParameter("format", str, enum=list(export.FORMATS), default="md")],
        responses={
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/plain"): OpenApiTypes.STR,
            400: OpenApiResponse(description="invalid_format"),
        },
    )
    def get(self, request: Request, interview_id: InterviewId) -> HttpResponse:
        fmt = request.query_params.get("format", "md")
        if fmt not in export.FORMATS:
            raise ApiError(
                "Choose format=md (Markdown) or format=txt (plain text).", "invalid_format"
            )
        interview = services.interview_for_actor(interview_id=interview_id, actor=request.user)
        document = export.interview_export(
            interview=interview,
            feedback=Feedback.objects.filter(interview=interview).first(),
            turns=list(
                TranscriptTurn.objects.filter(interview=interview).order_by(
                    "question_number", "start_ms", "id"
                )
            ),
            fmt=fmt,
        )
        response = HttpResponse(document, content_type=f"{export.FORMATS[fmt]}; charset=utf-8")
        name = export.export_filename(interview=interview, fmt=fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
