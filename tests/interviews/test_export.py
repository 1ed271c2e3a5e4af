"""GET /api/v1/interviews/{id}/export?format=md|txt: the transcript and report as a download."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from interviews import feedback
from interviews.feedback import feedback_generate
from interviews.models import Feedback
from tests.factories import PASSWORD, api_as, finished_case_interview, finished_job_interview


def _url(interview, fmt: str | None = "md") -> str:
    query = f"?format={fmt}" if fmt else ""
    return f"/api/v1/interviews/{interview.pk}/export{query}"


def _reported_job(owner):
    interview = finished_job_interview(owner)
    interview.ended_at = interview.started_at + timedelta(seconds=50)
    interview.save(update_fields=["ended_at"])
    feedback_generate(interview_id=interview.pk)
    return interview


def test_markdown_export_has_setup_report_and_transcript(candidate, django_assert_num_queries):
    interview = _reported_job(candidate)
    client = api_as(candidate)

    with django_assert_num_queries(3):  # the interview, its feedback, its transcript
        response = client.get(_url(interview, "md"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="vocahire-product-manager-{interview.ended_at.date()}.md"'
    )
    text = response.content.decode()
    assert text.startswith("# Product manager\n\nJob interview · in English · ")
    assert "length 50 s" in text
    assert "## The role\n\nJob title: Product manager" in text
    assert "> Own the roadmap for a B2B analytics product." in text
    assert "### Delivery (measured)" in text
    assert "- Your speaking time: 17 s" in text  # 8 s + 9 s
    assert "- Share of talk time that was you: 74%" in text  # 17 / (17 + 6)
    assert "### Answer 1" in text and "### Answer 2" in text
    assert "- STAR: situation (measured): yes — “I was the product manager" in text
    assert "## Transcript" in text
    assert "Interviewer [0 s]: Tell me about your last role." in text
    assert text.index("## Report") < text.index("## Transcript")


def test_plain_text_export_has_no_markdown(candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)

    response = api_as(candidate).get(_url(interview, "txt"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].endswith('.txt"')
    text = response.content.decode()
    assert text.startswith("Widget profits\n==============\n")
    assert "Transcript\n----------" in text
    assert "QUESTION 2" in text
    assert "You (typed) [1 min 10 s]: Check: 5000 times 20 is 100000." in text
    assert "## " not in text


def test_a_candidates_leading_markdown_stays_text(candidate):
    interview = finished_job_interview(
        candidate,
        turns=[(1, "candidate", "# Title\n- not a list\n1. nor this", 0, 0, "typed")],
    )
    text = api_as(candidate).get(_url(interview)).content.decode()
    assert "You (typed) [0 s]: # Title\n\\- not a list\n\\1. nor this\n" in text


def test_bad_format_is_400_with_our_error_shape(candidate):
    interview = finished_case_interview(candidate)
    response = api_as(candidate).get(_url(interview, "pdf"))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Choose format=md (Markdown) or format=txt (plain text).",
        "code": "invalid_format",
    }


def test_default_format_is_markdown(candidate):
    interview = finished_case_interview(candidate)
    response = api_as(candidate).get(_url(interview, None))
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert "There is no report yet." not in response.content.decode()


def test_only_the_owner_or_staff_may_export(candidate, other_candidate, staff):
    interview = finished_case_interview(candidate)
    assert api_as(other_candidate).get(_url(interview)).json()["code"] == "forbidden"
    assert api_as(staff).get(_url(interview)).status_code == 200


def test_the_report_page_links_the_downloads_with_the_session(client, candidate):
    interview = _reported_job(candidate)
    assert client.login(email=candidate.email, password=PASSWORD)

    html = client.get(f"/interviews/{interview.pk}/").content.decode()
    download = client.get(_url(interview, "txt"))

    assert f'href="/api/v1/interviews/{interview.pk}/export?format=md"' in html
    assert f'href="/api/v1/interviews/{interview.pk}/export?format=txt"' in html
    assert html.index('data-action="print"') < html.index('data-action="export-md"')
    assert download.status_code == 200


def test_a_scored_report_exports_its_scores(candidate):
    interview = finished_case_interview(candidate)
    feedback_generate(interview_id=interview.pk)
    recorded = Path(__file__).resolve().parent.parent / "data" / "openai"
    body = json.loads((recorded / "responses_case_feedback.json").read_text())
    answer = json.loads(body["output"][1]["content"][0]["text"])
    Feedback.objects.filter(interview=interview).update(
        assessment=feedback.assessment_summarise(kind="case", assessment=answer)
    )

    text = api_as(candidate).get(_url(interview)).content.decode()

    assert "Average score: 3.33 / 5" in text  # (4 + 5 + 3 + 3 + 2 + 3) / 6
    assert "Limiting factor: Synthesis (2/5)." in text
    assert "- Numeracy: 5/5. Break-even of 5000 units from 100000 / 20, checked back." in text
    assert "### Question 1 · " in text
