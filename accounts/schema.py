"""OpenAPI (drf-spectacular) description of our API authentication classes."""

from __future__ import annotations

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class VersionedJWTScheme(SimpleJWTScheme):
    target_class = "accounts.tokens.VersionedJWTAuthentication"
