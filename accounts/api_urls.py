from __future__ import annotations

from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token", api.TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/refresh", api.TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/logout", api.LogoutApi.as_view(), name="api-logout"),
]
