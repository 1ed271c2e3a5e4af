"""Admin: the feedback inline on an interview, and the "write the report again" action."""

from __future__ import annotations

from accounts.models import User
from interviews.models import Feedback, ReportShare
from tests.factories import PASSWORD, finished_case_interview, make_user


def _admin_client(client) -> None:
    admin = make_user("root@example.com", is_staff=True)
    User.objects.filter(pk=admin.pk).update(is_superuser=True)
    assert client.login(email=admin.email, password=PASSWORD)


def test_interview_page_shows_the_feedback_inline_without_share_tokens(client, candidate):
    from interviews.feedback import feedback_generate, report_share_create

    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    interview.refresh_from_db()
    share = report_share_create(interview=interview, actor=candidate)
    _admin_client(client)

    html = client.get(f"/admin/interviews/interview/{interview.pk}/change/").content.decode()

    assert "feedback-group" in html  # the inline's container
    assert "<label>Source:</label>" in html
    assert '<div class="readonly">analytics</div>' in html
    assert "Report shares" in html
    assert share.token not in html


def test_regenerate_action_writes_the_report(client, candidate):
    interview = finished_case_interview(candidate, feedback_status="failed")
    _admin_client(client)

    response = client.post(
        "/admin/interviews/interview/",
        {"action": "regenerate_feedback", "_selected_action": [str(interview.pk)]},
    )

    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.feedback_status == "ready"
    assert Feedback.objects.get(interview=interview).analytics["overall"]["words"] == 53
    assert not ReportShare.objects.exists()
