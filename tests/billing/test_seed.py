"""demo_billing_seed: packs, plans and the demo candidate's credits, safe to run again."""

from __future__ import annotations

from billing.models import CreditPack, LedgerEntry, Plan
from billing.seed import demo_billing_seed
from billing.services import credits_balance
from tests.factories import make_user


def test_seed_is_idempotent(db):
    candidate = make_user("demo@example.com")

    demo_billing_seed(candidate)
    demo_billing_seed(candidate)

    assert CreditPack.objects.filter(active=True).count() == 3
    assert Plan.objects.filter(active=True).count() == 2
    assert credits_balance(user_id=candidate.pk) == 10
    assert LedgerEntry.objects.filter(user=candidate).count() == 1


def test_seed_tops_up_to_ten(db):
    candidate = make_user("demo@example.com", credits=3)

    demo_billing_seed(candidate)

    assert credits_balance(user_id=candidate.pk) == 10
