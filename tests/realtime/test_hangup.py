"""Hang-ups: ending an interview hangs its call up at once; a reported call is scheduled to be
hung up at the interview's deadline; the task shrugs off calls that are already gone."""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO
from unittest import mock

import httpx
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from interviews.models import Interview
from realtime.tasks import call_hangup_task
from tests.factories import job_interview_draft, jwt_client
from tests.payloads import session_url, upstream_error

pytestmark = pytest.mark.usefixtures("realtime_settings")


@pytest.fixture
def live_interview(candidate, mint_route) -> Interview:
    interview = job_interview_draft(candidate)
    assert jwt_client(candidate).post(session_url(interview)).status_code == 200
    interview.refresh_from_db()
    return interview


def _report_call(interview: Interview, call_id: str, on_commit) -> None:
    with on_commit(execute=True):
        response = jwt_client(interview.owner).post(
            f"/api/v1/interviews/{interview.pk}/events",
            {"events": [{"type": "call", "call_id": call_id}]},
            format="json",
        )
    assert response.status_code == 200, response.content


def test_ending_the_interview_hangs_up_its_call_at_once(
    live_interview, upstream, django_capture_on_commit_callbacks
):
    hangup = upstream.post("/realtime/calls/rtc_live1/hangup").mock(
        return_value=httpx.Response(200)
    )
    _report_call(live_interview, "rtc_live1", django_capture_on_commit_callbacks)
    assert hangup.call_count == 0  # the deadline is 30 minutes away

    with django_capture_on_commit_callbacks(execute=True):
        response = jwt_client(live_interview.owner).post(
            f"/api/v1/interviews/{live_interview.pk}/end"
        )

    assert response.status_code == 200
    assert hangup.call_count == 1


def test_a_reported_call_is_scheduled_for_the_deadline_when_a_worker_exists(
    live_interview, upstream, django_capture_on_commit_callbacks
):
    from vocahire.celery import app as celery_app

    celery_app.conf.task_always_eager = False
    try:
        with mock.patch.object(call_hangup_task, "apply_async") as schedule:
            _report_call(live_interview, "rtc_live2", django_capture_on_commit_callbacks)
    finally:
        celery_app.conf.task_always_eager = True

    schedule.assert_called_once_with(args=["rtc_live2"], eta=live_interview.deadline)


def test_a_call_reported_after_the_deadline_is_hung_up_at_once(
    live_interview, upstream, django_capture_on_commit_callbacks
):
    hangup = upstream.post("/realtime/calls/rtc_late/hangup").mock(return_value=httpx.Response(200))
    Interview.objects.filter(pk=live_interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=live_interview.time_limit_minutes + 1)
    )

    _report_call(live_interview, "rtc_late", django_capture_on_commit_callbacks)

    assert hangup.call_count == 1


def test_hangup_task_ignores_a_call_that_is_gone(upstream):
    route = upstream.post("/realtime/calls/rtc_gone/hangup").mock(
        return_value=upstream_error(404, "error_call_not_found.json")
    )

    call_hangup_task.delay("rtc_gone")

    assert route.call_count == 1


def test_hangup_task_failure_never_breaks_the_caller(upstream, caplog):
    route = upstream.post("/realtime/calls/rtc_x/hangup").mock(
        return_value=upstream_error(503, "error_server.json")
    )
    caplog.set_level(logging.WARNING)

    call_hangup_task.delay("rtc_x")

    assert route.call_count == 2  # the gateway's own retry
    assert "call hang-up failed call_id=rtc_x" in caplog.text


def test_a_hangup_that_blows_up_never_breaks_ending_the_interview(
    live_interview, upstream, django_capture_on_commit_callbacks, caplog
):
    upstream.post("/realtime/calls/rtc_boom/hangup").mock(side_effect=RuntimeError("broker down"))
    _report_call(live_interview, "rtc_boom", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = jwt_client(live_interview.owner).post(
            f"/api/v1/interviews/{live_interview.pk}/end"
        )

    assert response.status_code == 200
    assert "could not hang up call rtc_boom" in caplog.text


def test_the_expiry_job_hangs_up_a_call_past_its_time_limit(
    live_interview, upstream, django_capture_on_commit_callbacks
):
    # Embedded mode (eager Celery) cannot schedule the hang-up for the deadline; the room's timer
    # ends the interview, and failing that the expiry job closes it and hangs its call up.
    hangup = upstream.post("/realtime/calls/rtc_overtime/hangup").mock(
        return_value=httpx.Response(200)
    )
    _report_call(live_interview, "rtc_overtime", django_capture_on_commit_callbacks)
    assert hangup.call_count == 0

    with (
        time_machine.travel(live_interview.deadline + timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("expire_interviews", stdout=StringIO())

    assert hangup.call_count == 1
    live_interview.refresh_from_db()
    assert live_interview.status == Interview.Status.ABANDONED
