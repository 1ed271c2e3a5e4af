"""allauth wiring: every account made through sign-up gets its profile at once."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts import services
from accounts.models import User
from vocahire.lib.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.profile_for(user)
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits (sign-up, reset, login) key on the same address as everything else.
        return client_ip(request)
