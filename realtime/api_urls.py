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
    path("realtime/health", api.RealtimeHealthApi.as_view(), name="api-realtime-health"),
]
