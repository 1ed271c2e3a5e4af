from __future__ import annotations

from django.urls import path

from billing import api

urlpatterns = [
    path("me", api.MeApi.as_view(), name="api-me"),
]
