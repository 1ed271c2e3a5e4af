"""The interview admin: filters, transcript and timing inlines, read-only money fields."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories import add_turn, started_job_interview

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root@example.com", "pw-for-admin-tests"))
    return client


def test_changelist_filters_by_kind_and_status(admin_client, candidate):
    interview = started_job_interview(candidate)
    html = admin_client.get("/admin/interviews/interview/?kind=job&status=in_progress").content
    assert str(interview.pk).encode() in html
    empty = admin_client.get("/admin/interviews/interview/?status=completed").content
    assert str(interview.pk).encode() not in empty


def test_change_page_shows_transcript_and_keeps_money_read_only(admin_client, candidate):
    interview = started_job_interview(candidate)
    add_turn(interview, speaker="candidate")
    html = admin_client.get(f"/admin/interviews/interview/{interview.pk}/change/").content.decode()
    assert "Turn 1 from the candidate." in html
    assert "Stage timings" in html
    for field in ("credits_charged", "credits_refunded", "first_minted_at"):
        assert f'name="{field}"' not in html
