"""regenerate_feedback ID | --failed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from interviews.feedback import feedback_generate
from interviews.models import Feedback, Interview, TranscriptTurn
from tests.factories import finished_case_interview


def _run(*args: str) -> str:
    out = StringIO()
    call_command("regenerate_feedback", *args, stdout=out)
    return out.getvalue()


def test_failed_reports_are_written_again(candidate, other_candidate):
    failed = finished_case_interview(candidate, feedback_status="failed")
    ready = finished_case_interview(other_candidate)
    feedback_generate(interview_id=ready.pk)
    Feedback.objects.filter(interview=ready).update(analytics={"stale": True})

    out = _run("--failed")

    failed.refresh_from_db()
    assert failed.feedback_status == "ready"
    assert Feedback.objects.get(interview=failed).analytics["overall"]["words"] == 53
    assert out.strip() == f"{failed.pk}: ready"
    assert Feedback.objects.get(interview=ready).analytics == {"stale": True}  # untouched


def test_one_ready_report_is_recomputed_from_the_transcript(candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    TranscriptTurn.objects.filter(interview=interview, source="typed").delete()

    _run(str(interview.pk))

    assert Feedback.objects.get(interview=interview).analytics["overall"]["words"] == 47


def test_an_unfinished_interview_is_refused(candidate):
    interview = finished_case_interview(candidate, feedback_status="none")
    Interview.objects.filter(pk=interview.pk).update(status="in_progress")

    with pytest.raises(CommandError, match="not ended"):
        _run(str(interview.pk))


@pytest.mark.parametrize(
    "args", [(), ("--failed", "00000000-0000-0000-0000-000000000000"), ("--failed", "--stalled")]
)
def test_needs_exactly_one_choice(db, args):
    with pytest.raises(
        CommandError, match="either one interview id, --failed, --stalled or --measured"
    ):
        _run(*args)


def test_unknown_id_is_refused(db):
    with pytest.raises(CommandError, match="no interview"):
        _run("not-a-uuid")


def test_stalled_pending_reports_are_queued_again(candidate):
    stuck = finished_case_interview(candidate)
    Interview.objects.filter(pk=stuck.pk).update(ended_at=timezone.now() - timedelta(minutes=20))
    recent = finished_case_interview(candidate)  # its task may still be on its way

    out = _run("--stalled")

    assert out.strip() == f"{stuck.pk}: ready"
    recent.refresh_from_db()
    assert recent.feedback_status == "pending"


def test_celery_beat_requeues_stalled_reports(candidate, settings):
    from interviews.tasks import feedback_stalled_requeue_task

    stuck = finished_case_interview(candidate)
    Interview.objects.filter(pk=stuck.pk).update(ended_at=timezone.now() - timedelta(minutes=20))
    Feedback.objects.create(interview=stuck, attempts=2)  # a lost retry keeps its count
    recent = finished_case_interview(candidate)

    assert feedback_stalled_requeue_task.delay().get() == 1  # eager: the report is written here

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.feedback_status, recent.feedback_status) == ("ready", "pending")
    assert Feedback.objects.get(interview=stuck).attempts == 3
    beat = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert feedback_stalled_requeue_task.name in beat


def test_measured_remeasures_written_reports_and_keeps_their_scores(candidate, other_candidate):
    # A report measured before the analytics changed: stemmed terms, no signals.
    ready = finished_case_interview(candidate)
    feedback_generate(interview_id=ready.pk)
    old = {"overall": {"words": 53, "talk_share": 0.98}, "questions": []}
    Feedback.objects.filter(interview=ready).update(analytics=old, assessment={"kept": True})
    pending = finished_case_interview(other_candidate)  # not written yet: left to its task

    out = _run("--measured")

    stored = Feedback.objects.get(interview=ready)
    assert out.strip() == "re-measured 1 reports"
    assert stored.assessment == {"kept": True}
    assert stored.analytics["overall"]["talk_share"] == 0.877
    assert stored.analytics["questions"][0]["coverage"]["missing"] == ["segment costs"]
    assert "signals" in stored.analytics["questions"][0]
    assert not Feedback.objects.filter(interview=pending).exists()
