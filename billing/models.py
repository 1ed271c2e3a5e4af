from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CreditAccount(models.Model):
    """The credit balance of one user. Changed only by billing.services under a row lock."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_account"
    )
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.balance} credits"


class LedgerEntry(models.Model):
    """One append-only credit change. balance_after is the balance once this row applied."""

    class Kind(models.TextChoices):
        SIGNUP_GRANT = "signup_grant", "Sign-up grant"
        PURCHASE = "purchase", "Purchase"
        INTERVIEW_DEBIT = "interview_debit", "Interview"
        REFUND = "refund", "Refund"
        STAFF_GRANT = "staff_grant", "Staff grant"
        STAFF_ADJUST = "staff_adjust", "Staff adjustment"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delta = models.IntegerField()
    balance_after = models.IntegerField()
    reference = models.CharField(max_length=100, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    refund_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_by"
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_after_ok"
            ),
            models.CheckConstraint(condition=~Q(delta=0), name="ledger_delta_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.delta:+d} -> {self.balance_after}"


class CreditPack(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    credits = models.PositiveIntegerField()
    price_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    active = models.BooleanField(default=True)
    provider_price_id = models.CharField(max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "price_cents"]
        constraints = [models.CheckConstraint(condition=Q(credits__gt=0), name="pack_credits_gt_0")]

    def __str__(self) -> str:
        return self.name

    @property
    def price_display(self) -> str:
        return f"{self.price_cents / 100:.2f} {self.currency.upper()}"


class Plan(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=255, blank=True)
    price_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    interval = models.CharField(max_length=5, choices=Interval.choices, default=Interval.MONTH)
    active = models.BooleanField(default=True)
    provider_price_id = models.CharField(max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "price_cents"]

    def __str__(self) -> str:
        return self.name

    @property
    def price_display(self) -> str:
        return f"{self.price_cents / 100:.2f} {self.currency.upper()}"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> SubscriptionQuerySet:
        return self.filter(
            status__in=Subscription.ACTIVE_STATUSES, current_period_end__gt=timezone.now()
        )


class Subscription(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", "Incomplete"
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELED = "canceled", "Canceled"

    ACTIVE_STATUSES = (Status.ACTIVE, Status.TRIALING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INCOMPLETE)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    provider = models.CharField(max_length=10, default="test")
    provider_subscription_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    provider_customer_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.plan} ({self.status})"

    @property
    def is_active(self) -> bool:
        end = self.current_period_end
        return self.status in self.ACTIVE_STATUSES and end is not None and end > timezone.now()


class Payment(models.Model):
    """A checkout started by a user; fulfilled exactly once when the provider confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        CANCELED = "canceled", "Canceled"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(max_length=10)
    provider_reference = models.CharField(max_length=200, unique=True)
    pack = models.ForeignKey(CreditPack, null=True, blank=True, on_delete=models.PROTECT)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT)
    # What the buyer was shown: a later edit of the pack must not change what this payment buys.
    credits = models.PositiveIntegerField(default=0)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pack__isnull=False, plan__isnull=True)
                | Q(pack__isnull=True, plan__isnull=False),
                name="payment_pack_xor_plan",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_reference} ({self.status})"

    @property
    def price_display(self) -> str:
        return f"{self.amount_cents / 100:.2f} {self.currency.upper()}"


class WebhookEvent(models.Model):
    """A provider event, stored once by its id before anything is fulfilled from it."""

    provider = models.CharField(max_length=10)
    event_id = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"
