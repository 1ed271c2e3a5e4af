"""The record choice: on POST /interviews and in the interview JSON (default from the profile),
changed with PATCH before the interview ends, asked in the room before Start."""

from __future__ import annotations

import pytest

from accounts.models import Profile
from interviews import services
from interviews.models import Interview
from tests.factories import api_as, job_interview, started_job_interview

pytestmark = pytest.mark.django_db


def _prefer_recording(user) -> None:
    user.profile.record_interviews = True
    user.profile.save(update_fields=["record_interviews"])


def _create(client, **extra):
    return client.post(
        "/api/v1/interviews", {"kind": "job", "job_title": "Analyst", **extra}, format="json"
    )


def test_record_is_off_unless_asked_or_preferred(candidate):
    response = _create(api_as(candidate))

    assert response.status_code == 201
    assert response.json()["record"] is False
    assert response.json()["urls"]["recording"].endswith("/recording")


def test_record_as_asked(candidate):
    _prefer_recording(candidate)

    off = _create(api_as(candidate), record=False).json()
    on = _create(api_as(candidate), record=True).json()

    assert (off["record"], on["record"]) == (False, True)
    assert Interview.objects.get(pk=on["id"]).record is True


def test_the_profile_preference_is_the_default(candidate):
    _prefer_recording(candidate)

    assert _create(api_as(candidate)).json()["record"] is True
    assert _create(api_as(candidate), record=None).json()["record"] is True


def test_patch_switches_it_before_the_end(candidate):
    interview = started_job_interview(candidate)

    response = api_as(candidate).patch(
        f"/api/v1/interviews/{interview.pk}", {"record": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["record"] is True
    interview.refresh_from_db()
    assert interview.record is True


def test_patch_after_the_end_is_refused(candidate):
    interview = started_job_interview(candidate)
    services.interview_end(interview=interview, actor=candidate)

    response = api_as(candidate).patch(
        f"/api/v1/interviews/{interview.pk}", {"record": True}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "interview_finished"
    interview.refresh_from_db()
    assert interview.record is False


def test_patch_needs_a_boolean(candidate):
    interview = job_interview(candidate)

    response = api_as(candidate).patch(
        f"/api/v1/interviews/{interview.pk}", {"record": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_patch_by_someone_else_is_403(candidate, other_candidate):
    interview = job_interview(candidate)

    response = api_as(other_candidate).patch(
        f"/api/v1/interviews/{interview.pk}", {"record": True}, format="json"
    )

    assert response.status_code == 403
    interview.refresh_from_db()
    assert interview.record is False


def test_the_room_asks_before_start_and_loads_the_recorder(client, candidate):
    interview = services.interview_create(owner=candidate, kind="job", job_title="X", record=True)
    client.force_login(candidate)

    page = client.get(f"/interviews/{interview.pk}/room/").content.decode()

    assert 'data-role="record-toggle" checked' in page
    assert "js/recorder.js" in page
    assert page.index("js/recorder.js") < page.index("js/interview_room.js")
    assert '"record": true' in page  # the room data the recorder reads


def test_the_room_box_is_unticked_when_not_recording(client, candidate):
    interview = job_interview(candidate)
    client.force_login(candidate)

    page = client.get(f"/interviews/{interview.pk}/room/").content.decode()

    assert 'data-role="record-toggle">' in page
    assert '"record": false' in page


def test_the_profile_saves_the_preference(client, candidate):
    client.force_login(candidate)
    data = {"display_name": "Jo", "target_role": "", "thinking_time": "normal", "resume_text": ""}

    client.post("/profile/", data | {"record_interviews": "on"})
    on = Profile.objects.get(user=candidate).record_interviews
    client.post("/profile/", data)
    off = Profile.objects.get(user=candidate).record_interviews

    assert (on, off) == (True, False)
    assert 'name="record_interviews"' in client.get("/profile/").content.decode()


def test_practise_again_keeps_the_choice(client, candidate):
    from tests.factories import finished_job_interview

    interview = finished_job_interview(candidate)
    Interview.objects.filter(pk=interview.pk).update(record=True)
    client.force_login(candidate)

    client.post(f"/interviews/{interview.pk}/again/")

    assert Interview.objects.exclude(pk=interview.pk).get().record is True


def test_switching_it_off_drops_what_was_uploaded(candidate, settings, tmp_path):
    from interviews import recordings
    from interviews.models import Recording
    from tests.factories import WEBM, chunk, recordings_dir_use

    recordings_dir_use(settings, tmp_path)
    interview = services.interview_start(
        interview=services.interview_create(
            owner=candidate, kind="job", job_title="X", record=True
        ),
        actor=candidate,
    )
    recordings.recording_chunk_store(interview=interview, seq=0, content_type=WEBM, data=chunk(0))

    response = api_as(candidate).patch(
        f"/api/v1/interviews/{interview.pk}", {"record": False}, format="json"
    )

    assert response.json()["record"] is False
    assert not Recording.objects.filter(interview=interview).exists()
