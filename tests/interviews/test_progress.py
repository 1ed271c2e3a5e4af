"""/progress/: figures over time, the recent limiting factor, and practise this again."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from interviews.feedback import assessment_summarise, dimensions_for, feedback_generate
from interviews.models import Feedback, Interview
from tests.factories import PASSWORD, finished_case_interview, finished_job_interview


def _login(client, user) -> None:
    assert client.login(email=user.email, password=PASSWORD)


def _scores(**scores: int) -> dict:
    dims = {"structuring": 3, "numeracy": 3, "judgement": 3, "creativity": 3, "synthesis": 3}
    dims |= {"communication": 3} | scores
    answer = {
        "summary": "s",
        "dimensions": {k: {"score": v, "evidence": "e"} for k, v in dims.items()},
        "questions": [],
        "strengths": [],
        "improvements": [],
    }
    return assessment_summarise(kind="case", assessment=answer)


def _reported_case(owner, *, days_ago: int, assessment: dict | None = None) -> Interview:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        interview = finished_case_interview(owner)
    feedback_generate(interview_id=interview.pk)
    if assessment:
        Feedback.objects.filter(interview=interview).update(assessment=assessment)
    return interview


def test_empty_progress_invites_a_first_interview(client, candidate):
    _login(client, candidate)

    response = client.get("/progress/")

    assert response.status_code == 200
    assert 'data-role="progress-empty"' in response.content.decode()


def test_progress_charts_and_recent_limiting_factor(
    client, candidate, other_candidate, django_assert_num_queries
):
    # Numeracy is weakest on average over the last five assessed, though synthesis was weakest
    # in the oldest one (outside the window of five).
    _reported_case(candidate, days_ago=9, assessment=_scores(synthesis=1))
    for days_ago in (7, 6, 5, 4):
        _reported_case(candidate, days_ago=days_ago, assessment=_scores(numeracy=2))
    _reported_case(candidate, days_ago=3, assessment=_scores(synthesis=2, numeracy=4))
    _reported_case(candidate, days_ago=1)  # measured only
    _reported_case(other_candidate, days_ago=2)
    _login(client, candidate)
    client.get("/progress/")  # warms the cached billing snapshot in the navigation

    with django_assert_num_queries(3):  # session, user, interviews joined with feedback
        response = client.get("/progress/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "limiting factor in case interviews lately: Numeracy" in html
    assert "average 2.4/5 over your last 5 assessed" in html  # (2 + 2 + 2 + 2 + 4) / 5
    assert "Average score over time, 1 to 5" in html
    assert "Words per minute over time (measured)" in html
    assert html.count("<tr data-interview=") == 7  # not the other candidate's
    assert html.count("<svg") == 3


def test_measured_only_progress_has_no_score_chart(client, candidate):
    _reported_case(candidate, days_ago=1)
    _login(client, candidate)

    html = client.get("/progress/").content.decode()

    assert "Average score over time" not in html
    assert "Words per minute over time (measured)" in html
    assert 'data-role="weakest-recent"' not in html
    assert 'css/print.css" media="print">' in html  # prints as cleanly as a report


def test_practise_the_same_case_again(client, candidate):
    interview = _reported_case(candidate, days_ago=1)
    _login(client, candidate)

    response = client.post(f"/interviews/{interview.pk}/again/")

    again = Interview.objects.exclude(pk=interview.pk).get(owner=candidate)
    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{again.pk}/room/"
    assert (again.kind, again.case_id, again.status) == ("case", interview.case_id, "draft")


def test_practise_the_same_job_again(client, candidate):
    turns = [(1, "candidate", "I led the roadmap.", 0, 2000, "speech")]
    interview = finished_job_interview(candidate, turns=turns)
    _login(client, candidate)

    client.post(f"/interviews/{interview.pk}/again/")

    again = Interview.objects.exclude(pk=interview.pk).get(owner=candidate)
    assert (again.kind, again.job_title, again.job_description) == (
        "job",
        "Product manager",
        "Own the roadmap for a B2B analytics product.",
    )
    assert again.credits_charged == 0  # nothing is charged until the new interview starts


def test_nobody_else_can_practise_your_interview(client, candidate, other_candidate):
    interview = _reported_case(candidate, days_ago=1)
    _login(client, other_candidate)

    response = client.post(f"/interviews/{interview.pk}/again/")

    assert response.status_code == 403
    assert not Interview.objects.filter(owner=other_candidate).exists()


def test_case_and_job_scores_are_separate_lines(client, candidate):
    # Different rubrics: a job score next to a case score is not progress on one scale.
    _reported_case(candidate, days_ago=3, assessment=_scores(numeracy=2))
    job = finished_job_interview(candidate)
    feedback_generate(interview_id=job.pk)
    job_scores = {k: {"score": 4, "evidence": "e"} for k in dimensions_for("job")}
    Feedback.objects.filter(interview=job).update(
        assessment=assessment_summarise(
            kind="job",
            assessment={"dimensions": job_scores, "questions": [], "summary": "s"}
            | {"strengths": [], "improvements": []},
        )
    )
    _login(client, candidate)

    html = client.get("/progress/").content.decode()

    chart = html.split("Average score over time, 1 to 5</title>")[1].split("</svg>")[0]
    assert chart.count("<polyline") == 2
    assert "Case interviews: " in chart and "Job interviews: " in chart


def test_charts_with_nothing_to_draw_say_what_would_fill_them(client, candidate):
    typed = " ".join(["Revenue fell because volume dropped in the north region."] * 4)
    interview = finished_job_interview(
        candidate, turns=[(1, "candidate", typed, 0, 0, "typed")], feedback_status="pending"
    )
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = client.get("/progress/").content.decode()

    assert "Words per minute: not enough data yet." in html
    assert "Filler words per minute: not enough data yet." in html
    assert "<svg" not in html  # no empty 0-1 frames
