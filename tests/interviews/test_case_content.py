"""Case content (DESIGN section 10): the shipped library, its migration, and the validators shared
by the admin (model clean) and the case library file (import_cases / export_cases)."""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from interviews.case_content import interviewer_facts
from interviews.case_library import (
    BUNDLED_CASES_PATH,
    CaseLibraryError,
    cases_export,
    cases_import,
    cases_load,
)
from interviews.models import Case, CaseQuestion

BUNDLED = json.loads(BUNDLED_CASES_PATH.read_text(encoding="utf-8"))
QUESTIONS = [(c, q) for c in BUNDLED["cases"] for q in c["questions"]]
MIGRATION = importlib.import_module("interviews.migrations.0005_shipped_cases_content")
HIDDEN_MARKERS = ("share only when asked", "data to share", "some facts if useful")


def _facts_in(text: str, facts: list[str]) -> list[str]:
    lowered = text.lower()
    return [fact for fact in facts if fact.lower() in lowered]


# --- The shipped library --------------------------------------------------------------------------


def test_no_shipped_prompt_contains_interviewer_data() -> None:
    for case, question in QUESTIONS:
        facts = interviewer_facts(question["interviewer_data"])
        where = f"{case['slug']} Q{question['number']}"
        assert not _facts_in(question["prompt"], facts), where
        assert not any(marker in question["prompt"].lower() for marker in HIDDEN_MARKERS), where


def test_every_candidate_led_case_keeps_data_back_for_the_candidate_to_ask_for() -> None:
    led = [c for c in BUNDLED["cases"] if c["lead_type"] == "candidate_led"]

    assert len(led) == 6
    for case in led:
        assert any(q["interviewer_data"] for q in case["questions"]), case["slug"]
    hidden = sum(1 for _, q in QUESTIONS if q["interviewer_data"])
    assert hidden >= 13


def test_every_exhibit_question_has_a_table_and_every_math_question_an_expected_answer() -> None:
    for case, question in QUESTIONS:
        where = f"{case['slug']} Q{question['number']}"
        if question["kind"] == "exhibit":
            assert question["exhibit"]["rows"], where
            # The table replaced the run-on sentence of numbers in the prompt.
            assert len([ch for ch in question["prompt"] if ch.isdigit()]) < 8, where
        if question["kind"] == "math":
            expected = question["expected"]
            assert expected["value"] and 0 < expected["tolerance"] < 0.25, where
            assert len(expected["common_errors"]) >= 2, where
        assert question["hints"], where


def test_the_library_has_a_free_sample_case() -> None:
    assert [c["slug"] for c in BUNDLED["cases"] if c["free"]] == ["bakery-bread-waste"]


# --- The migration of databases that hold the first library --------------------------------------


def _old_library_into_db() -> None:
    shipped = json.loads(MIGRATION.SHIPPED.read_text(encoding="utf-8"))
    for entry in BUNDLED["cases"]:
        old = shipped[entry["slug"]]
        fields = {k: entry[k] for k in ("title", "case_type", "lead_type", "difficulty")}
        case = Case.objects.create(
            slug=entry["slug"],
            brief=old["before_brief"],
            industry=entry["industry"],
            summary=entry["summary"],
            estimated_minutes=entry["estimated_minutes"],
            published=True,
            **fields,
        )
        for question, new in zip(entry["questions"], old["questions"], strict=True):
            CaseQuestion.objects.create(
                case=case,
                number=question["number"],
                kind=question["kind"],
                prompt=new["before_prompt"],
                evaluator_context=question["evaluator_context"],
            )


@pytest.mark.django_db
def test_the_migration_moves_the_shipped_cases_to_the_new_content() -> None:
    _old_library_into_db()
    assert CaseQuestion.objects.filter(prompt__icontains="share only when asked").count() == 13

    MIGRATION.forwards(apps, None)

    assert not CaseQuestion.objects.filter(prompt__icontains="share only when asked").exists()
    exported = {c["slug"]: c for c in cases_export()["cases"]}
    for entry in BUNDLED["cases"]:
        assert exported[entry["slug"]]["questions"] == entry["questions"], entry["slug"]
        assert exported[entry["slug"]]["free"] == entry["free"]
    assert set(Case.objects.values_list("version", flat=True)) == {2}


