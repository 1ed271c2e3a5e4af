"""Shareable read-only report links: create, open, revoke, expire; only the owner shares."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from interviews.feedback import SHARE_DAYS, feedback_generate
from interviews.models import ReportShare
from tests.factories import PASSWORD, finished_case_interview


def _login(client, user) -> None:
    assert client.login(email=user.email, password=PASSWORD)


def _reported(owner):
    interview = finished_case_interview(owner)
    feedback_generate(interview_id=interview.pk)
    return interview


def _share(client, interview) -> ReportShare:
    response = client.post(f"/interviews/{interview.pk}/share/")
    assert response.status_code == 302
    return ReportShare.objects.filter(interview=interview).latest("created_at")


def test_owner_creates_an_unguessable_expiring_link(client, candidate):
    interview = _reported(candidate)
    _login(client, candidate)

    share = _share(client, interview)

    assert len(share.token) >= 40  # 32 random bytes, URL-safe
    assert share.expires_at - share.created_at == timedelta(days=SHARE_DAYS)
    page = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert f"/r/{share.token}/" in page


def test_anyone_with_the_link_reads_the_report_read_only(
    client, candidate, django_assert_num_queries
):
    interview = _reported(candidate)
    _login(client, candidate)
    share = _share(client, interview)
    client.logout()

    with django_assert_num_queries(1):  # the share with its interview and feedback
        response = client.get(f"/r/{share.token}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert 'data-role="shared-banner"' in html
    assert '<dd data-metric="words_per_minute">56.4</dd>' in html
    assert "Split profit into revenue" in html
    # Read-only: no share box, no practise-again, no way into the owner's account.
    assert 'data-action="create-share"' not in html
    assert 'data-action="practise-again"' not in html
    assert f"/interviews/{interview.pk}/" not in html


def _says_gone(response) -> None:
    assert response.status_code == 410
    assert "This link was revoked or has expired." in response.content.decode()
    assert "Split profit into revenue" not in response.content.decode()


def test_creating_again_shows_the_same_live_link_with_a_copy_button(client, candidate):
    interview = _reported(candidate)
    _login(client, candidate)

    first = _share(client, interview)
    again = _share(client, interview)

    assert again.pk == first.pk
    assert ReportShare.objects.filter(interview=interview).count() == 1
    page = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert page.count('data-role="share-link"') == 1
    assert f'data-action="copy-share" data-target="share-url-{first.pk}"' in page
    assert f'id="share-url-{first.pk}" value="http://testserver/r/{first.token}/"' in page
    assert 'data-action="create-share"' not in page  # one live link: nothing more to create
    assert "/static/js/report.js" in page


def test_after_revoking_a_new_link_can_be_made(client, candidate):
    interview = _reported(candidate)
    _login(client, candidate)
    first = _share(client, interview)
    client.post(f"/interviews/{interview.pk}/share/{first.pk}/revoke/")

    second = _share(client, interview)

    assert second.pk != first.pk and second.token != first.token


def test_revoked_link_says_so(client, candidate, django_assert_num_queries):
    interview = _reported(candidate)
    _login(client, candidate)
    share = _share(client, interview)

    response = client.post(f"/interviews/{interview.pk}/share/{share.pk}/revoke/")

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    client.logout()
    with django_assert_num_queries(1):  # the share, with its interview and feedback
        _says_gone(client.get(f"/r/{share.token}/"))


def test_expired_link_says_so(client, candidate):
    interview = _reported(candidate)
    _login(client, candidate)
    share = _share(client, interview)
    client.logout()
    assert client.get(f"/r/{share.token}/").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=SHARE_DAYS, seconds=1)):
        _says_gone(client.get(f"/r/{share.token}/"))


def test_unknown_token_is_404(client, db):
    assert client.get("/r/not-a-real-token/").status_code == 404


def test_another_candidate_cannot_share_or_revoke(client, candidate, other_candidate):
    interview = _reported(candidate)
    _login(client, candidate)
    share = _share(client, interview)
    client.logout()
    _login(client, other_candidate)

    created = client.post(f"/interviews/{interview.pk}/share/")
    revoked = client.post(f"/interviews/{interview.pk}/share/{share.pk}/revoke/")

    assert (created.status_code, revoked.status_code) == (403, 403)
    assert ReportShare.objects.filter(interview=interview).count() == 1
    share.refresh_from_db()
    assert share.revoked_at is None


def test_no_link_before_there_is_a_report(client, candidate):
    interview = finished_case_interview(candidate)  # feedback still pending
    _login(client, candidate)

    client.post(f"/interviews/{interview.pk}/share/")

    assert not ReportShare.objects.filter(interview=interview).exists()
