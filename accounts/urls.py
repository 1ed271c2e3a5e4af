from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/resume/", views.resume_upload, name="profile-resume-upload"),
    path("profile/resume/remove/", views.resume_remove, name="profile-resume-remove"),
    path("profile/resume/file/", views.resume_download, name="profile-resume-download"),
]
