"""GET /api/v1/interviews/{id}/recording: the owner (and staff) hear it, with HTTP range requests;
anyone else, signed in or not, gets 404."""

from __future__ import annotations

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import (
    PASSWORD,
    api_as,
    recorded_interview,
    recording_bytes,
    recordings_dir_use,
    upload,
)

DATA = recording_bytes(3)
SIZE = len(DATA)


@pytest.fixture(autouse=True)
def _recordings(settings, tmp_path):
    return recordings_dir_use(settings, tmp_path)


@pytest.fixture
def recorded(candidate):
    interview = recorded_interview(candidate)
    upload(interview, chunks=3)
    return interview


def _get(client, interview, **headers):
    return client.get(f"/api/v1/interviews/{interview.pk}/recording", headers=headers)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_file_with_ranges_advertised(candidate, recorded, django_assert_num_queries):
    client = api_as(candidate)
    # The interview (owner check) and its ready recording.
    with django_assert_num_queries(2):
        response = _get(client, recorded)

    assert response.status_code == 200
    assert response["Content-Type"] == "audio/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert "no-store" in response["Cache-Control"]
    assert _body(response) == DATA


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=-50", SIZE - 50, SIZE - 1),
        (f"bytes=10-{SIZE + 500}", 10, SIZE - 1),  # a last byte past the end is clipped
        (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1),
    ],
)
def test_a_byte_range_is_206(candidate, recorded, header, first, last):
    response = _get(api_as(candidate), recorded, Range=header)

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert _body(response) == DATA[first : last + 1]


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={SIZE}-",
        f"bytes={SIZE + 10}-{SIZE + 20}",
        "bytes=50-10",
        "bytes=-0",
        "bytes=-",
        "items=0-10",
        "bytes=0-1,5-9",
    ],
)
def test_a_range_outside_the_file_is_416(candidate, recorded, header):
    response = _get(api_as(candidate), recorded, Range=header)

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.json()["code"] == "invalid_range"


def test_a_browser_session_plays_it(client, candidate, recorded):
    assert client.login(email=candidate.email, password=PASSWORD)

    response = _get(client, recorded, Range="bytes=0-")

    assert response.status_code == 206
    assert _body(response) == DATA


def test_a_jwt_client_plays_it(api_client, candidate, recorded):
    access = RefreshToken.for_user(candidate).access_token
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert _get(api_client, recorded).status_code == 200


def test_staff_may_hear_it(staff, recorded):
    assert _get(api_as(staff), recorded).status_code == 200


def test_another_candidate_gets_404(other_candidate, recorded):
    response = _get(api_as(other_candidate), recorded)

    assert response.status_code == 404
    assert response.json()["code"] == "interview_not_found"


def test_nobody_signed_in_gets_404(api_client, client, recorded):
    assert _get(api_client, recorded).status_code == 404
    assert _get(client, recorded).status_code == 404


def test_an_unfinished_upload_is_not_served(candidate):
    from interviews import recordings
    from tests.factories import WEBM, chunk

    interview = recorded_interview(candidate)
    recordings.recording_chunk_store(interview=interview, seq=0, content_type=WEBM, data=chunk(0))

    response = _get(api_as(candidate), interview)

    assert response.status_code == 404
    assert response.json()["code"] == "recording_not_found"
