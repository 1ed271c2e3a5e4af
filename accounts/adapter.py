"""allauth wiring: every account made through sign-up gets its profile at once."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from vocahire.lib.client_ip import client_ip

DEV_CONFIRMATION_URL_KEY = "dev_confirmation_url"


def confirmation_link_shown_on_page() -> bool:
    """DEBUG with console email (the embedded `make run`): the confirmation link is on the page."""
    return settings.DEBUG and settings.EMAIL_BACKEND.endswith("console.EmailBackend")


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.profile_for(user)
        return user

    def send_confirmation_mail(
        self, request: HttpRequest, emailconfirmation: Any, signup: bool
    ) -> None:
        super().send_confirmation_mail(request, emailconfirmation, signup)
        if confirmation_link_shown_on_page():
            # Development with console email: there is no mailbox to open, so the "check your
            # email" page offers the link itself (never in production: that would let anyone
            # confirm any address).
            url = self.get_email_confirmation_url(request, emailconfirmation)
            request.session[DEV_CONFIRMATION_URL_KEY] = url

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits (sign-up, reset, login) key on the same address as everything else.
        return client_ip(request)
