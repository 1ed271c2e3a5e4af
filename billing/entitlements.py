"""May this person start an interview of this kind, and what does starting cost: the one answer.

Every page, API, the realtime app and the pricing template ask here; nothing else reads
`INTERVIEW_CREDIT_COST` or decides by interview kind what a start costs. Billing knows nothing of
interviews, so callers pass the kind as a string and say whether the case is a free sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings

from billing import ledger
from vocahire.lib.types import UserId

Kind = Literal["job", "case"]

SUBSCRIPTION_REQUIRED = (
    "Case interviews need an active subscription. Choose a plan on the pricing page."
)


@dataclass(frozen=True)
class Entitlement:
    """The answer for one person and one kind of interview."""

    kind: Kind
    cost: int  # credits one start debits (0: covered by a subscription or free)
    allowed: bool
    reason: str  # "" when allowed; else the API's code: insufficient_credits, subscription_required
    message: str  # what to tell the candidate when not allowed; "" otherwise
    balance: int | None  # the credit balance read, for job interviews; None when not read


def credit_cost(kind: Kind) -> int:
    """Credits one start of this kind debits: job interviews cost credits, cases a subscription."""
    return max(settings.INTERVIEW_CREDIT_COST, 0) if kind == "job" else 0


def entitlement(
    *, user_id: UserId, kind: Kind, staff: bool = False, free: bool = False
) -> Entitlement:
    """Whether `user_id` may start an interview of `kind` now, and at what cost.

    `staff`: the person acting is staff (staff run any case). `free`: the case is a free sample.
    A job interview is allowed when the balance covers its cost; a case interview for staff, a
    free sample, or an owner with an active subscription.
    """
    cost = credit_cost(kind)
    if kind == "case":
        allowed = staff or free or ledger.subscription_is_active(user_id=user_id)
        reason = "" if allowed else "subscription_required"
        return Entitlement(
            kind, cost, allowed, reason, "" if allowed else SUBSCRIPTION_REQUIRED, None
        )
    if cost == 0:
        return Entitlement(kind, 0, True, "", "", None)
    balance = ledger.credits_balance(user_id=user_id)
    if balance >= cost:
        return Entitlement(kind, cost, True, "", "", balance)
    message = ledger.credits_needed_message(cost=cost, balance=balance)
    return Entitlement(kind, cost, False, "insufficient_credits", message, balance)
