"""Staff pages of the realtime app: connect-path monitoring."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from realtime.monitoring import calls_summary, stage_timings_summary

MONITORING_WINDOW = timedelta(days=7)


@staff_member_required
def stage_timings(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - MONITORING_WINDOW
    context = {
        **admin.site.each_context(request),
        "title": "Room stage timings",
        "summary": stage_timings_summary(since=since),
        "calls": calls_summary(since=since),
        "since": since,
    }
    return render(request, "realtime/stage_timings.html", context)
