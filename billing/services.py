"""Credit ledger and subscriptions: every credit change is a ledger row written under a row lock."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from billing.models import CreditAccount, LedgerEntry, Subscription


class BillingError(Exception):
    """A billing rule refused the operation; `code` is the API's machine code."""

    code = "billing_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InsufficientCredits(BillingError):
    code = "insufficient_credits"


@dataclass(frozen=True)
class LedgerResult:
    entry: LedgerEntry
    created: bool  # False when the idempotency key had already been applied

    @property
    def balance(self) -> int:
        return self.entry.balance_after


def _locked_account(user_id: object) -> CreditAccount:
    # get_or_create first so the row exists to lock; the lock serialises every change to it.
    CreditAccount.objects.get_or_create(user_id=user_id)
    return CreditAccount.objects.select_for_update().get(user_id=user_id)


def _existing(idempotency_key: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()


@transaction.atomic
def _ledger_write(
    *,
    user_id: object,
    kind: str,
    delta: int,
    idempotency_key: str,
    reference: str = "",
    reason: str = "",
    staff_user_id: object | None = None,
    refund_of: LedgerEntry | None = None,
) -> LedgerResult:
    if delta == 0:
        raise BillingError("A credit change must not be zero.", "invalid_amount")
    account = _locked_account(user_id)
    # Checked under the lock: a concurrent caller with the same key waits, then sees the row.
    if (previous := _existing(idempotency_key)) is not None:
        return LedgerResult(entry=previous, created=False)
    if account.balance + delta < 0:
        raise InsufficientCredits(
            f"You need {-delta} credit{'s' if -delta != 1 else ''} but have {account.balance}. "
            "Buy a credit pack to continue."
        )
    account.balance += delta
    account.save(update_fields=["balance", "updated_at"])
    entry = LedgerEntry.objects.create(
        user_id=user_id,
        kind=kind,
        delta=delta,
        balance_after=account.balance,
        idempotency_key=idempotency_key,
        reference=reference,
        reason=reason,
        staff_user_id=staff_user_id,
        refund_of=refund_of,
    )
    transaction.on_commit(lambda: billing_snapshot_invalidate(user_id=user_id))
    return LedgerResult(entry=entry, created=True)


def credits_grant(
    *,
    user_id: object,
    amount: int,
    kind: str,
    idempotency_key: str,
    reference: str = "",
    reason: str = "",
    staff_user_id: object | None = None,
) -> LedgerResult:
    """Add credits (sign-up grant, purchase, staff grant)."""
    if amount <= 0:
        raise BillingError("The number of credits to grant must be positive.", "invalid_amount")
    return _ledger_write(
        user_id=user_id,
        kind=kind,
        delta=amount,
        idempotency_key=idempotency_key,
        reference=reference,
        reason=reason,
        staff_user_id=staff_user_id,
    )


def credits_debit(
    *, user_id: object, amount: int, idempotency_key: str, reference: str, reason: str = ""
) -> LedgerResult:
    """Take credits for an interview; raises InsufficientCredits when the balance is too low."""
    if amount <= 0:
        raise BillingError("The number of credits to debit must be positive.", "invalid_amount")
    return _ledger_write(
        user_id=user_id,
        kind=LedgerEntry.Kind.INTERVIEW_DEBIT,
        delta=-amount,
        idempotency_key=idempotency_key,
        reference=reference,
        reason=reason,
    )


@transaction.atomic
def credits_refund(*, debit_idempotency_key: str, reason: str) -> LedgerResult:
    """Return an earlier debit in full, at most once."""
    debit = (
        LedgerEntry.objects.select_for_update()
        .filter(idempotency_key=debit_idempotency_key, kind=LedgerEntry.Kind.INTERVIEW_DEBIT)
        .first()
    )
    if debit is None:
        raise BillingError("There is no charge with that reference to refund.", "nothing_to_refund")
    if LedgerEntry.objects.filter(refund_of=debit).exists():
        raise BillingError("That charge has already been refunded.", "already_refunded")
    try:
        with transaction.atomic():
            return _ledger_write(
                user_id=debit.user_id,
                kind=LedgerEntry.Kind.REFUND,
                delta=-debit.delta,
                idempotency_key=f"refund:{debit.idempotency_key}",
                reference=debit.reference,
                reason=reason,
                refund_of=debit,
            )
    except IntegrityError as exc:  # a concurrent refund won the one-to-one race
        raise BillingError("That charge has already been refunded.", "already_refunded") from exc


def credits_balance(*, user_id: object) -> int:
    """The current balance read from the database (not the cache)."""
    account = CreditAccount.objects.filter(user_id=user_id).only("balance").first()
    return account.balance if account else 0


def subscription_is_active(*, user_id: object) -> bool:
    """True when the user has an active subscription right now (read from the database)."""
    return Subscription.objects.active().filter(user_id=user_id).exists()


def signup_credits_grant(*, user_id: object) -> LedgerResult | None:
    """Grant SIGNUP_FREE_CREDITS exactly once per user."""
    if settings.SIGNUP_FREE_CREDITS <= 0:
        return None
    return credits_grant(
        user_id=user_id,
        amount=settings.SIGNUP_FREE_CREDITS,
        kind=LedgerEntry.Kind.SIGNUP_GRANT,
        idempotency_key=f"signup:{user_id}",
        reason="Welcome credits",
    )


def billing_snapshot_invalidate(*, user_id: object) -> None:
    """Drop the cached billing snapshot; the billing app's snapshot reader rebuilds it."""
    from django.core.cache import cache

    cache.delete(f"billing:snapshot:{user_id}")
