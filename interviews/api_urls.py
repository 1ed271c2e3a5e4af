from __future__ import annotations

from django.urls import path

from interviews import api, case_api, case_tools_api, feedback_api

urlpatterns = [
    path("interviews", api.InterviewListCreateApi.as_view(), name="api-interviews"),
    path(
        "interviews/<uuid:interview_id>",
        api.InterviewDetailApi.as_view(),
        name="api-interview-detail",
    ),
    path(
        "interviews/<uuid:interview_id>/start",
        api.InterviewStartApi.as_view(),
        name="api-interview-start",
    ),
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/complete",
        api.InterviewQuestionCompleteApi.as_view(),
        name="api-interview-question-complete",
    ),
    path(
        "interviews/<uuid:interview_id>/events",
        api.InterviewEventsApi.as_view(),
        name="api-interview-events",
    ),
    path(
        "interviews/<uuid:interview_id>/transcript",
        api.InterviewTranscriptApi.as_view(),
        name="api-interview-transcript",
    ),
    path(
        "interviews/<uuid:interview_id>/end",
        api.InterviewEndApi.as_view(),
        name="api-interview-end",
    ),
    path(
        "interviews/<uuid:interview_id>/feedback",
        feedback_api.InterviewFeedbackApi.as_view(),
        name="api-interview-feedback",
    ),
]

# The case library (interviews/case_api.py).
urlpatterns += [
    path("cases", case_api.CaseListApi.as_view(), name="api-cases"),
    path("cases/<int:case_id>", case_api.CaseDetailApi.as_view(), name="api-case-detail"),
]

# Recordings (interviews/recording_api.py, DESIGN section 12) and the download of the transcript
# and report (interviews/export_api.py).
from interviews import export_api, recording_api  # noqa: E402  (appended block)

urlpatterns += [
    path(
        "interviews/<uuid:interview_id>/recording",
        recording_api.RecordingApi.as_view(),
        name="api-interview-recording",
    ),
    path(
        "interviews/<uuid:interview_id>/recording/chunks",
        recording_api.RecordingChunkApi.as_view(),
        name="api-interview-recording-chunks",
    ),
    path(
        "interviews/<uuid:interview_id>/recording/complete",
        recording_api.RecordingCompleteApi.as_view(),
        name="api-interview-recording-complete",
    ),
    path(
        "interviews/<uuid:interview_id>/export",
        export_api.InterviewExportApi.as_view(),
        name="api-interview-export",
    ),
]

# Case tools in the room (interviews/case_tools_api.py).
urlpatterns += [
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/scratchpad",
        case_tools_api.InterviewScratchpadApi.as_view(),
        name="api-interview-scratchpad",
    ),
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/hints",
        case_tools_api.InterviewHintApi.as_view(),
        name="api-interview-hints",
    ),
]
