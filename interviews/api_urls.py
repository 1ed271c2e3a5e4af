from __future__ import annotations

from django.urls import path

from interviews.api import case_tools, cases, export, feedback, recordings
from interviews.api import interviews as api

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
        feedback.InterviewFeedbackApi.as_view(),
        name="api-interview-feedback",
    ),
]

# The case library (interviews/api/cases.py).
urlpatterns += [
    path("cases", cases.CaseListApi.as_view(), name="api-cases"),
    path("cases/<int:case_id>", cases.CaseDetailApi.as_view(), name="api-case-detail"),
]

# Recordings (interviews/api/recordings.py, DESIGN section 12) and the download of the transcript
# and report (interviews/api/export.py).

urlpatterns += [
    path(
        "interviews/<uuid:interview_id>/recording",
        recordings.RecordingApi.as_view(),
        name="api-interview-recording",
    ),
    path(
        "interviews/<uuid:interview_id>/recording/chunks",
        recordings.RecordingChunkApi.as_view(),
        name="api-interview-recording-chunks",
    ),
    path(
        "interviews/<uuid:interview_id>/recording/complete",
        recordings.RecordingCompleteApi.as_view(),
        name="api-interview-recording-complete",
    ),
    path(
        "interviews/<uuid:interview_id>/export",
        export.InterviewExportApi.as_view(),
        name="api-interview-export",
    ),
]

# Case tools in the room (interviews/api/case_tools.py).
urlpatterns += [
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/scratchpad",
        case_tools.InterviewScratchpadApi.as_view(),
        name="api-interview-scratchpad",
    ),
    path(
        "interviews/<uuid:interview_id>/questions/<int:question_number>/hints",
        case_tools.InterviewHintApi.as_view(),
        name="api-interview-hints",
    ),
]
