from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from billing.services import BillingError, credits_staff_change


class Command(BaseCommand):
    help = "Grant credits to a user by email (a negative number takes credits back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("amount", type=int)
        parser.add_argument("--reason", required=True, help="Shown in the user's billing history.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No user has the email {options['email']!r}; nothing was granted.")
        try:
            result = credits_staff_change(
                user_id=user.pk, amount=options["amount"], reason=options["reason"]
            )
        except BillingError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{user.email}: {options['amount']:+d} credits, balance {result.balance}."
        )
