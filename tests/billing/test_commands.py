"""grant_credits and billing_audit."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from billing.models import CreditAccount, LedgerEntry
from billing.services import credits_balance


def test_grant_credits_by_email(candidate, capsys):
    call_command("grant_credits", "Candidate@Example.com", "4", reason="conference voucher")

    entry = LedgerEntry.objects.filter(user=candidate).order_by("-id").first()
    assert (entry.kind, entry.delta, entry.balance_after) == ("staff_grant", 4, 7)
    assert entry.reason == "conference voucher"
    assert "balance 7" in capsys.readouterr().out


def test_grant_credits_negative_adjusts(candidate):
    call_command("grant_credits", "candidate@example.com", "-2", reason="double grant")

    assert LedgerEntry.objects.filter(kind="staff_adjust").get().delta == -2
    assert credits_balance(user_id=candidate.pk) == 1


def test_grant_to_unknown_email_is_a_clear_error_and_no_row(db):
    with pytest.raises(CommandError, match="No user has the email 'ghost@example.com'"):
        call_command("grant_credits", "ghost@example.com", "5", reason="x")

    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [("0", "x", "must not be zero"), ("-9", "x", "negative balance"), ("2", " ", "reason")],
)
def test_grant_credits_bad_inputs_write_nothing(candidate, amount, reason, message):
    before = LedgerEntry.objects.count()

    with pytest.raises(CommandError, match=message):
        call_command("grant_credits", "candidate@example.com", amount, reason=reason)

    assert LedgerEntry.objects.count() == before


def test_grant_credits_requires_a_reason(candidate):
    with pytest.raises(CommandError):
        call_command("grant_credits", "candidate@example.com", "2")


def test_audit_passes_on_a_consistent_ledger(candidate, broke_candidate, capsys):
    call_command("billing_audit")

    assert "OK" in capsys.readouterr().out


def test_audit_fails_with_a_list_of_mismatches(candidate, other_candidate, capsys):
    # Simulate corruption behind the services' back: a balance with no ledger row.
    CreditAccount.objects.filter(user=candidate).update(balance=7)

    with pytest.raises(CommandError, match="2 billing mismatch"):
        call_command("billing_audit")

    err = capsys.readouterr().err
    assert "candidate@example.com: balance 7 but the ledger sums to 3" in err
    assert "candidate@example.com: balance 7 but the last ledger row says 3" in err
    assert "other@example.com" not in err


def test_audit_flags_a_stale_balance_after(candidate, capsys):
    LedgerEntry.objects.filter(user=candidate).update(balance_after=2)

    with pytest.raises(CommandError):
        call_command("billing_audit")

    assert "last ledger row says 2" in capsys.readouterr().err
