from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.admin import UserAdmin
from accounts.models import User
from billing.models import (
    CreditAccount,
    CreditPack,
    LedgerEntry,
    Payment,
    Plan,
    Subscription,
    WebhookEvent,
)
from billing.services import BillingError, billing_snapshot_invalidate, credits_staff_change


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by billing services: staff may look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CreditChangeForm(forms.Form):
    amount = forms.IntegerField(
        help_text="Positive to grant credits, negative to take them back (never below zero)."
    )
    reason = forms.CharField(max_length=255, help_text="Shown in the user's billing history.")
    # One nonce per form: submitting the same form twice writes each row once.
    nonce = forms.CharField(widget=forms.HiddenInput)

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("The number of credits must not be zero.")
        return amount


@admin.action(description="Grant or adjust credits", permissions=["change"])
def credits_change_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[CreditAccount]
) -> HttpResponse | None:
    accounts = list(queryset.select_related("user"))
    rows = [(account.pk, account.user, account.balance) for account in accounts]
    return _credits_change_view(modeladmin, request, rows=rows, action="credits_change_action")


@admin.action(description="Grant or adjust credits", permissions=["credits"])
def user_credits_change_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse | None:
    # Users made by createsuperuser or the admin have no credit account yet; they start at 0.
    users = list(queryset)
    balances = dict(CreditAccount.objects.filter(user__in=users).values_list("user_id", "balance"))
    rows = [(user.pk, user, balances.get(user.pk, 0)) for user in users]
    return _credits_change_view(modeladmin, request, rows=rows, action="user_credits_change_action")


def _credits_change_view(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    rows: list[tuple[Any, User, int]],
    action: str,
) -> HttpResponse | None:
    """The form asking for an amount and a reason, then one ledger row per selected user."""
    if "apply" not in request.POST:
        form = CreditChangeForm(initial={"nonce": uuid.uuid4().hex})
    else:
        form = CreditChangeForm(request.POST)
        if form.is_valid():
            _credits_change_apply(
                modeladmin, request, [user for _, user, _ in rows], form.cleaned_data
            )
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Grant or adjust credits",
        "rows": rows,
        "action": action,
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "billing/admin_credit_change.html", context)


def _credits_change_apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    users: list[User],
    data: dict[str, Any],
) -> None:
    for user in users:
        try:
            result = credits_staff_change(
                user_id=user.pk,
                amount=data["amount"],
                reason=data["reason"],
                staff_user_id=request.user.pk,
                idempotency_key=f"staff:{data['nonce']}:{user.pk}",
            )
        except BillingError as exc:
            modeladmin.message_user(request, f"{user}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(
                request, f"{user}: balance is now {result.balance}.", messages.SUCCESS
            )


class BillingUserAdmin(UserAdmin):
    """The accounts user admin plus the credits action (accounts may not import billing)."""

    actions = [*UserAdmin.actions, user_credits_change_action]

    def has_credits_permission(self, request: HttpRequest) -> bool:
        # The same permission the action on credit accounts needs.
        return request.user.has_perm("billing.change_creditaccount")


admin.site.unregister(User)
admin.site.register(User, BillingUserAdmin)


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ("user", "balance", "updated_at")
    search_fields = ("user__email",)
    actions = [credits_change_action]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The action needs "change" on the list; one account's form stays read-only (balances move
        # only through the ledger).
        return obj is None and admin.ModelAdmin.has_change_permission(self, request)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "kind", "delta", "balance_after", "reference", "reason")
    list_filter = ("kind",)
    search_fields = ("user__email", "reference", "idempotency_key")
    list_select_related = ("user",)
    date_hierarchy = "created_at"


@admin.register(CreditPack)
class CreditPackAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "credits", "price_cents", "currency", "active", "sort_order")
    list_editable = ("active", "sort_order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "interval", "price_cents", "currency", "active", "sort_order")
    list_editable = ("active", "sort_order")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "plan",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "provider",
    )
    list_filter = ("status", "provider", "plan")
    search_fields = ("user__email", "provider_subscription_id", "provider_customer_id")
    list_select_related = ("user", "plan")
    raw_id_fields = ("user",)

    # Staff edits change premium as much as webhooks do: every write drops the cached snapshot.
    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user_ids = {obj.user_id}
        if change and "user" in form.changed_data:  # moved to someone else: both lose the cache
            user_ids.add(form.initial["user"])
        _snapshots_invalidate_on_commit(user_ids)

    def delete_model(self, request: HttpRequest, obj: Subscription) -> None:
        super().delete_model(request, obj)
        _snapshots_invalidate_on_commit({obj.user_id})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        user_ids = set(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        _snapshots_invalidate_on_commit(user_ids)


def _snapshots_invalidate_on_commit(user_ids: set[Any]) -> None:
    for user_id in user_ids:
        transaction.on_commit(lambda user_id=user_id: billing_snapshot_invalidate(user_id=user_id))


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "user",
        "pack",
        "plan",
        "credits",
        "amount_cents",
        "status",
        "provider",
    )
    list_filter = ("status", "provider")
    search_fields = ("user__email", "provider_reference")
    list_select_related = ("user", "pack", "plan")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "processed_at", "error")
    list_filter = ("provider", "type")
    search_fields = ("event_id",)
