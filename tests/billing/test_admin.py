"""Billing admin: the ledger is read-only; credits change only through the reasoned action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from billing.models import CreditAccount, LedgerEntry, Subscription
from billing.services import billing_snapshot, credits_balance
from tests.factories import make_user


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


def _user_action(client, users, **form):
    data = {"action": "user_credits_change_action", "_selected_action": [u.pk for u in users]}
    return client.post("/admin/accounts/user/", {**data, **form})


def test_user_admin_grants_credits_to_a_user_without_a_credit_account(
    admin_client, broke_candidate
):
    # Like a user from createsuperuser: no credit account row, so no entry on the account list.
    assert not CreditAccount.objects.filter(user=broke_candidate).exists()

    form_page = _user_action(admin_client, [broke_candidate])
    assert form_page.status_code == 200
    assert b"broke@example.com: 0 credits" in form_page.content
    assert b'value="user_credits_change_action"' in form_page.content

    form = {"apply": "1", "amount": "4", "reason": "beta tester", "nonce": "u1"}
    assert _user_action(admin_client, [broke_candidate], **form).status_code == 302
    _user_action(admin_client, [broke_candidate], **form)  # the same form submitted twice

    assert CreditAccount.objects.get(user=broke_candidate).balance == 4
    entry = LedgerEntry.objects.get(user=broke_candidate)
    assert (entry.kind, entry.delta, entry.reason) == ("staff_grant", 4, "beta tester")
    assert entry.staff_user == admin_client.superuser


def test_user_admin_adjustment_never_goes_below_zero(admin_client, candidate):
    form = {"apply": "1", "amount": "-4", "reason": "chargeback", "nonce": "u2"}

    response = _user_action(admin_client, [candidate], **form)

    assert response.status_code == 302
    assert credits_balance(user_id=candidate.pk) == 3
    assert not LedgerEntry.objects.filter(kind="staff_adjust").exists()


def test_user_admin_credit_action_needs_the_billing_permission(client, candidate):
    # Staff who may edit users but not credit accounts are not offered the action.
    support = make_user("support@example.com", is_staff=True)
    support.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(support)

    page = client.get("/admin/accounts/user/")
    form = {"apply": "1", "amount": "9", "reason": "free stuff", "nonce": "u3"}
    _user_action(client, [candidate], **form)

    assert page.status_code == 200 and b"user_credits_change_action" not in page.content
    assert credits_balance(user_id=candidate.pk) == 3


def _subscription_form(subscription, **changes) -> dict:
    end = subscription.current_period_end
    form = {
        "user": subscription.user_id,
        "plan": subscription.plan_id,
        "status": subscription.status,
        "current_period_end_0": end.strftime("%Y-%m-%d"),
        "current_period_end_1": end.strftime("%H:%M:%S"),
        "provider": subscription.provider,
        "provider_subscription_id": "",
        "provider_customer_id": "",
    }
    return {**form, **changes}


def test_subscription_edit_in_admin_refreshes_the_cached_snapshot(
    admin_client, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscriber.subscriptions.get()
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is True  # cached now

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/billing/subscription/{subscription.pk}/change/",
            _subscription_form(subscription, status="canceled"),
        )

    assert response.status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).status == "canceled"
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is False


def test_subscription_deleted_in_admin_refreshes_the_cached_snapshot(
    admin_client, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscriber.subscriptions.get()
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is True

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/billing/subscription/{subscription.pk}/delete/", {"post": "yes"})

    assert not Subscription.objects.exists()
    assert billing_snapshot(user_id=subscriber.pk) == {
        "credits": 1,
        "premium": False,
        "subscription": None,
    }


def test_subscriptions_bulk_deleted_in_admin_refresh_the_cached_snapshot(
    admin_client, subscriber, django_capture_on_commit_callbacks
):
    subscription = subscriber.subscriptions.get()
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is True

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/billing/subscription/",
            {"action": "delete_selected", "_selected_action": [subscription.pk], "post": "yes"},
        )

    assert not Subscription.objects.exists()
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is False


def test_subscription_moved_to_another_user_refreshes_both_snapshots(
    admin_client, subscriber, candidate, django_capture_on_commit_callbacks
):
    subscription = subscriber.subscriptions.get()
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is True
    assert billing_snapshot(user_id=candidate.pk)["premium"] is False

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/billing/subscription/{subscription.pk}/change/",
            _subscription_form(subscription, user=candidate.pk),
        )

    assert response.status_code == 302
    assert billing_snapshot(user_id=subscriber.pk)["premium"] is False
    assert billing_snapshot(user_id=candidate.pk)["premium"] is True
