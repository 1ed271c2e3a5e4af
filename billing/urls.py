from __future__ import annotations

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("billing/", views.history, name="history"),
    path("billing/pricing/", views.pricing, name="pricing"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/checkout/test/<int:payment_id>/", views.test_checkout, name="test_checkout"),
    path("billing/checkout/success/", views.checkout_success, name="checkout_success"),
    path("billing/checkout/cancel/", views.checkout_cancel, name="checkout_cancel"),
    path("billing/subscription/cancel/", views.subscription_cancel, name="subscription_cancel"),
    path("billing/webhooks/stripe", views.stripe_webhook, name="stripe_webhook"),
]
