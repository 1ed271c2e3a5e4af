"""The case admin: list with publish toggle, actions, inline questions and the instructions preview."""

from __future__ import annotations

import pytest

from accounts.models import User
from interviews.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root@example.com", "pw-for-admin-tests"))
    return client


def test_change_page_previews_the_instructions_for_every_question(admin_client) -> None:
    case = make_case("bakery", title="Bakery waste", questions=3)

    response = admin_client.get(f"/admin/interviews/case/{case.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2, 3):
        assert f"<h4>Question {number} of 3</h4>" in html
        assert f"CURRENT QUESTION ({number} of 3):" in html
    assert html.count("You are an expert case interview assistant") == 3
    assert 'name="questions-0-evaluator_context"' in html  # the inline questions


def test_add_page_explains_the_preview_needs_a_saved_case(admin_client) -> None:
    response = admin_client.get("/admin/interviews/case/add/")

    assert response.status_code == 200
    assert "Save the case with its questions to see a preview." in response.content.decode()


def test_changelist_has_the_publish_toggle_and_question_counts(admin_client) -> None:
    make_case("bakery", questions=3)

    html = admin_client.get("/admin/interviews/case/").content.decode()

    assert 'name="form-0-published"' in html
    assert '<td class="field-question_count">3</td>' in html


def test_publish_and_unpublish_actions(admin_client) -> None:
    draft = make_case("draft", published=False)
    live = make_case("live")
    url = "/admin/interviews/case/"

    admin_client.post(url, {"action": "publish", "_selected_action": [draft.pk, live.pk]})
    assert set(Case.objects.values_list("published", flat=True)) == {True}

    response = admin_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    assert list(Case.objects.published().values_list("slug", flat=True)) == ["live"]


def _change_form(case: Case, **overrides: object) -> dict:
    questions = list(case.questions.all())
    data = {
        "title": case.title,
        "slug": case.slug,
        "published": "on" if case.published else "",
        "summary": case.summary,
        "brief": case.brief,
        "case_type": case.case_type,
        "lead_type": case.lead_type,
        "difficulty": case.difficulty,
        "industry": case.industry,
        "estimated_minutes": case.estimated_minutes,
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for index, question in enumerate(questions):
        prefix = f"questions-{index}-"
        data.update(
            {
                f"{prefix}id": question.pk,
                f"{prefix}case": case.pk,
                f"{prefix}number": question.number,
                f"{prefix}kind": question.kind,
                f"{prefix}prompt": question.prompt,
                f"{prefix}evaluator_context": question.evaluator_context,
            }
        )
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.parametrize(
    ("overrides", "version"),
    [
        ({}, 1),
        ({"published": ""}, 1),
        ({"summary": "A sharper summary."}, 2),
        ({"questions-1-evaluator_context": "A better rubric."}, 2),
    ],
)
def test_saving_in_admin_bumps_the_version_only_when_content_changed(
    admin_client, overrides: dict, version: int
) -> None:
    case = make_case("bakery", questions=2)
    url = f"/admin/interviews/case/{case.pk}/change/"

    response = admin_client.post(url, _change_form(case, **overrides))

    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.version == version


def test_preview_sets_what_the_candidate_sees_beside_what_the_interviewer_is_told(
    admin_client,
) -> None:
    case = make_case("bakery", title="Bakery waste", questions=2, lead_type="candidate_led")
    case.questions.filter(number=1).update(
        interviewer_data="Each shop bakes 600 loaves",
        hints=["Ask about volumes."],
        exhibit={"title": "Loaves", "columns": ["Shop", "Baked"], "rows": [["A", 600]], "note": "", "chart": None},
    )  # fmt: skip

    html = admin_client.get(f"/admin/interviews/case/{case.pk}/change/").content.decode()

    candidate, interviewer = html.split('data-role="candidate-preview"')[1].split(
        'data-role="interviewer-preview"', 1
    )
    assert "Case brief:</strong> Context of bakery." in candidate
    assert '<th scope="col">Baked</th>' in candidate and "1 hint, one at a time" in candidate
    assert "Each shop bakes 600 loaves" not in candidate
    assert "- Each shop bakes 600 loaves" in interviewer and "1. Ask about volumes." in interviewer


def test_saving_a_bad_exhibit_in_admin_names_the_problem(admin_client) -> None:
    case = make_case("bakery", questions=2)
    url = f"/admin/interviews/case/{case.pk}/change/"
    bad = '{"title": "T", "columns": ["A", "B"], "rows": [["x"]], "note": "", "chart": null}'

    response = admin_client.post(url, _change_form(case, **{"questions-0-exhibit": bad}))

    assert response.status_code == 200
    assert "rows[1]: has 1 cells but there are 2 columns" in response.content.decode()
    assert case.questions.get(number=1).exhibit is None
