from __future__ import annotations

from django.urls import path

from interviews import case_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("interviews/new/", views.interview_new, name="interview-new"),
    path("interviews/<uuid:interview_id>/", views.interview_detail, name="interview-detail"),
    path("interviews/<uuid:interview_id>/room/", views.interview_room, name="interview-room"),
]

# The case library pages (interviews/case_views.py).
urlpatterns += [
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/<slug:slug>/", case_views.case_detail, name="case-detail"),
]

# Report pages: progress, practise again, share links (interviews/report_views.py).
from interviews import report_views  # noqa: E402  (appended block, kept separate from others')

urlpatterns += [
    path("progress/", report_views.progress, name="progress"),
    path(
        "interviews/<uuid:interview_id>/again/",
        report_views.practise_again,
        name="interview-again",
    ),
    path(
        "interviews/<uuid:interview_id>/share/",
        report_views.share_create,
        name="report-share-create",
    ),
    path(
        "interviews/<uuid:interview_id>/share/<int:share_id>/revoke/",
        report_views.share_revoke,
        name="report-share-revoke",
    ),
    path("r/<str:token>/", report_views.shared_report, name="report-shared"),
    path("r/<str:token>/recording", report_views.shared_recording, name="report-shared-recording"),
    path(
        "interviews/<uuid:interview_id>/recording/delete/",
        report_views.recording_delete,
        name="interview-recording-delete",
    ),
]

# The onboarding step after sign-up (interviews/onboarding.py).
from interviews import onboarding  # noqa: E402

urlpatterns += [path("welcome/", onboarding.onboarding, name="onboarding")]
