"""Demo packs, plans and credits for `manage.py seed_demo`."""

from __future__ import annotations

from typing import Any

from billing.models import CreditPack, LedgerEntry, Plan
from billing.services import credits_balance, credits_grant

DEMO_CREDITS = 10

PACKS = [
    {"slug": "starter", "name": "Starter", "credits": 5, "price_cents": 900, "sort_order": 1},
    {"slug": "standard", "name": "Standard", "credits": 15, "price_cents": 2400, "sort_order": 2},
    {"slug": "intensive", "name": "Intensive", "credits": 40, "price_cents": 4900, "sort_order": 3},
]
PLANS = [
    {
        "slug": "case-monthly",
        "name": "Case practice monthly",
        "description": "Unlimited case interviews, billed monthly.",
        "price_cents": 1900,
        "interval": Plan.Interval.MONTH,
        "sort_order": 1,
    },
    {
        "slug": "case-yearly",
        "name": "Case practice yearly",
        "description": "Unlimited case interviews, billed yearly.",
        "price_cents": 14900,
        "interval": Plan.Interval.YEAR,
        "sort_order": 2,
    },
]


def demo_billing_seed(candidate: Any) -> None:
    """Create the demo packs and plans and give the demo candidate 10 credits (idempotent)."""
    for pack in PACKS:
        CreditPack.objects.update_or_create(slug=pack["slug"], defaults=pack)
    for plan in PLANS:
        Plan.objects.update_or_create(slug=plan["slug"], defaults=plan)
    # Top up to 10 once; a rerun finds the same idempotency key and changes nothing.
    missing = DEMO_CREDITS - credits_balance(user_id=candidate.pk)
    if missing > 0:
        credits_grant(
            user_id=candidate.pk,
            amount=missing,
            kind=LedgerEntry.Kind.STAFF_GRANT,
            idempotency_key=f"seed:demo-credits:{candidate.pk}",
            reason="Demo credits",
        )
