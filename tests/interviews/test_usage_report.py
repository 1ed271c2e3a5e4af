"""usage_report --days N: interviews, minutes, credits spent and refunded, feedback failures."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.utils import timezone

from billing import services as billing
from interviews.models import Interview
from tests.factories import finished_case_interview, finished_job_interview

TURNS = [(1, "candidate", "I led the roadmap.", 0, 2000, "speech")]


def _report(*args: str) -> str:
    out = StringIO()
    call_command("usage_report", *args, stdout=out)
    return out.getvalue()


def _timed(interview: Interview, minutes: int) -> None:
    start = timezone.now() - timedelta(hours=1)
    Interview.objects.filter(pk=interview.pk).update(
        started_at=start, ended_at=start + timedelta(minutes=minutes)
    )


def test_usage_over_the_window(candidate, other_candidate):
    job = finished_job_interview(candidate, turns=TURNS, feedback_status="ready")
    _timed(job, 12)
    case = finished_case_interview(other_candidate, feedback_status="failed")
    _timed(case, 25)
    refunded = finished_job_interview(candidate, turns=TURNS, feedback_status="none")
    Interview.objects.filter(pk=refunded.pk).update(status="failed", started_at=None)
    for interview in (job, refunded):
        billing.credits_debit(
            user_id=candidate.pk, amount=1, idempotency_key=f"d:{interview.pk}", reference="x"
        )
    billing.credits_refund(debit_idempotency_key=f"d:{refunded.pk}", reason="never minted")
    with time_machine.travel(timezone.now() - timedelta(days=10)):  # outside --days 7
        old = finished_job_interview(candidate, turns=TURNS, feedback_status="failed")
        billing.credits_debit(user_id=candidate.pk, amount=1, idempotency_key="old", reference="x")
    _timed(old, 50)

    summary = json.loads(_report("--days", "7", "--json"))

    assert summary["interviews"] == {"case/completed": 1, "job/completed": 1, "job/failed": 1}
    assert summary["minutes"] == {"case": 25.0, "job": 12.0}
    assert (summary["credits_spent"], summary["credits_refunded"]) == (2, 1)
    assert summary["feedback"] == {"failed": 1, "none": 1, "ready": 1}
    assert summary["feedback_failed_ids"] == [str(case.pk)]


def test_text_report_names_the_failures(candidate):
    failed = finished_case_interview(candidate, feedback_status="failed")

    text = _report("--days", "1")

    assert "Usage over the last 1 day" in text
    assert "  case/completed: 1" in text
    assert f"Feedback failures: 1 {failed.pk}" in text


def test_recordings_are_counted(candidate, settings, tmp_path):
    from interviews import recordings
    from tests.factories import (
        WEBM,
        chunk,
        recorded_interview,
        recording_bytes,
        recordings_dir_use,
        upload,
    )

    recordings_dir_use(settings, tmp_path)
    upload(recorded_interview(candidate), chunks=2)
    unfinished = recorded_interview(candidate)
    recordings.recording_chunk_store(interview=unfinished, seq=0, content_type=WEBM, data=chunk(0))

    summary = json.loads(_report("--json"))

    assert summary["recordings"] == {
        "ready": 1,
        "bytes": len(recording_bytes(2)),
        "uploading": 1,
    }
    assert "Recordings: 1 (0.0 MB), 1 unfinished" in _report()
