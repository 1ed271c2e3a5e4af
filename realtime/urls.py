from __future__ import annotations

from django.urls import path

from realtime import views

urlpatterns = [
    path("admin-tools/stage-timings/", views.stage_timings, name="stage-timings"),
]
