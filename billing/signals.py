"""Receivers that hand allauth events to billing services (no rules live here)."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from billing.services import signup_credits_grant


@receiver(email_confirmed, dispatch_uid="billing_signup_credits_on_confirmation")
def signup_credits_on_email_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    # Free credits follow a confirmed address, so throwaway sign-ups get nothing.
    signup_credits_grant(user_id=email_address.user_id)


@receiver(user_signed_up, dispatch_uid="billing_signup_credits")
def signup_credits_on_signed_up(sender: Any, user: Any, **kwargs: Any) -> None:
    # Only a site that confirms no addresses at all grants on sign-up.
    if allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.NONE:
        signup_credits_grant(user_id=user.pk)
