from __future__ import annotations

from django.urls import path

from realtime import api

urlpatterns = [
    path(
        "interviews/<uuid:interview_id>/realtime-session",
        api.InterviewRealtimeSessionApi.as_view(),
        name="api-interview-realtime-session",
    ),
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/token",
        api.InterviewQuestionTokenApi.as_view(),
        name="api-interview-question-token",
    ),
    path(
        "interviews/<uuid:interview_id>/calls",
        api.InterviewCallsApi.as_view(),
        name="api-interview-calls",
    ),
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/calls",
        api.InterviewQuestionCallsApi.as_view(),
        name="api-interview-question-calls",
    ),
    path(
        "interviews/<uuid:interview_id>/calls/<uuid:call_id>",
        api.InterviewCallApi.as_view(),
        name="api-interview-call",
    ),
    path("realtime/health", api.RealtimeHealthApi.as_view(), name="api-realtime-health"),
]
