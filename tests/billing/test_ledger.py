"""The credit ledger: exact under concurrency, idempotent, and refusing bad inputs cleanly."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from billing import services
from billing.models import CreditAccount, LedgerEntry
from billing.services import BillingError, InsufficientCredits
from tests.factories import make_user


def _ledger_sum(user) -> int:
    return sum(LedgerEntry.objects.filter(user=user).values_list("delta", flat=True))


def test_debit_writes_a_row_with_the_balance_after(candidate):
    result = services.credits_debit(
        user_id=candidate.pk, amount=1, idempotency_key="interview:a:start", reference="a"
    )

    assert result.created and result.balance == 2
    assert CreditAccount.objects.get(user=candidate).balance == 2
    entry = LedgerEntry.objects.get(idempotency_key="interview:a:start")
    assert (entry.kind, entry.delta, entry.balance_after, entry.reference) == (
        "interview_debit",
        -1,
        2,
        "a",
    )


def test_same_idempotency_key_twice_charges_once(candidate):
    first = services.credits_debit(
        user_id=candidate.pk, amount=1, idempotency_key="interview:b:start", reference="b"
    )
    second = services.credits_debit(
        user_id=candidate.pk, amount=1, idempotency_key="interview:b:start", reference="b"
    )

    assert first.created and not second.created
    assert second.entry.pk == first.entry.pk
    assert services.credits_balance(user_id=candidate.pk) == 2
    assert LedgerEntry.objects.filter(kind="interview_debit").count() == 1


def test_key_of_another_user_is_refused(candidate, other_candidate):
    services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="k1", reference="x")

    with pytest.raises(BillingError) as exc:
        services.credits_debit(
            user_id=other_candidate.pk, amount=1, idempotency_key="k1", reference="x"
        )

    assert exc.value.code == "key_reused"
    assert services.credits_balance(user_id=other_candidate.pk) == 3


def test_insufficient_credits_is_a_clear_error_and_no_row(broke_candidate):
    with pytest.raises(InsufficientCredits) as exc:
        services.credits_debit(
            user_id=broke_candidate.pk, amount=1, idempotency_key="k", reference="r"
        )

    assert exc.value.code == "insufficient_credits"
    assert "Buy a credit pack" in exc.value.message
    assert not LedgerEntry.objects.filter(user=broke_candidate).exists()
    assert services.credits_balance(user_id=broke_candidate.pk) == 0


@pytest.mark.parametrize("amount", [0, -1, -5])
def test_zero_or_negative_debit_is_refused(candidate, amount):
    before = LedgerEntry.objects.count()

    with pytest.raises(BillingError) as exc:
        services.credits_debit(
            user_id=candidate.pk, amount=amount, idempotency_key="z", reference=""
        )

    assert exc.value.code == "invalid_amount"
    assert LedgerEntry.objects.count() == before
    assert services.credits_balance(user_id=candidate.pk) == 3


@pytest.mark.parametrize("amount", [0, -2])
def test_zero_or_negative_grant_is_refused(candidate, amount):
    before = LedgerEntry.objects.count()

    with pytest.raises(BillingError) as exc:
        services.credits_grant(
            user_id=candidate.pk, amount=amount, kind="staff_grant", idempotency_key="g"
        )

    assert exc.value.code == "invalid_amount"
    assert LedgerEntry.objects.count() == before


def test_refund_returns_the_debit_once(candidate):
    services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="d1", reference="i1")

    refund = services.credits_refund(debit_idempotency_key="d1", reason="no session minted")

    assert refund.created and refund.balance == 3
    assert refund.entry.kind == "refund" and refund.entry.delta == 1
    assert refund.entry.refund_of.idempotency_key == "d1"
    with pytest.raises(BillingError) as exc:
        services.credits_refund(debit_idempotency_key="d1", reason="again")
    assert exc.value.code == "already_refunded"
    assert LedgerEntry.objects.filter(kind="refund").count() == 1
    assert services.credits_balance(user_id=candidate.pk) == 3


def test_refund_of_nothing_is_refused(candidate):
    before = LedgerEntry.objects.count()

    with pytest.raises(BillingError) as exc:
        services.credits_refund(debit_idempotency_key="never-charged", reason="x")

    assert exc.value.code == "nothing_to_refund"
    assert LedgerEntry.objects.count() == before


def test_a_grant_cannot_be_refunded(candidate):
    grant_key = LedgerEntry.objects.get(user=candidate).idempotency_key

    with pytest.raises(BillingError) as exc:
        services.credits_refund(debit_idempotency_key=grant_key, reason="x")

    assert exc.value.code == "nothing_to_refund"


def test_signup_grant_happens_once(broke_candidate, settings):
    settings.SIGNUP_FREE_CREDITS = 3

    services.signup_credits_grant(user_id=broke_candidate.pk)
    services.signup_credits_grant(user_id=broke_candidate.pk)

    assert services.credits_balance(user_id=broke_candidate.pk) == 3
    assert LedgerEntry.objects.filter(user=broke_candidate, kind="signup_grant").count() == 1


def test_staff_change_never_goes_below_zero(candidate, staff):
    with pytest.raises(BillingError) as exc:
        services.credits_staff_change(
            user_id=candidate.pk, amount=-4, reason="oops", staff_user_id=staff.pk
        )

    assert exc.value.code == "balance_would_go_negative"
    assert "balance is 3" in exc.value.message
    assert not LedgerEntry.objects.filter(kind="staff_adjust").exists()


def test_staff_change_needs_a_reason(candidate):
    with pytest.raises(BillingError) as exc:
        services.credits_staff_change(user_id=candidate.pk, amount=2, reason="  ")

    assert exc.value.code == "reason_required"


def test_staff_adjust_takes_credits_back(candidate, staff):
    result = services.credits_staff_change(
        user_id=candidate.pk, amount=-2, reason="duplicate grant", staff_user_id=staff.pk
    )

    assert result.entry.kind == "staff_adjust" and result.entry.staff_user == staff
    assert result.balance == 1


def _debit_in_thread(user_id, key: str, barrier: threading.Barrier, outcomes: list) -> None:
    try:
        barrier.wait()
        services.credits_debit(user_id=user_id, amount=1, idempotency_key=key, reference=key)
        outcomes.append("ok")
    except InsufficientCredits:
        outcomes.append("insufficient")
    except Exception as exc:  # recorded so the test fails loudly with the cause
        outcomes.append(repr(exc))
    finally:
        connection.close()


def _run_threads(count: int, target, args_for) -> list:
    barrier, outcomes = threading.Barrier(count), []
    threads = [
        threading.Thread(target=target, args=(*args_for(i), barrier, outcomes))
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_debits_of_a_balance_of_ten(postgres_only):
    user = make_user("race@example.com", credits=10)

    outcomes = _run_threads(50, _debit_in_thread, lambda i: (user.pk, f"race:{i}"))

    assert outcomes.count("ok") == 10
    assert outcomes.count("insufficient") == 40
    assert services.credits_balance(user_id=user.pk) == 0
    assert _ledger_sum(user) == 0
    assert LedgerEntry.objects.filter(user=user, kind="interview_debit").count() == 10
    call_command("billing_audit")  # raises CommandError on any mismatch


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_with_one_key_charge_once(postgres_only):
    user = make_user("samekey@example.com", credits=10)

    outcomes = _run_threads(10, _debit_in_thread, lambda i: (user.pk, "interview:same:start"))

    assert outcomes == ["ok"] * 10
    assert services.credits_balance(user_id=user.pk) == 9
    assert LedgerEntry.objects.filter(user=user, kind="interview_debit").count() == 1


def _refund_in_thread(key: str, barrier: threading.Barrier, outcomes: list) -> None:
    try:
        barrier.wait()
        services.credits_refund(debit_idempotency_key=key, reason="race")
        outcomes.append("ok")
    except BillingError as exc:
        outcomes.append(exc.code)
    except Exception as exc:
        outcomes.append(repr(exc))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_refund_once(postgres_only):
    user = make_user("refundrace@example.com", credits=2)
    services.credits_debit(user_id=user.pk, amount=1, idempotency_key="d-race", reference="r")

    outcomes = _run_threads(8, _refund_in_thread, lambda i: ("d-race",))

    assert outcomes.count("ok") == 1
    assert outcomes.count("already_refunded") == 7
    assert services.credits_balance(user_id=user.pk) == 2
    call_command("billing_audit")


def test_database_refuses_a_negative_balance(candidate):
    # The last line of defence if code ever skipped the service's check.
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAccount.objects.filter(user=candidate).update(balance=-1)

    assert services.credits_balance(user_id=candidate.pk) == 3


def test_database_refuses_a_reused_idempotency_key(candidate):
    debit = services.credits_debit(
        user_id=candidate.pk, amount=1, idempotency_key="once", reference="r"
    ).entry

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            user=candidate,
            kind="interview_debit",
            delta=-1,
            balance_after=1,
            idempotency_key="once",
        )

    assert LedgerEntry.objects.filter(idempotency_key="once").get() == debit


def test_database_allows_one_refund_per_debit(candidate):
    services.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="d", reference="r")
    refund = services.credits_refund(debit_idempotency_key="d", reason="no session")

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            user=candidate,
            kind="refund",
            delta=1,
            balance_after=4,
            idempotency_key="sneaky-second-refund",
            refund_of=refund.entry.refund_of,
        )

    assert services.credits_balance(user_id=candidate.pk) == 3
