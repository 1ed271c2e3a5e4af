from __future__ import annotations

from django.urls import path

from interviews import case_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]

# The case library pages (interviews/case_views.py).
urlpatterns += [
    path("cases/", case_views.case_list, name="case-list"),
    path("cases/<slug:slug>/", case_views.case_detail, name="case-detail"),
]
