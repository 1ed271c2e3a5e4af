"""The credit ledger: every credit change is a ledger row written under a row lock; the balance, the
audit, and the invalidation of the cached billing snapshot a write makes stale (read in services)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Sum

from billing.models import CreditAccount, LedgerEntry, Subscription
from vocahire.lib.errors import AppError
from vocahire.lib.rowcache import PkLookup
from vocahire.lib.types import UserId


class BillingError(AppError):
    """A billing rule refused the operation; `code` is the API's machine code."""

    code = "billing_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message, code)


class InsufficientCredits(BillingError):
    code = "insufficient_credits"


@dataclass(frozen=True)
class LedgerResult:
    entry: LedgerEntry
    created: bool  # False when the idempotency key had already been applied

    @property
    def balance(self) -> int:
        return self.entry.balance_after


def credits_needed_message(*, cost: int, balance: int) -> str:
    """The one wording of "you do not have enough credits", for the ledger and for entitlements."""
    return (
        f"You need {cost} credit{'s' if cost != 1 else ''} but have {balance}. "
        "Buy a credit pack to continue."
    )


# Both run on every credit change (every interview start): their SELECTs compiled once.
_account_locked_by_user = PkLookup(CreditAccount, field="user", for_update=True)
_entry_by_key = PkLookup(LedgerEntry, field="idempotency_key")


def _locked_account(user_id: UserId) -> CreditAccount:
    # The lock serialises every change to the balance. A first change creates the row, then
    # locks it; every later one is a single SELECT ... FOR UPDATE.
    account = _account_locked_by_user.get(user_id)
    if account is None:
        CreditAccount.objects.get_or_create(user_id=user_id)
        account = CreditAccount.objects.select_for_update().get(user_id=user_id)
    return account


def _existing(idempotency_key: str) -> LedgerEntry | None:
    return _entry_by_key.get(idempotency_key)


@transaction.atomic
def _ledger_write(
    *,
    user_id: UserId,
    kind: str,
    delta: int,
    idempotency_key: str,
    reference: str = "",
    reason: str = "",
    staff_user_id: UserId | None = None,
    refund_of: LedgerEntry | None = None,
) -> LedgerResult:
    if delta == 0:
        raise BillingError("A credit change must not be zero.", "invalid_amount")
    account = _locked_account(user_id)
    # Checked under the lock: a concurrent caller with the same key waits, then sees the row.
    if (previous := _existing(idempotency_key)) is not None:
        if str(previous.user_id) != str(user_id):
            # A key belongs to one user: reusing it for someone else is a caller bug, not a replay.
            raise BillingError("That idempotency key was used for another account.", "key_reused")
        return LedgerResult(entry=previous, created=False)
    if account.balance + delta < 0:
        raise InsufficientCredits(credits_needed_message(cost=-delta, balance=account.balance))
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
    user_id: UserId,
    amount: int,
    kind: str,
    idempotency_key: str,
    reference: str = "",
    reason: str = "",
    staff_user_id: UserId | None = None,
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
    *, user_id: UserId, amount: int, idempotency_key: str, reference: str, reason: str = ""
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


def credits_balance(*, user_id: UserId) -> int:
    """The current balance read from the database (not the cache)."""
    account = CreditAccount.objects.filter(user_id=user_id).only("balance").first()
    return account.balance if account else 0


def subscription_is_active(*, user_id: UserId) -> bool:
    """True when the user has an active subscription right now (read from the database)."""
    return Subscription.objects.active().filter(user_id=user_id).exists()


def signup_credits_grant(*, user_id: UserId) -> LedgerResult | None:
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


def credits_staff_change(
    *,
    user_id: UserId,
    amount: int,
    reason: str,
    staff_user_id: UserId | None = None,
    idempotency_key: str = "",
) -> LedgerResult:
    """Grant (positive) or take back (negative) credits by hand, with a reason; never below zero."""
    reason = reason.strip()
    if not reason:
        raise BillingError("Give a reason for the credit change.", "reason_required")
    if amount == 0:
        raise BillingError("The number of credits must not be zero.", "invalid_amount")
    key = idempotency_key or f"staff:{uuid.uuid4().hex}"
    if amount > 0:
        return credits_grant(
            user_id=user_id,
            amount=amount,
            kind=LedgerEntry.Kind.STAFF_GRANT,
            idempotency_key=key,
            reason=reason,
            staff_user_id=staff_user_id,
        )
    try:
        return _ledger_write(
            user_id=user_id,
            kind=LedgerEntry.Kind.STAFF_ADJUST,
            delta=amount,
            idempotency_key=key,
            reason=reason,
            staff_user_id=staff_user_id,
        )
    except InsufficientCredits as exc:
        balance = credits_balance(user_id=user_id)
        raise BillingError(
            f"Taking {-amount} credits would leave a negative balance; the balance is {balance}.",
            "balance_would_go_negative",
        ) from exc


@dataclass(frozen=True)
class AuditReport:
    accounts: int
    problems: list[str]


def billing_audit() -> AuditReport:
    """Check every balance == sum of its ledger == last balance_after, and none is negative."""
    sums = dict(
        LedgerEntry.objects.order_by()
        .values("user_id")
        .annotate(total=Sum("delta"))
        .values_list("user_id", "total")
    )
    last_after = (
        LedgerEntry.objects.filter(user_id=OuterRef("user_id"))
        .order_by("-id")
        .values("balance_after")[:1]
    )
    rows = CreditAccount.objects.annotate(last_after=Subquery(last_after)).values_list(
        "user_id", "user__email", "balance", "last_after"
    )
    problems: list[str] = []
    count = 0
    for user_id, email, balance, last in rows.iterator():
        count += 1
        total = sums.pop(user_id, 0)
        if balance < 0:
            problems.append(f"{email}: negative balance {balance}")
        if balance != total:
            problems.append(f"{email}: balance {balance} but the ledger sums to {total}")
        if balance != (last or 0):
            problems.append(f"{email}: balance {balance} but the last ledger row says {last}")
    for user_id, total in sums.items():
        problems.append(f"user {user_id}: ledger sums to {total} but there is no credit account")
    return AuditReport(accounts=count, problems=problems)


# --- The cached billing snapshot -------------------------------------------------------------------


GENERATION_TTL = 24 * 3600  # outlives any snapshot, so an expired generation cannot match one


def _snapshot_key(user_id: UserId) -> str:
    return f"billing:snapshot:{user_id}"


def _generation_key(user_id: UserId) -> str:
    return f"billing:snapshot-generation:{user_id}"


def _invalidate_on_commit(user_id: UserId) -> None:
    transaction.on_commit(lambda: billing_snapshot_invalidate(user_id=user_id))


def billing_snapshot_invalidate(*, user_id: UserId) -> None:
    """Drop the cached billing snapshot; the next read rebuilds it from the database."""
    generation_key = _generation_key(user_id)
    try:
        cache.incr(generation_key)
    except ValueError:  # no generation yet
        cache.set(generation_key, 1, GENERATION_TTL)
    cache.delete(_snapshot_key(user_id))
