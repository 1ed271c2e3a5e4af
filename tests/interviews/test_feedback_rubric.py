"""Each assessment keeps the rubric it was graded with; reports render from that stored copy."""

from __future__ import annotations

import importlib

from interviews import rubric
from interviews.feedback import assessment_summarise, feedback_generate
from interviews.models import Feedback
from tests.factories import PASSWORD, api_as, finished_case_interview


def _scores(**scores: int) -> dict:
    dims = {key: 3 for key in rubric.CASE_DIMENSIONS} | scores
    answer = {
        "summary": "s",
        "dimensions": {k: {"score": v, "evidence": "e"} for k, v in dims.items()},
        "questions": [],
        "strengths": [],
        "improvements": [],
    }
    return assessment_summarise(kind="case", assessment=answer)


def _graded_case(owner):
    interview = finished_case_interview(owner)
    feedback_generate(interview_id=interview.pk)
    Feedback.objects.filter(interview=interview).update(assessment=_scores(numeracy=2))
    return interview


def _add_a_dimension(monkeypatch) -> None:
    """The rubric in code gains a dimension (and a version) after the report was graded."""
    added = dict(rubric.CASE_DIMENSIONS)
    added["presence"] = ("Executive presence", {1: "Timid.", 3: "Steady.", 5: "Commanding."})
    monkeypatch.setattr(rubric, "CASE_DIMENSIONS", added)
    monkeypatch.setitem(rubric.RUBRIC_VERSIONS, "case", 2)


def test_the_rubric_is_stored_with_the_assessment():
    stored = _scores()["rubric"]

    assert stored["version"] == 1
    assert [d["key"] for d in stored["dimensions"]] == [
        "structuring", "numeracy", "judgement", "creativity", "synthesis", "communication",
    ]  # fmt: skip
    assert stored["dimensions"][1] == {
        "key": "numeracy",
        "label": "Numeracy",
        "anchors": {
            "1": "Calculations missing or wrong, no sanity checks.",
            "3": "Correct maths with some prompting or slips corrected.",
            "5": "Fast, correct maths with stated assumptions and sanity checks.",
        },
    }


def test_an_old_report_reads_after_a_dimension_is_added(client, candidate, monkeypatch):
    interview = _graded_case(candidate)
    _add_a_dimension(monkeypatch)
    assert client.login(email=candidate.email, password=PASSWORD)

    page = client.get(f"/interviews/{interview.pk}/")
    api = api_as(candidate).get(f"/api/v1/interviews/{interview.pk}/feedback")
    progress = client.get("/progress/")

    assert (page.status_code, api.status_code, progress.status_code) == (200, 200, 200)
    html = page.content.decode()
    assert "Limiting factor: Numeracy" in html
    assert "Executive presence" not in html
    body = api.json()
    assert body["rubric"]["version"] == 1
    assert [d["key"] for d in body["assessment"]["dimensions"]][-1] == "communication"
    assert "limiting factor in case interviews lately: Numeracy" in progress.content.decode()


def test_a_new_report_is_graded_and_shown_with_the_new_rubric(candidate, monkeypatch):
    _add_a_dimension(monkeypatch)
    answer = {
        "summary": "s",
        "dimensions": {k: {"score": 4, "evidence": "e"} for k in rubric.CASE_DIMENSIONS},
        "questions": [],
        "strengths": [],
        "improvements": [],
    }
    answer["dimensions"]["presence"]["score"] = 1
    interview = finished_case_interview(candidate, feedback_status="ready")
    Feedback.objects.create(
        interview=interview, assessment=assessment_summarise(kind="case", assessment=answer)
    )

    body = api_as(candidate).get(f"/api/v1/interviews/{interview.pk}/feedback").json()

    assert body["rubric"]["version"] == 2
    assert body["assessment"]["weakest_dimension"]["label"] == "Executive presence"


def test_the_data_migration_stores_version_1_with_reports_graded_before(candidate):
    interview = _graded_case(candidate)
    old = {k: v for k, v in _scores().items() if k != "rubric"}
    Feedback.objects.filter(interview=interview).update(assessment=old)
    migration = importlib.import_module("interviews.migrations.0003_feedback_rubric_snapshot")
    from django.apps import apps

    migration.forwards(apps, None)

    stored = Feedback.objects.get(interview=interview).assessment["rubric"]
    assert stored == rubric.rubric_snapshot("case")