@pytest.mark.django_db
def test_the_migration_moves_hidden_data_out_of_any_case_staff_wrote() -> None:
    case = Case.objects.create(
        slug="own", title="Own", case_type="pricing", lead_type="candidate_led",
        difficulty="easy", industry="Retail", summary="S.", brief="B.",
    )  # fmt: skip
    question = CaseQuestion.objects.create(
        case=case,
        number=1,
        kind="clarifying",
        prompt="What do you want to know? Data to share only when asked: 12 shops; margin 8%.",
        evaluator_context="Asks for shops and margin.",
    )

    MIGRATION.forwards(apps, None)

    question.refresh_from_db()
    assert question.prompt == "What do you want to know?"
    assert question.interviewer_data == "12 shops\nMargin 8%"


# --- Validation: the admin's clean() and the file -------------------------------------------------

GOOD_EXHIBIT = {"title": "Costs", "columns": ["Line", "2024"], "rows": [["Staff", 14]], "note": "", "chart": "bar"}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("exhibit", {**GOOD_EXHIBIT, "rows": [["Staff"]]}, "rows[1]: has 1 cells but there are 2 columns"),
        ("exhibit", {**GOOD_EXHIBIT, "chart": "pie"}, "chart: must be bar, line or null (got 'pie')"),
        ("exhibit", {**GOOD_EXHIBIT, "rows": [["Staff", "a lot"]]}, "a chart needs numbers in every column after the first"),
        ("exhibit", {**GOOD_EXHIBIT, "colour": "red"}, "colour: is not a known field"),
        ("exhibit", "Costs: 12, 14", "must be an object with title, columns, rows, note and chart"),
        ("expected", {"value": "1.3M", "unit": "EUR", "tolerance": 0.05}, "value: must be a number (got '1.3M')"),
        ("expected", {"value": 1.3, "unit": "EUR", "tolerance": 5}, "tolerance: must be a fraction from 0 to below 1"),
        ("expected", {"value": 1.3, "tolerance": 0.1, "common_errors": [{"value": 2}]}, "common_errors[1]: must be an object with exactly value and diagnosis"),
        ("hints", ["Look at costs.", ""], "[2]: must be non-empty text"),
    ],
)  # fmt: skip
def test_bad_content_is_rejected_precisely_in_the_file_and_the_admin(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    case = copy.deepcopy(BUNDLED["cases"][0])
    case["questions"][1][field] = value
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"format": 2, "cases": [case]}), encoding="utf-8")

    with pytest.raises(CaseLibraryError) as info:
        cases_load(path=path)
    problems = [str(p) for p in info.value.problems]
    assert len(problems) == 1, problems
    assert f'case "{case["slug"]}" (#1): field questions[2].{field}: ' in problems[0]
    assert message in problems[0]

    question = CaseQuestion(number=2, kind="exhibit", prompt="P", evaluator_context="E")
    setattr(question, field, value)
    with pytest.raises(ValidationError) as error:
        question.clean()
    assert any(message in m for m in error.value.message_dict[field])


@pytest.mark.django_db
def test_import_export_round_trips_the_new_fields_and_a_format_1_file_still_imports(
    tmp_path: Path,
) -> None:
    old = {k: v for k, v in BUNDLED["cases"][1].items() if k not in ("brief", "free")}
    old["prompt"] = BUNDLED["cases"][1]["brief"]
    old["questions"] = [
        {k: q[k] for k in ("number", "kind", "prompt", "evaluator_context")}
        for q in old["questions"]
    ]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps({"format": 1, "cases": [old]}), encoding="utf-8")
    cases_import(path=path)
    assert Case.objects.get().brief == BUNDLED["cases"][1]["brief"]
    assert CaseQuestion.objects.filter(hints=[]).count() == 4

    report = cases_import(path=BUNDLED_CASES_PATH)

    assert (len(report.created), report.updated) == (11, [BUNDLED["cases"][1]["slug"]])
    exported = cases_export()
    assert exported["format"] == 2
    assert {c["slug"]: c for c in exported["cases"]} == {c["slug"]: c for c in BUNDLED["cases"]}
    assert (
        str(cases_import(path=BUNDLED_CASES_PATH)) == "12 cases: 0 created, 0 updated, 12 unchanged"
    )
