"""The report on the interview page: pending, not enough, measured-only and AI states."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from interviews.feedback import feedback_generate
from interviews.models import Feedback, Interview
from tests.factories import PASSWORD, finished_case_interview, finished_job_interview

DATA = Path(__file__).resolve().parent.parent / "data" / "openai"


def _page(client, interview: Interview):
    return client.get(f"/interviews/{interview.pk}/")


def _login(client, user) -> None:
    assert client.login(email=user.email, password=PASSWORD)


def _ai_feedback(interview: Interview) -> None:
    """Store the recorded model answer as the assessment, as feedback_generate would."""
    from interviews import feedback

    body = json.loads((DATA / "responses_case_feedback.json").read_text())
    answer = json.loads(body["output"][1]["content"][0]["text"])
    Feedback.objects.filter(interview=interview).update(
        assessment=feedback.assessment_summarise(kind="case", assessment=answer),
        source="ai+analytics",
    )


def test_pending_report_refreshes_itself(client, candidate):
    interview = finished_case_interview(candidate)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert 'data-feedback-status="pending"' in html
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "Writing your report" in html


def test_measured_report_shows_the_analytics_and_no_scores(
    client, candidate, django_assert_num_queries
):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)
    _page(client, interview)  # warms the cached billing snapshot in the navigation

    # session, user, interview, transcript turns, feedback, recording, live share links
    with django_assert_num_queries(7):
        response = _page(client, interview)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-role="analytics"' in html
    assert '<span class="badge">measured</span>' in html
    assert '<dd data-metric="words_per_minute">56.4</dd>' in html
    assert '<dd data-metric="fillers_per_minute">4.8</dd>' in html
    assert '<dd data-metric="talk_share">88%</dd>' in html
    assert '<dd data-metric="coverage">83%</dd>' in html  # 5 of 6 key phrases
    assert 'data-role="analytics-only"' in html
    assert "Limiting factor" not in html  # no scores without an assessment
    assert "What a strong answer contains:</strong> Split profit into revenue" in html
    assert '<svg class="chart" role="img"' in html
    assert "Print / Save as PDF" in html


def test_ai_report_names_the_limiting_factor(client, candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    _ai_feedback(interview)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert "Limiting factor: Synthesis" in html
    assert "3.33" in html
    assert "You missed:</strong> segment costs by customer or channel" in html
    assert "Score per dimension, 1 to 5" in html  # the dimension bars chart


def test_not_enough_is_explained_not_scored(client, candidate):
    interview = finished_case_interview(
        candidate, turns=[(1, "candidate", "Hi.", 0, 500, "speech")]
    )
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert 'data-role="not-enough"' in html
    assert "Not enough to assess" in html
    assert 'data-role="analytics"' not in html


def test_another_candidate_cannot_see_the_report_page(client, candidate, other_candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    _login(client, other_candidate)

    response = _page(client, interview)

    assert response.status_code == 403
    assert b"Split profit" not in response.content


def test_a_stuck_pending_report_stops_refreshing_and_says_so(client, candidate):
    interview = finished_case_interview(candidate)
    Interview.objects.filter(pk=interview.pk).update(
        ended_at=timezone.now() - timedelta(minutes=16)
    )
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert 'data-role="report-stalled"' in html
    assert 'http-equiv="refresh"' not in html


UNTRANSCRIBED = "[untranscribed speech, 12.0 seconds: the local engine has no transcriber]"


def test_untranscribed_speech_is_shown_as_such_not_as_no_answer(client, candidate):
    typed = (
        "Revenue fell because volume dropped in the north region while prices held; fixed "
        "costs stayed flat and variable costs rose slightly with the new supplier contract."
    )
    interview = finished_case_interview(
        candidate,
        turns=[
            (1, "candidate", UNTRANSCRIBED, 0, 12000, "speech"),
            (1, "candidate", typed, 13000, 0, "typed"),
            (2, "candidate", UNTRANSCRIBED, 20000, 9000, "speech"),
        ],
    )
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    page = _page(client, interview).content.decode()
    html = page.split('id="report"')[1].split('data-role="transcript"')[0]

    assert "untranscribed speech" not in html  # the report never shows the placeholder as words
    assert '<dd data-metric="untranscribed_time">21 s</dd>' in html
    assert '<dd data-metric="words_per_minute">n/a</dd>' in html
    assert html.count('data-role="untranscribed"') == 2  # one note per question
    assert "9 s of your speech here could not be transcribed" in html
    assert "No answer was recorded" not in html  # question 2 was spoken, just not transcribed


def test_not_enough_says_when_speech_was_heard_but_not_transcribed(client, candidate):
    interview = finished_case_interview(
        candidate, turns=[(1, "candidate", UNTRANSCRIBED, 0, 95000, "speech")]
    )
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert 'data-role="not-enough"' in html
    assert "You did speak for 1 min 35 s, but this server could not" in html


def test_job_report_charts_talk_time_per_answer(client, candidate):
    interview = finished_job_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert ">Your speaking time per answer, in seconds (measured)</title>" in html
    assert ">A1: 8 s; A2: 9 s</desc>" in html


TYPED = (
    "When I was at my last job, our team was losing customers every month. My task was to find "
    "out why. First, I analysed the churn data and interviewed ten customers. As a result, churn "
    "fell from 8% to 5% in a quarter."
)


def test_a_typed_interview_says_what_would_fill_the_talk_time_chart(client, candidate):
    interview = finished_job_interview(
        candidate,
        turns=[
            (1, "interviewer", "Tell me about a problem you solved.", 0, 3000, "speech"),
            (1, "candidate", TYPED, 5000, 0, "typed"),
        ],
    )
    interview.ended_at = interview.started_at + timedelta(seconds=50)
    interview.save(update_fields=["ended_at"])
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert '<dd data-metric="duration">50 s</dd>' in html  # not "0 minutes"
    assert '<span data-role="duration">50 s</span>' in html
    assert '<dd data-metric="talk_share">n/a</dd>' in html
    assert "typed answers are not talk time" in html
    assert '<dd data-metric="typed_words">43</dd>' in html  # 14 + 7 + 10 + 12
    # No speaking time at all: a clear "not enough data yet" instead of bars of "0 s"; the
    # words chart has data.
    assert "Speaking time per answer: not enough data yet." in html
    assert "per answer, in seconds" not in html
    assert ">A1: 43</desc>" in html


def test_each_answer_shows_its_measured_structure_signals(client, candidate):
    interview = finished_job_interview(
        candidate,
        turns=[
            (1, "interviewer", "Tell me.", 0, 1000, "speech"),
            (1, "candidate", TYPED, 2000, 0, "typed"),
        ],  # fmt: skip
    )
    feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    html = _page(client, interview).content.decode()

    assert 'data-role="signals"' in html
    assert '<li data-signal="star_result" data-present="true"' in html
    assert "<q>As a result, churn fell from 8% to 5% in a quarter.</q>" in html
    assert '<li data-signal="hedging" data-present="false" class="signal signal-good">' in html
    assert '<li data-signal="answer_first" data-present="false" class="signal signal-work">' in html


def test_the_report_shows_the_job_it_was_for_and_the_case_example(client, candidate):
    job = finished_job_interview(candidate)
    case = finished_case_interview(candidate)
    for interview in (job, case):
        feedback_generate(interview_id=interview.pk)
    _login(client, candidate)

    job_html = _page(client, job).content.decode()
    case_html = _page(client, case).content.decode()

    assert '<span data-role="setup-job-title">Product manager</span>' in job_html
    assert "Own the roadmap for a B2B analytics product." in job_html
    assert 'data-role="example-answer"' not in job_html  # no key, no case: nothing invented
    assert "Our client makes widgets and its profits fell last year." in case_html
    assert case_html.count('data-role="example-answer"') == 2
    assert '<span class="badge">example</span>' in case_html
