"""Receivers that hand allauth events to billing services (no rules live here)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from billing.services import signup_credits_grant


@receiver(user_signed_up, dispatch_uid="billing_signup_credits")
def signup_credits_on_signed_up(sender: Any, user: Any, **kwargs: Any) -> None:
    signup_credits_grant(user_id=user.pk)
