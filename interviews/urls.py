from __future__ import annotations

from django.urls import path

from interviews.views import cases, reports
from interviews.views import interviews as views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("interviews/new/", views.interview_new, name="interview-new"),
    path("interviews/<uuid:interview_id>/", views.interview_detail, name="interview-detail"),
    path("interviews/<uuid:interview_id>/room/", views.interview_room, name="interview-room"),
]

# The case library pages (interviews/views/cases.py).
urlpatterns += [
    path("cases/", cases.case_list, name="case-list"),
    path("cases/<slug:slug>/", cases.case_detail, name="case-detail"),
]

# Report pages: progress, practise again, share links (interviews/views/reports.py).

urlpatterns += [
    path("progress/", reports.progress, name="progress"),
    path(
        "interviews/<uuid:interview_id>/again/",
        reports.practise_again,
        name="interview-again",
    ),
    path(
        "interviews/<uuid:interview_id>/share/",
        reports.share_create,
        name="report-share-create",
    ),
    path(
        "interviews/<uuid:interview_id>/share/<int:share_id>/revoke/",
        reports.share_revoke,
        name="report-share-revoke",
    ),
    path("r/<str:token>/", reports.shared_report, name="report-shared"),
    path("r/<str:token>/recording", reports.shared_recording, name="report-shared-recording"),
    path(
        "interviews/<uuid:interview_id>/recording/delete/",
        reports.recording_delete,
        name="interview-recording-delete",
    ),
]
