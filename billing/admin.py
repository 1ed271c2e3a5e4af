from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

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
    if "apply" not in request.POST:
        form = CreditChangeForm(initial={"nonce": uuid.uuid4().hex})
    else:
        form = CreditChangeForm(request.POST)
        if form.is_valid():
            _credits_change_apply(modeladmin, request, queryset, form.cleaned_data)
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Grant or adjust credits",
        "accounts": queryset.select_related("user"),
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "billing/admin_credit_change.html", context)


def _credits_change_apply(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[CreditAccount],
    data: dict[str, Any],
) -> None:
    for account in queryset.select_related("user"):
        try:
            result = credits_staff_change(
                user_id=account.user_id,
                amount=data["amount"],
                reason=data["reason"],
                staff_user_id=request.user.pk,
                idempotency_key=f"staff:{data['nonce']}:{account.user_id}",
            )
        except BillingError as exc:
            modeladmin.message_user(request, f"{account.user}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(
                request, f"{account.user}: balance is now {result.balance}.", messages.SUCCESS
            )


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

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        user_id = obj.user_id
        transaction.on_commit(lambda: billing_snapshot_invalidate(user_id=user_id))


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "pack", "plan", "amount_cents", "status", "provider")
    list_filter = ("status", "provider")
    search_fields = ("user__email", "provider_reference")
    list_select_related = ("user", "pack", "plan")


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "processed_at", "error")
    list_filter = ("provider", "type")
    search_fields = ("event_id",)
