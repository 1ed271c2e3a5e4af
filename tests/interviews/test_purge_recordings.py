"""purge_recordings (and its Celery beat task): recordings older than RECORDING_RETENTION_DAYS go,
as do uploads never completed after a day; newer ones stay."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from interviews import recordings
from interviews.models import Recording
from interviews.tasks import recordings_purge_task
from tests.factories import WEBM, chunk, make_user, recorded_interview, recordings_dir_use, upload


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path, db):
    return recordings_dir_use(settings, tmp_path)


def _files(directory) -> list:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def _recorded(email: str, *, complete: bool = True) -> Recording:
    interview = recorded_interview(make_user(email, credits=1))
    if complete:
        return upload(interview)
    recordings.recording_chunk_store(interview=interview, seq=0, content_type=WEBM, data=chunk(0))
    return Recording.objects.get(interview=interview)


def test_old_recordings_are_purged_and_new_ones_kept(
    settings, _recordings, django_capture_on_commit_callbacks
):
    settings.RECORDING_RETENTION_DAYS = 30
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=31)):
        old = _recorded("old@example.com")
    with time_machine.travel(now - timedelta(days=29)):
        recent = _recorded("recent@example.com")

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_recordings", stdout=out)

    assert list(Recording.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not (_recordings / old.file_name).exists()
    assert (_recordings / recent.file_name).exists()
    assert "Deleted 1 recording(s) older than 30 days and 0 unfinished upload(s)." in out.getvalue()


def test_retention_follows_the_setting(settings):
    settings.RECORDING_RETENTION_DAYS = 7
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        _recorded("week@example.com")

    assert recordings.recordings_purge() == {"expired": 1, "unfinished": 0}
    assert not Recording.objects.exists()


def test_uploads_never_completed_go_after_a_day(_recordings, django_capture_on_commit_callbacks):
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=25)):
        abandoned = _recorded("tab-closed@example.com", complete=False)
    with time_machine.travel(now - timedelta(hours=1)):
        live = _recorded("still-talking@example.com", complete=False)

    with django_capture_on_commit_callbacks(execute=True):
        counts = recordings_purge_task.delay().get()

    assert counts == {"expired": 0, "unfinished": 1}
    assert list(Recording.objects.values_list("pk", flat=True)) == [live.pk]
    assert _files(_recordings / "chunks" / str(abandoned.interview_id)) == []
    assert len(_files(_recordings / "chunks" / str(live.interview_id))) == 1


def test_beat_runs_the_purge():
    entries = [e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert "interviews.tasks.recordings_purge_task" in entries
