from __future__ import annotations

from django.urls import path

from interviews import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
