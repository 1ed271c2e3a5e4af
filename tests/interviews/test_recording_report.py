"""The report plays the recording beside seekable transcript turns; a share link plays it only
when the owner ticked "include the recording"; the owner's Delete button removes it."""

from __future__ import annotations

import pytest

from interviews.feedback import feedback_generate
from interviews.models import Recording, ReportShare
from tests.factories import (
    PASSWORD,
    finished_case_interview,
    recording_bytes,
    recordings_dir_use,
    upload,
)


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path):
    return recordings_dir_use(settings, tmp_path)


def _login(client, user) -> None:
    assert client.login(email=user.email, password=PASSWORD)


@pytest.fixture
def reported(candidate):
    """A finished, reported case interview with a recording that starts 500 ms in."""
    interview = finished_case_interview(candidate)
    interview.record = True
    interview.save(update_fields=["record"])
    feedback_generate(interview_id=interview.pk)
    upload(interview, chunks=2, offset_ms=500)
    return interview


def _share(client, interview, include: bool) -> ReportShare:
    data = {"include_recording": "on"} if include else {}
    assert client.post(f"/interviews/{interview.pk}/share/", data).status_code == 302
    return ReportShare.objects.filter(interview=interview).latest("created_at")


def test_report_has_the_player_and_a_seek_button_per_turn(client, candidate, reported):
    _login(client, candidate)

    page = client.get(f"/interviews/{reported.pk}/").content.decode()

    assert f'src="/api/v1/interviews/{reported.pk}/recording"' in page
    assert 'data-offset-ms="500"' in page
    turns = list(reported.turns.order_by("question_number", "start_ms", "id"))
    assert page.count('data-action="seek"') == len(turns)
    for turn in turns:
        assert f'data-action="seek" data-start-ms="{turn.start_ms}"' in page
    assert "js/replay.js" in page
    assert 'data-action="delete-recording"' in page
    assert "<script>" not in page  # no inline scripts (CSP)


def test_report_without_a_recording_has_no_player(client, candidate):
    interview = finished_case_interview(candidate)
    _login(client, candidate)

    page = client.get(f"/interviews/{interview.pk}/").content.decode()

    assert 'data-role="recording"' not in page
    assert 'data-action="seek"' not in page
    assert "js/replay.js" not in page


def test_share_without_the_tick_has_no_recording(client, candidate, reported):
    _login(client, candidate)
    share = _share(client, reported, include=False)
    client.logout()

    page = client.get(f"/r/{share.token}/").content.decode()
    audio = client.get(f"/r/{share.token}/recording")

    assert share.include_recording is False
    assert 'data-role="recording"' not in page
    assert audio.status_code == 404


def test_share_with_the_tick_plays_it_with_ranges(client, candidate, reported):
    _login(client, candidate)
    share = _share(client, reported, include=True)
    client.logout()

    page = client.get(f"/r/{share.token}/").content.decode()
    audio = client.get(f"/r/{share.token}/recording", headers={"Range": "bytes=0-9"})

    assert share.include_recording is True
    assert f'src="/r/{share.token}/recording"' in page
    assert page.count('data-action="seek"') == reported.turns.count()
    assert 'data-action="delete-recording"' not in page  # the viewer cannot delete it
    assert audio.status_code == 206
    assert b"".join(audio.streaming_content) == recording_bytes(2)[:10]
    assert audio["Referrer-Policy"] == "no-referrer"


def test_a_revoked_share_no_longer_plays_it(client, candidate, reported):
    _login(client, candidate)
    share = _share(client, reported, include=True)
    client.post(f"/interviews/{reported.pk}/share/{share.pk}/revoke/")
    client.logout()

    assert client.get(f"/r/{share.token}/recording").status_code == 404


def test_the_tick_is_offered_only_with_a_recording(client, candidate, reported):
    _login(client, candidate)
    with_recording = client.get(f"/interviews/{reported.pk}/").content.decode()
    other = finished_case_interview(candidate)
    feedback_generate(interview_id=other.pk)
    without = client.get(f"/interviews/{other.pk}/").content.decode()

    assert 'name="include_recording"' in with_recording
    assert 'name="include_recording"' not in without


def test_owner_deletes_it_from_the_report(
    client, candidate, reported, _recordings, django_capture_on_commit_callbacks
):
    _login(client, candidate)
    name = Recording.objects.get(interview=reported).file_name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/interviews/{reported.pk}/recording/delete/")

    assert response.status_code == 302
    assert not Recording.objects.filter(interview=reported).exists()
    assert not (_recordings / name).exists()
    page = client.get(f"/interviews/{reported.pk}/").content.decode()
    assert 'data-role="recording"' not in page


def test_someone_else_cannot_delete_it(client, other_candidate, reported):
    _login(client, other_candidate)

    response = client.post(f"/interviews/{reported.pk}/recording/delete/")

    assert response.status_code == 404
    assert Recording.objects.filter(interview=reported).exists()
