"""The onboarding step a new account lands on after sign-up: resume, mic check, first practice.

allauth's sign-up redirect (ACCOUNT_SIGNUP_REDIRECT_URL) sends a new account here once; every
step is optional and "Skip" goes to the dashboard. What the first practice costs comes from
billing.entitlements, like everywhere else.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import services as accounts
from accounts.forms import ResumeUploadForm
from billing import entitlements
from interviews.models import Case
from vocahire.lib.headers import microphone_allowed

FREE_CASES_SHOWN = 3


@microphone_allowed
@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """Three optional steps; the page works again later but nothing sends anyone back to it."""
    profile = accounts.profile_for(request.user)
    job = entitlements.entitlement(user_id=request.user.pk, kind="job", staff=request.user.is_staff)
    context = {
        "profile": profile,
        "upload_form": ResumeUploadForm(),
        "job": job,
        "free_cases": Case.objects.published()
        .filter(free=True)
        .order_by("title")[:FREE_CASES_SHOWN],
    }
    return render(request, "interviews/onboarding.html", context)
