"""Interview API: one APIView per operation; the lifecycle rules live in interviews.services."""

from __future__ import annotations

from typing import Any

from django.http.request import RawPostDataException
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interviews import recordings, services
from interviews.models import Case, Interview, TranscriptTurn
from vocahire.lib import languages
from vocahire.lib.api import ApiError
from vocahire.lib.output import PlainOutput
from vocahire.lib.types import InterviewId

EVENTS_MAX_COUNT = 200
EVENTS_MAX_BYTES = 64 * 1024
LIST_MAX_ROWS = 100
_MS_MAX = 24 * 60 * 60 * 1000
_CLIENT_ID = r"^[A-Za-z0-9_.:\-]+$"


class InterviewOutput(PlainOutput, serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    deadline = serializers.DateTimeField(read_only=True, allow_null=True)  # null until started
    case = serializers.SerializerMethodField()
    urls = serializers.SerializerMethodField()

    class Meta:
        model = Interview
        fields = [
            "id",
            "kind",
            "status",
            "title",
            "job_title",
            "job_description",
            "use_resume",
            "case",
            "question_count",
            "current_question",
            "questions_completed",
            "time_limit_minutes",
            "started_at",
            "deadline",
            "ended_at",
            "end_reason",
            "credits_charged",
            "credits_refunded",
            "feedback_status",
            "record",
            "language",
            "created_at",
            "urls",
        ]

    def get_case(self, interview: Interview) -> dict | None:
        if interview.case_id is None:
            return None
        return {"id": interview.case_id, "slug": interview.case.slug, "title": interview.title}

    def get_urls(self, interview: Interview) -> dict:
        return {
            "page": f"/interviews/{interview.pk}/",
            "room": f"/interviews/{interview.pk}/room/",
            "recording": f"/api/v1/interviews/{interview.pk}/recording",
        }


class LanguageField(serializers.ChoiceField):
    """One of the interview languages; anything else is 400 invalid_language (DESIGN section 11)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=languages.CHOICES, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not languages.language_valid(data):
            raise ApiError(languages.language_invalid_message(data), "invalid_language")
        return data


def _interview_response(interview: Interview, status: int = 200) -> Response:
    return Response(InterviewOutput(interview).data, status=status)


def _interview_for(request: Request, interview_id: InterviewId) -> Interview:
    return services.interview_for_actor(interview_id=interview_id, actor=request.user)


class InterviewListCreateApi(APIView):
    @extend_schema_serializer(component_name="InterviewCreateInput")
    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Interview.Kind.choices)
        job_title = serializers.CharField(
            required=False, allow_blank=True, max_length=services.JOB_TITLE_MAX
        )
        job_description = serializers.CharField(
            required=False, allow_blank=True, max_length=services.JOB_DESCRIPTION_MAX
        )
        use_resume = serializers.BooleanField(required=False, default=False)
        case_id = serializers.IntegerField(required=False, min_value=1)
        # Omitted: the owner's profile preference.
        record = serializers.BooleanField(required=False, allow_null=True, default=None)
        language = LanguageField(
            required=False,
            allow_null=True,
            default=None,
            help_text="What the interview is held in. Omitted or null: the profile's preference. "
            "Any other value is 400 invalid_language.",
        )

        def validate(self, data: dict) -> dict:
            if data["kind"] == Interview.Kind.CASE and "case_id" not in data:
                raise serializers.ValidationError({"case_id": "Choose the case to practise."})
            if data["kind"] == Interview.Kind.JOB and not data.get("job_title", "").strip():
                raise serializers.ValidationError(
                    {"job_title": "Give the job title you are interviewing for."}
                )
            return data

    @extend_schema(operation_id="interviews_list", responses=InterviewOutput(many=True))
    def get(self, request: Request) -> Response:
        interviews = Interview.objects.visible_to(request.user).select_related("case")
        return Response(InterviewOutput(interviews[:LIST_MAX_ROWS], many=True).data)

    @extend_schema(
        operation_id="interviews_create", request=Input, responses={201: InterviewOutput}
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        case_id = fields.pop("case_id", None)
        if fields["kind"] == Interview.Kind.CASE:
            fields["case"] = Case.objects.filter(pk=case_id).first()
        interview = services.interview_create(owner=request.user, **fields)
        return _interview_response(interview, status=201)


class InterviewDetailApi(APIView):
    @extend_schema_serializer(component_name="InterviewUpdateInput")
    class UpdateInput(serializers.Serializer):
        record = serializers.BooleanField()

    @extend_schema(operation_id="interviews_detail", responses=InterviewOutput)
    def get(self, request: Request, interview_id: InterviewId) -> Response:
        return _interview_response(_interview_for(request, interview_id))

    @extend_schema(operation_id="interviews_update", request=UpdateInput, responses=InterviewOutput)
    def patch(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview_for(request, interview_id)
        data = self.UpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = data.validated_data["record"]
        return _interview_response(
            recordings.interview_record_set(interview=interview, record=record)
        )


class InterviewStartApi(APIView):
    @extend_schema(operation_id="interviews_start", request=None, responses=InterviewOutput)
    def post(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview_for(request, interview_id)
        return _interview_response(
            services.interview_start(interview=interview, actor=request.user)
        )


class InterviewQuestionCompleteApi(APIView):
    @extend_schema(
        operation_id="interviews_question_complete", request=None, responses=InterviewOutput
    )
    def post(self, request: Request, interview_id: InterviewId, question_number: int) -> Response:
        interview = services.interview_question_complete(
            interview=_interview_for(request, interview_id),
            actor=request.user,
            question_number=question_number,
        )
        return _interview_response(interview)


class InterviewEndApi(APIView):
    @extend_schema(operation_id="interviews_end", request=None, responses=InterviewOutput)
    def post(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview_for(request, interview_id)
        return _interview_response(services.interview_end(interview=interview, actor=request.user))


class TranscriptTurnOutput(serializers.ModelSerializer):
    source = serializers.CharField(source="origin", help_text="server (supervisor) or client")
    typed = serializers.SerializerMethodField()

    class Meta:
        model = TranscriptTurn
        fields = ["id", "question_number", "speaker", "text", "start_ms", "duration_ms", "source"]
        fields += ["typed"]

    def get_typed(self, turn: TranscriptTurn) -> bool:
        return turn.source == TranscriptTurn.Source.TYPED


class InterviewTranscriptApi(APIView):
    """GET /interviews/{id}/transcript: the turns in order, and where each came from."""

    @extend_schema(operation_id="interviews_transcript", responses=TranscriptTurnOutput(many=True))
    def get(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview_for(request, interview_id)
        turns = interview.turns.order_by("start_ms", "id")
        return Response(TranscriptTurnOutput(turns, many=True).data)


class StageEventInput(serializers.Serializer):
    attempt = serializers.RegexField(_CLIENT_ID, max_length=40)
    question_number = serializers.IntegerField(min_value=1, default=1)
    stage = serializers.RegexField(r"^[a-z][a-z0-9_]*$", max_length=30)
    elapsed_ms = serializers.IntegerField(min_value=0, max_value=_MS_MAX)
    error = serializers.RegexField(r"^[a-z_]*$", max_length=40, required=False, allow_blank=True)


class CallEventInput(serializers.Serializer):
    call_id = serializers.RegexField(r"^[A-Za-z0-9_\-]+$", max_length=100)


class TurnEventInput(serializers.Serializer):
    # "rt:" is the supervisor's prefix for upstream item ids: a client cannot claim one.
    id = serializers.RegexField(r"^(?!rt:)[A-Za-z0-9_.:\-]+$", max_length=100)
    question_number = serializers.IntegerField(min_value=1, default=1)
    speaker = serializers.ChoiceField(choices=TranscriptTurn.Speaker.choices)
    # Longer text is cut to services.TURN_TEXT_MAX; the body size limit bounds it first.
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    start_ms = serializers.IntegerField(min_value=0, max_value=_MS_MAX)
    duration_ms = serializers.IntegerField(min_value=0, max_value=_MS_MAX, default=0)
    source = serializers.ChoiceField(choices=TranscriptTurn.Source.choices, required=False)


@extend_schema_field(OpenApiTypes.OBJECT)
class EventInput(serializers.Field):
    """One event of a batch, validated by the serializer for its "type"."""

    by_type = {"stage": StageEventInput, "call": CallEventInput, "turn": TurnEventInput}

    def to_internal_value(self, data: Any) -> dict:
        kind = data.get("type") if isinstance(data, dict) else None
        if not isinstance(kind, str) or kind not in self.by_type:  # a list "type" too: no 500
            raise serializers.ValidationError('Each event needs a "type": stage, call or turn.')
        return {"type": data["type"], **self._child(data["type"]).run_validation(data)}

    def _child(self, event_type: str) -> serializers.Serializer:
        # One serializer per type reused for the whole batch (as ListSerializer does): building
        # one per event deep-copies its fields each time, which dominated a 200-event batch.
        if not hasattr(self, "_children"):
            self._children: dict[str, serializers.Serializer] = {}
        if event_type not in self._children:
            self._children[event_type] = self.by_type[event_type]()
        return self._children[event_type]

    def to_representation(self, value: Any) -> Any:
        return value


class InterviewEventsApi(APIView):
    @extend_schema_serializer(component_name="InterviewEventsInput")
    class Input(serializers.Serializer):
        events = serializers.ListField(
            child=EventInput(), allow_empty=False, max_length=EVENTS_MAX_COUNT
        )

    @extend_schema(
        operation_id="interviews_events",
        request=Input,
        responses=inline_serializer(
            "InterviewEventsResult",
            {
                "stages": serializers.DictField(child=serializers.IntegerField()),
                "turns": serializers.DictField(child=serializers.IntegerField()),
                "call_id": serializers.CharField(),
            },
        ),
    )
    def post(self, request: Request, interview_id: InterviewId) -> Response:
        interview = _interview_for(request, interview_id)
        _body_size_check(request)
        events = events_valid(request.data)
        if events is None:  # something is wrong: DRF's serializers say what, in their words
            data = self.Input(data=request.data)
            data.is_valid(raise_exception=True)
            events = data.validated_data["events"]
        result = services.interview_events_record(
            interview=interview, actor=request.user, events=events
        )
        return Response(result)


_EVENT_FIELDS: dict[str, list[tuple[str, serializers.Field]]] = {}


def events_valid(data: Any) -> list[dict] | None:
    """The batch as InterviewEventsApi.Input validates it, checked by the same field objects
    without building serializers per request; None when anything in it is not plainly valid."""
    events = data.get("events") if isinstance(data, dict) else None
    if type(events) is not list or not 1 <= len(events) <= EVENTS_MAX_COUNT:
        return None
    if not _EVENT_FIELDS:
        for kind, serializer in EventInput.by_type.items():
            _EVENT_FIELDS[kind] = list(serializer().fields.items())
    valid = []
    for event in events:
        kind = event.get("type") if type(event) is dict else None
        fields = _EVENT_FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            return None
        checked = {"type": event["type"]}
        for name, field in fields:
            if name in event:
                try:
                    checked[name] = field.run_validation(event[name])
                except serializers.ValidationError:
                    return None
            elif field.default is not serializers.empty:
                checked[name] = field.get_default()
            elif field.required:
                return None
        valid.append(checked)
    return valid


def _body_size_check(request: Request) -> None:
    try:
        size = len(request.body)
    except RawPostDataException:  # already parsed: fall back to the declared length
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    if size > EVENTS_MAX_BYTES:
        raise ApiError(
            f"Send at most {EVENTS_MAX_BYTES // 1024} KB of events per request; split the batch.",
            "payload_too_large",
            413,
        )
