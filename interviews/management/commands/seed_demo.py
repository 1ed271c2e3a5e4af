from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.seed import DEMO_CANDIDATE, DEMO_STAFF, demo_users_seed
from billing.seed import demo_billing_seed
from interviews.case_library import BUNDLED_CASES_PATH, cases_import


class Command(BaseCommand):
    help = "Load demo people, credits, packs, plans and the case library. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_users_seed()
        demo_billing_seed(User.objects.get(email=DEMO_CANDIDATE[0]))
        cases = cases_import(path=BUNDLED_CASES_PATH)
        self.stdout.write(f"Case library: {cases}.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000"))
        self.stdout.write(f"  candidate: {DEMO_CANDIDATE[0]}  password: {DEMO_CANDIDATE[1]}")
        self.stdout.write(f"  staff:     {DEMO_STAFF[0]}  password: {DEMO_STAFF[1]}")
