from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from vocahire import views

api_patterns = [
    path("", include("accounts.api_urls")),
    path("", include("billing.api_urls")),
    path("", include("interviews.api_urls")),
    path("", include("realtime.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    # First: every control request is an API request, and no page path starts with "api/".
    path("api/v1/", include(api_patterns)),
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("billing.urls")),
    path("", include("interviews.urls")),
    path("", include("realtime.urls")),
]
# MEDIA_ROOT holds only resumes: never served as files, not even under DEBUG; the owner
# downloads theirs through /profile/resume/file/.

# API paths answer errors in the API's {"detail", "code"} shape, pages with HTML.
handler404 = "vocahire.views.not_found"
handler500 = "vocahire.views.server_error"
