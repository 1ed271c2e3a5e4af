from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # schema registers the OpenAPI auth scheme; tokens makes every process (pages, admin,
        # Celery) forget the cached API user when a user changes, not only those that have
        # already authenticated an API request.
        from accounts import schema, tokens  # noqa: F401
