"""Realtime API: mint a session for a job interview or one case question, and report health.

Views stay thin: they find the interview the caller may see, parse ttl and call
`realtime.services.realtime_session_mint`, which holds every rule.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from interviews import services as lifecycle
from interviews.models import Interview
from realtime import services
from realtime.models import RealtimeCall
from vocahire.lib import providers
from vocahire.lib.api import ApiError
from vocahire.lib.breaker import breaker_retry_after, breaker_state
from vocahire.lib.rowcache import PkLookup


class RealtimeMintThrottle(UserRateThrottle):
    """Per-user mint rate shared by both mint endpoints (cache-backed: Redis in production)."""

    scope = "realtime_mint"

    def get_rate(self) -> str:
        return settings.REALTIME_MINT_RATE


class TtlInputSerializer(serializers.Serializer):
    ttl = serializers.IntegerField(
        required=False,
        default=services.TTL_DEFAULT,
        min_value=services.TTL_MIN,
        max_value=services.TTL_MAX,
    )


class MintOutputSerializer(serializers.Serializer):
    """The seed-compatible flat session object plus the GA session and where to connect."""

    id = serializers.CharField()
    object = serializers.CharField()
    model = serializers.CharField()
    modalities = serializers.ListField(child=serializers.CharField())
    instructions = serializers.CharField()
    voice = serializers.CharField()
    input_audio_format = serializers.CharField()
    output_audio_format = serializers.CharField()
    input_audio_transcription = serializers.JSONField()
    turn_detection = serializers.JSONField()
    tools = serializers.JSONField()
    tool_choice = serializers.CharField(allow_null=True)
    temperature = serializers.FloatField(allow_null=True)
    max_response_output_tokens = serializers.JSONField()
    client_secret = serializers.JSONField(help_text='{"value": "ek_...", "expires_at": <epoch s>}')
    interview_id = serializers.CharField()
    user_id = serializers.CharField()
    question_number = serializers.IntegerField(required=False)
    expires_at = serializers.CharField(help_text="ISO 8601, UTC, ending in Z")
    ttl = serializers.IntegerField()
    session = serializers.JSONField(help_text="The GA session as returned upstream")
    calls_url = serializers.CharField()


def _ttl(request: Request) -> int:
    raw = request.query_params.get("ttl")
    serializer = TtlInputSerializer(data={} if raw is None else {"ttl": raw})
    if not serializer.is_valid():
        raise ApiError(
            f"ttl must be a whole number of seconds from {services.TTL_MIN} to {services.TTL_MAX}.",
            "invalid_ttl",
            400,
        )
    return serializer.validated_data["ttl"]


# What a mint reads of the interview, its owner and profile (the thinking time), in one query.
# The case snapshot, job and resume texts stay in the database: a job interview's first mint
# starts it, which reloads the whole row under lock anyway.
MINT_FIELDS = (
    "id",
    "owner_id",
    "kind",
    "status",
    "question_count",
    "current_question",
    "time_limit_minutes",
    "started_at",
    "first_minted_at",
    "supervised",
    "language",
    "instructions_snapshot",
    "owner__id",
    "owner__profile__id",
    "owner__profile__thinking_time",
)


def _mint_queryset() -> QuerySet[Interview]:
    return Interview.objects.select_related("owner__profile").only(*MINT_FIELDS)


_mint_lookup = PkLookup(Interview, queryset=_mint_queryset)  # a call's, compiled once


def _interview_for(
    *, interview_id: uuid.UUID, actor: User, mint_question: int | None | bool = False
) -> Interview:
    if mint_question is False:
        return lifecycle.interview_for_actor(
            interview_id=interview_id, actor=actor, lookup=_mint_lookup
        )
    # The ek_ cap (REALTIME_SECRETS_PER_QUESTION) read in the same query as the interview.
    queryset = _mint_queryset().annotate(
        secrets_minted=services.secrets_minted_subquery(question_number=mint_question)
    )
    return lifecycle.interview_for_actor(interview_id=interview_id, actor=actor, queryset=queryset)


def _mint_response(
    *, request: Request, interview_id: uuid.UUID, question_number: int | None
) -> Response:
    ttl = _ttl(request)
    interview = _interview_for(
        interview_id=interview_id, actor=request.user, mint_question=question_number
    )
    result = services.realtime_session_mint(
        interview=interview, actor=request.user, question_number=question_number, ttl=ttl
    )
    # The service already built the contract's body; MintOutputSerializer only documents it.
    return Response(
        result.body, headers={"Server-Timing": result.server_timing, "Cache-Control": "no-store"}
    )


class InterviewRealtimeSessionApi(APIView):
    """POST /interviews/{id}/realtime-session: the whole-interview session of a job interview."""

    throttle_classes = [RealtimeMintThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("ttl", int, description="seconds, 300..7200, default 3600")],
        request=None,
        responses=MintOutputSerializer,
    )
    def post(self, request: Request, interview_id: uuid.UUID) -> Response:
        return _mint_response(request=request, interview_id=interview_id, question_number=None)


class InterviewQuestionTokenApi(APIView):
    """GET /interviews/{id}/questions/{n}/token?ttl=: the session for one case question."""

    throttle_classes = [RealtimeMintThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("ttl", int, description="seconds, 300..7200, default 3600")],
        responses=MintOutputSerializer,
    )
    def get(self, request: Request, interview_id: uuid.UUID, question_number: int) -> Response:
        return _mint_response(
            request=request, interview_id=interview_id, question_number=question_number
        )


# --- Supervised calls (DESIGN section 3b) ------------------------------------------------------

SDP_MAX_BYTES = 64 * 1024


class SdpParser(BaseParser):
    """The browser's offer as text (at most 64 KB); CSRF checks and views read it as data."""

    media_type = "application/sdp"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> str:
        raw = stream.read(SDP_MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > SDP_MAX_BYTES:
            raise ApiError(
                f"The SDP offer must be at most {SDP_MAX_BYTES // 1024} KB.", "invalid_sdp", 400
            )
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError("The SDP offer is not UTF-8 text.", "invalid_sdp", 400) from None


class _CallCreateApi(APIView):
    """The answer is raw SDP whatever the client accepts; errors are our JSON shape."""

    throttle_classes = [RealtimeMintThrottle]
    parser_classes = [SdpParser]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        renderer = JSONRenderer()
        return renderer, renderer.media_type


def _offer_sdp(request: Request) -> str:
    """The browser's SDP offer from the raw body: 415 for another type, 400 for a bad offer."""
    if request.content_type.split(";")[0].strip().lower() != "application/sdp":
        raise ApiError(
            "Send the SDP offer as the body with Content-Type: application/sdp.",
            "unsupported_media_type",
            415,
        )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > SDP_MAX_BYTES:
        raise ApiError(
            f"The SDP offer must be at most {SDP_MAX_BYTES // 1024} KB.", "invalid_sdp", 400
        )
    offer = request.data if isinstance(request.data, str) else ""
    if not offer.lstrip().startswith("v=0") or "\nm=" not in offer:
        raise ApiError(
            "The body is not an SDP offer: it must start with v=0 and have a media section.",
            "invalid_sdp",
            400,
        )
    return offer


def _call_response(
    *, request: Request, interview_id: uuid.UUID, question_number: int | None
) -> HttpResponse:
    interview = _interview_for(interview_id=interview_id, actor=request.user)
    offer = _offer_sdp(request)
    result = services.realtime_call_create(
        interview=interview,
        actor=request.user,
        question_number=question_number,
        offer_sdp=offer,
    )
    response = HttpResponse(result.answer_sdp, status=201, content_type="application/sdp")
    response["Location"] = reverse(
        "api-interview-call", kwargs={"interview_id": interview.pk, "call_id": result.call.pk}
    )
    response["Server-Timing"] = result.server_timing
    response["Cache-Control"] = "no-store"
    return response


_ERROR = inline_serializer(
    "CallError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
_CALL_SCHEMA: dict[str, Any] = {
    "request": {"application/sdp": OpenApiTypes.BINARY},
    "responses": {
        (201, "application/sdp"): OpenApiTypes.STR,
        400: OpenApiResponse(_ERROR, "invalid_sdp, interview_not_in_progress, future_question"),
        402: OpenApiResponse(_ERROR, "insufficient_credits (a draft job interview)"),
        403: OpenApiResponse(_ERROR, "forbidden, subscription_required"),
        404: OpenApiResponse(_ERROR, "interview_not_found, question_not_found"),
        415: OpenApiResponse(_ERROR, "unsupported_media_type"),
        429: OpenApiResponse(_ERROR, "throttled"),
        502: OpenApiResponse(_ERROR, "upstream_error (any charge refunded)"),
        503: OpenApiResponse(_ERROR, "upstream_unavailable (breaker open; Retry-After)"),
    },
    "description": "Body: the browser's SDP offer (at most 64 KB). 201 with the answer SDP and "
    "Location: the call resource. The server creates the call upstream with its own key.",
}


class InterviewCallsApi(_CallCreateApi):
    """POST /interviews/{id}/calls: the supervised call of a job interview (starts and charges)."""

    @extend_schema(**_CALL_SCHEMA)
    def post(self, request: Request, interview_id: uuid.UUID) -> HttpResponse:
        return _call_response(request=request, interview_id=interview_id, question_number=None)


class InterviewQuestionCallsApi(_CallCreateApi):
    """POST /interviews/{id}/questions/{n}/calls: the supervised call for one case question."""

    @extend_schema(**_CALL_SCHEMA)
    def post(self, request: Request, interview_id: uuid.UUID, question_number: int) -> HttpResponse:
        return _call_response(
            request=request, interview_id=interview_id, question_number=question_number
        )


class CallOutputSerializer(serializers.ModelSerializer):
    end_reason = serializers.SerializerMethodField()
    usage = serializers.SerializerMethodField()

    class Meta:
        model = RealtimeCall
        fields = [
            "id",
            "question_number",
            "status",
            "created_at",
            "ended_at",
            "end_reason",
            "usage",
        ]

    def get_end_reason(self, call: RealtimeCall) -> str | None:
        return call.end_reason or None

    @extend_schema_field(
        inline_serializer(
            "CallUsage",
            {
                "input_tokens": serializers.IntegerField(),
                "output_tokens": serializers.IntegerField(),
                "audio_seconds": serializers.FloatField(),
            },
        )
    )
    def get_usage(self, call: RealtimeCall) -> dict[str, float]:
        return call.usage


class InterviewCallApi(APIView):
    """GET /interviews/{id}/calls/{call_id}: one supervised call; DELETE hangs it up now."""

    def _call(self, request: Request, interview_id: uuid.UUID, call_id: uuid.UUID) -> RealtimeCall:
        interview = _interview_for(interview_id=interview_id, actor=request.user)
        try:
            return RealtimeCall.objects.get(pk=call_id, interview_id=interview.pk)
        except RealtimeCall.DoesNotExist:
            raise ApiError(
                "This interview has no call with that id.", "call_not_found", 404
            ) from None

    @extend_schema(
        responses={200: CallOutputSerializer, 403: _ERROR, 404: _ERROR},
        operation_id="interviews_calls_retrieve",
    )
    def get(self, request: Request, interview_id: uuid.UUID, call_id: uuid.UUID) -> Response:
        call = self._call(request, interview_id, call_id)
        return Response(CallOutputSerializer(call).data, headers={"Cache-Control": "no-store"})

    @extend_schema(
        responses={200: CallOutputSerializer, 403: _ERROR, 404: _ERROR},
        operation_id="interviews_calls_hangup",
    )
    def delete(self, request: Request, interview_id: uuid.UUID, call_id: uuid.UUID) -> Response:
        call = self._call(request, interview_id, call_id)
        services.realtime_call_end(call=call, reason=RealtimeCall.EndReason.ENDED)
        call.refresh_from_db()
        return Response(CallOutputSerializer(call).data)


class RealtimeHealthApi(APIView):
    """GET /realtime/health: which upstream, the breaker state and the last upstream latency."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="RealtimeHealth")  # unique name in the schema
    class OutputSerializer(serializers.Serializer):
        provider = serializers.CharField()
        breaker = serializers.ChoiceField(choices=["closed", "open", "half_open"])
        last_upstream_ms = serializers.FloatField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        state = breaker_state()
        body = {
            "provider": providers.realtime_provider().name,
            "breaker": state,
            "last_upstream_ms": cache.get(services.LAST_UPSTREAM_MS_KEY),
        }
        headers = {"Cache-Control": "no-store"}
        if state == "open":
            headers["Retry-After"] = str(max(breaker_retry_after(), 1))
        return Response(self.OutputSerializer(body).data, headers=headers)
