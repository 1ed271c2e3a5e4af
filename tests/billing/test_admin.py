"""Billing admin: the ledger is read-only; credits change only through the reasoned action."""

from __future__ import annotations

import pytest

from billing.models import CreditAccount, LedgerEntry
from billing.services import credits_balance
from tests.conftest import make_user


@pytest.fixture
def admin_client(client, db):
    superuser = make_user("root@example.com", is_staff=True)
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    client.superuser = superuser
    return client


def test_ledger_is_read_only(admin_client, candidate):
    entry = LedgerEntry.objects.get(user=candidate)

    assert admin_client.get("/admin/billing/ledgerentry/").status_code == 200
    assert admin_client.get("/admin/billing/ledgerentry/add/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/billing/ledgerentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    change = admin_client.post(f"/admin/billing/ledgerentry/{entry.pk}/change/", {"delta": "100"})
    assert change.status_code == 403
    entry.refresh_from_db()
    assert entry.delta == 3


@pytest.mark.parametrize(
    "path",
    ["creditpack", "plan", "subscription", "payment", "webhookevent", "creditaccount"],
)
def test_billing_admin_lists_load(admin_client, subscriber, path):
    assert admin_client.get(f"/admin/billing/{path}/").status_code == 200


def _action(client, accounts, **form):
    data = {"action": "credits_change_action", "_selected_action": [a.pk for a in accounts]}
    return client.post("/admin/billing/creditaccount/", {**data, **form})


def test_credit_action_asks_for_a_reason_first(admin_client, candidate):
    account = CreditAccount.objects.get(user=candidate)

    response = _action(admin_client, [account])

    assert response.status_code == 200
    assert b"Grant or adjust credits" in response.content and b'name="reason"' in response.content
    assert LedgerEntry.objects.count() == 1  # the persona's grant only


def test_credit_action_grants_with_staff_and_reason_once(admin_client, candidate, other_candidate):
    accounts = list(CreditAccount.objects.filter(user__in=[candidate, other_candidate]))
    form = {"apply": "1", "amount": "2", "reason": "support ticket 42", "nonce": "n1"}

    assert _action(admin_client, accounts, **form).status_code == 302
    _action(admin_client, accounts, **form)  # the same form submitted twice

    for user in (candidate, other_candidate):
        assert credits_balance(user_id=user.pk) == 5
        entry = LedgerEntry.objects.get(user=user, kind="staff_grant", reason="support ticket 42")
        assert entry.staff_user == admin_client.superuser


def test_credit_action_negative_adjusts_but_never_below_zero(admin_client, candidate):
    account = CreditAccount.objects.get(user=candidate)

    response = _action(
        admin_client, [account], apply="1", amount="-5", reason="refund abuse", nonce="n2"
    )

    assert response.status_code == 302
    assert credits_balance(user_id=candidate.pk) == 3
    assert not LedgerEntry.objects.filter(kind="staff_adjust").exists()
    messages = [
        str(m) for m in admin_client.get("/admin/billing/creditaccount/").context["messages"]
    ]
    assert any("negative balance" in m for m in messages)


def test_credit_action_without_reason_shows_the_form_again(admin_client, candidate):
    account = CreditAccount.objects.get(user=candidate)

    response = _action(admin_client, [account], apply="1", amount="2", reason="", nonce="n3")

    assert response.status_code == 200 and b"This field is required" in response.content
    assert credits_balance(user_id=candidate.pk) == 3


def test_non_staff_cannot_reach_billing_admin(client, candidate):
    client.force_login(candidate)

    response = client.get("/admin/billing/ledgerentry/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
