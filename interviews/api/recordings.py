"""Recording API (DESIGN section 12): chunks, complete, ranged read, delete. Rules live in
interviews/recordings.py; someone else's interview (or no sign-in) is a 404, never a 403/401."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews import recordings
from interviews.models import Interview, Recording
from vocahire.lib.api import ApiError
from vocahire.lib.types import InterviewId

_MS_MAX = 24 * 3600 * 1000


class ChunkBodyParser(BaseParser):
    """The body as bytes, whatever its type (the service checks type and content), 1 MB at most."""

    # Any type, so a wrong one gets our own 415 sentence; DRF's CSRF check reads request.POST,
    # which parses the body before the view runs.
    media_type = "*/*"

    def parse(
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> bytes:
        data = stream.read(recordings.CHUNK_MAX_BYTES + 1) if stream is not None else b""
        if len(data) > recordings.CHUNK_MAX_BYTES:
            error = recordings.chunk_too_large()
            raise ApiError(error.message, error.code, error.status)
        return data


def _interview(request: Request, interview_id: InterviewId) -> Interview:
    return recordings.interview_for_recording(interview_id=interview_id, actor=request.user)


ChunkResult = inline_serializer(
    "RecordingChunkResult",
    {
        "seq": serializers.IntegerField(),
        "stored": serializers.BooleanField(),
        "chunks": serializers.IntegerField(),
        "bytes": serializers.IntegerField(),
    },
)


class RecordingOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = [
            "status",
            "content_type",
            "size",
            "offset_ms",
            "created_at",
            "completed_at",
            "url",
        ]

    def get_url(self, recording: Recording) -> str:
        return f"/api/v1/interviews/{recording.interview_id}/recording"


class RecordingChunkApi(APIView):
    permission_classes = [AllowAny]
    parser_classes = [ChunkBodyParser]

    @extend_schema(
        operation_id="interviews_recording_chunk",
        parameters=[
            OpenApiParameter("seq", int, required=True),
            OpenApiParameter(
                "elapsed_ms",
                int,
                description="With chunk 0: ms the recorder had run when it was sent.",
            ),
        ],
        request={"audio/webm": OpenApiTypes.BINARY, "audio/ogg": OpenApiTypes.BINARY},
        responses={200: ChunkResult, 201: ChunkResult},
    )
    def post(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview(request, interview_id)
        try:
            seq = int(request.query_params.get("seq", ""))
        except ValueError:
            raise ApiError("Say which chunk this is: ?seq=0, 1, 2, ...", "invalid_seq") from None
        elapsed_ms = _elapsed_ms(request)
        if int(request.META.get("CONTENT_LENGTH") or 0) > recordings.CHUNK_MAX_BYTES:
            raise recordings.chunk_too_large()  # refused before the body is read
        result = recordings.recording_chunk_store(
            interview=interview,
            seq=seq,
            content_type=request.META.get("CONTENT_TYPE", ""),
            data=request.data if isinstance(request.data, bytes) else b"",
            elapsed_ms=elapsed_ms,
        )
        return Response(result.__dict__, status=201 if result.stored else 200)


def _elapsed_ms(request: Request) -> int | None:
    raw = request.query_params.get("elapsed_ms")
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) > _MS_MAX:
        raise ApiError(
            "elapsed_ms is the whole number of milliseconds the recorder has run.",
            "invalid_elapsed_ms",
        )
    return int(raw)


class RecordingCompleteApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="RecordingCompleteInput")
    class Input(serializers.Serializer):
        chunks = serializers.IntegerField(min_value=1)
        # Omitted: the offset measured when chunk 0 arrived (see recording_chunk_store).
        offset_ms = serializers.IntegerField(
            min_value=0, max_value=_MS_MAX, required=False, allow_null=True, default=None
        )

    @extend_schema(
        operation_id="interviews_recording_complete", request=Input, responses=RecordingOutput
    )
    def post(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview(request, interview_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        recording = recordings.recording_complete(interview=interview, **data.validated_data)
        return Response(RecordingOutput(recording).data)


class RecordingApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="interviews_recording",
        responses={
            (200, "audio/webm"): OpenApiTypes.BINARY,
            (206, "audio/webm"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, interview_id: InterviewId) -> HttpResponse:
        recording = recordings.recording_ready_or_404(interview=_interview(request, interview_id))
        return recording_response(request, recording)

    @extend_schema(operation_id="interviews_recording_delete", responses={204: None})
    def delete(self, request: Request, interview_id: InterviewId) -> Response:
        if not recordings.recording_delete(interview=_interview(request, interview_id)):
            raise ApiError("This interview has no recording.", "recording_not_found", 404)
        return Response(status=204)


def recording_response(request: HttpRequest, recording: Recording) -> HttpResponse:
    """The file, whole (200) or one byte range (206; 416 when it cannot be satisfied)."""
    size = recording.size
    header = request.headers.get("Range", "")
    first, last, status = 0, size - 1, 200
    if header:
        wanted = recordings.byte_range(header, size)
        if wanted is None:
            response: HttpResponse = JsonResponse(
                {"detail": "That byte range is outside the recording.", "code": "invalid_range"},
                status=416,
            )
            response["Content-Range"] = f"bytes */{size}"
            return response
        (first, last), status = wanted, 206
    response = StreamingHttpResponse(
        recordings.recording_read(recording=recording, first=first, last=last),
        status=status,
        content_type=recording.content_type,
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
