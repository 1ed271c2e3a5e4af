"""The RealtimeSession admin: a read-only list of mint attempts for staff."""

from __future__ import annotations

import pytest

from accounts.models import User
from realtime.models import RealtimeSession
from tests.factories import job_interview_draft, jwt_client
from tests.payloads import session_url

pytestmark = pytest.mark.usefixtures("realtime_settings")
LIST = "/admin/realtime/realtimesession/"


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root@example.com", "x")
    client.force_login(admin)
    return client


def test_lists_attempts_in_a_fixed_number_of_queries(
    admin_client, candidate, mint_route, django_assert_max_num_queries
):
    for _ in range(3):
        jwt_client(candidate).post(session_url(job_interview_draft(candidate)))
    assert RealtimeSession.objects.count() == 3

    # session, user, count (x2 for the filter totals), page rows with interview and user, dates.
    with django_assert_max_num_queries(8):
        response = admin_client.get(LIST)

    assert response.status_code == 200
    assert response.content.count(b'<td class="field-outcome">Minted</td>') == 3


def test_attempts_cannot_be_added_changed_or_deleted(admin_client, candidate, mint_route):
    jwt_client(candidate).post(session_url(job_interview_draft(candidate)))
    record = RealtimeSession.objects.get()

    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert admin_client.post(f"{LIST}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get(f"{LIST}{record.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"{LIST}{record.pk}/change/", {"outcome": "x"}).status_code == 403
    assert RealtimeSession.objects.get().outcome == "minted"
