"""Expiry: in-progress interviews past their deadline; refunds only when never minted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from billing import services as billing
from interviews import services
from interviews.models import Interview
from interviews.tasks import expire_interviews_task
from tests.factories import add_turn, job_interview, started_job_interview

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AFTER_DEADLINE = START + timedelta(minutes=31)


@pytest.fixture
def started(candidate):
    """A job interview (30-minute limit) started at START, charged 1 of the candidate's 3."""
    with time_machine.travel(START, tick=False):
        return started_job_interview(candidate)


def test_nothing_expires_before_the_deadline(started, candidate):
    counts = services.interviews_expire(now=START + timedelta(minutes=29, seconds=59))
    assert counts == {"completed": 0, "abandoned": 0, "refunded": 0}
    assert Interview.objects.get(pk=started.pk).status == "in_progress"


def test_an_interview_with_a_candidate_answer_completes_and_queues_feedback(started, candidate):
    services.interview_session_minted(interview=started)
    add_turn(started, speaker="interviewer")
    add_turn(started, speaker="candidate")
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 1, "abandoned": 0, "refunded": 0}
    interview = Interview.objects.get(pk=started.pk)
    assert interview.status == "completed" and interview.end_reason == "time_limit"
    assert interview.feedback_status == "pending" and interview.ended_at == AFTER_DEADLINE
    assert billing.credits_balance(user_id=candidate.pk) == 2  # minted: the charge stands


def test_an_interview_where_only_the_interviewer_spoke_is_abandoned(started, candidate):
    services.interview_session_minted(interview=started)
    add_turn(started, speaker="interviewer")
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 0, "abandoned": 1, "refunded": 0}
    interview = Interview.objects.get(pk=started.pk)
    assert interview.status == "abandoned" and interview.feedback_status == "none"
    assert billing.credits_balance(user_id=candidate.pk) == 2


def test_an_interview_never_minted_is_abandoned_and_refunded_once(started, candidate):
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 0, "abandoned": 1, "refunded": 1}
    interview = Interview.objects.get(pk=started.pk)
    assert (interview.credits_charged, interview.credits_refunded) == (1, 1)
    assert billing.credits_balance(user_id=candidate.pk) == 3
    # Running again changes nothing.
    again = services.interviews_expire(now=AFTER_DEADLINE + timedelta(hours=1))
    assert again == {"completed": 0, "abandoned": 0, "refunded": 0}
    assert billing.credits_balance(user_id=candidate.pk) == 3


def test_client_reported_turns_do_not_earn_a_refund_or_lose_one(started, candidate):
    # Turns alone (client-reported) make it "completed", but the refund rests on the server's
    # own fact that no session was minted.
    add_turn(started, speaker="candidate")
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 1, "abandoned": 0, "refunded": 1}
    assert billing.credits_balance(user_id=candidate.pk) == 3


def test_drafts_and_finished_interviews_are_left_alone(started, candidate):
    draft = job_interview(candidate)
    services.interview_end(interview=started, actor=candidate)
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 0, "abandoned": 0, "refunded": 0}
    assert Interview.objects.get(pk=draft.pk).status == "draft"
    assert Interview.objects.get(pk=started.pk).end_reason == "ended_by_candidate"


def test_the_command_and_the_task_expire_with_the_real_clock(started, candidate):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        out = StringIO()
        call_command("expire_interviews", stdout=out)
        assert out.getvalue().strip() == (
            "Expired interviews: 0 completed, 1 abandoned, 1 refunded."
        )
        assert Interview.objects.get(pk=started.pk).status == "abandoned"
        second = job_interview(candidate)
    with time_machine.travel(AFTER_DEADLINE + timedelta(minutes=1), tick=False):
        services.interview_start(interview=second, actor=candidate)
    with time_machine.travel(AFTER_DEADLINE + timedelta(minutes=40), tick=False):
        assert expire_interviews_task.delay().get() == {
            "completed": 0,
            "abandoned": 1,
            "refunded": 1,
        }


def test_one_failing_interview_does_not_stop_the_others(started, candidate, monkeypatch):
    with time_machine.travel(START, tick=False):
        second = started_job_interview(candidate)
    real_refund = billing.credits_refund
    calls: list[str] = []

    def refund_failing_once(**kwargs):
        calls.append(kwargs["debit_idempotency_key"])
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real_refund(**kwargs)

    monkeypatch.setattr(billing, "credits_refund", refund_failing_once)
    counts = services.interviews_expire(now=AFTER_DEADLINE)
    assert counts == {"completed": 0, "abandoned": 1, "refunded": 1}
    statuses = set(
        Interview.objects.filter(pk__in=[started.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {"in_progress", "abandoned"}  # the failed one rolled back, retried next run
    assert services.interviews_expire(now=AFTER_DEADLINE) == {
        "completed": 0,
        "abandoned": 1,
        "refunded": 1,
    }
    assert billing.credits_balance(user_id=candidate.pk) == 3
