"""The case library file: the bundled content, validation, all-or-nothing import, export, snapshot."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from interviews.case_library import (
    BUNDLED_CASES_PATH,
    CaseLibraryError,
    case_snapshot,
    cases_export,
    cases_import,
    cases_load,
)
from interviews.models import Case, CaseQuestion

BUNDLED = json.loads(BUNDLED_CASES_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: object, name: str = "cases.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _library(*cases: dict) -> dict:
    return {"format": 2, "cases": [copy.deepcopy(case) for case in cases]}


def _problems(path: Path) -> list[str]:
    with pytest.raises(CaseLibraryError) as info:
        cases_load(path=path)
    return [str(problem) for problem in info.value.problems]


FIRST, SECOND = BUNDLED["cases"][0], BUNDLED["cases"][1]


# --- The bundled library --------------------------------------------------------------------------


def test_bundled_library_is_valid_and_covers_every_type_lead_and_difficulty() -> None:
    cases = cases_load(path=BUNDLED_CASES_PATH)

    assert len(cases) >= 10
    assert {c["case_type"] for c in cases} == set(Case.CaseType.values)
    assert {c["lead_type"] for c in cases} == set(Case.LeadType.values)
    assert {c["difficulty"] for c in cases} == set(Case.Difficulty.values)
    assert len({c["industry"] for c in cases}) >= 8
    assert all(c["published"] for c in cases)


def test_bundled_cases_have_four_questions_with_real_evaluator_context() -> None:
    for case in BUNDLED["cases"]:
        questions = case["questions"]
        assert [q["number"] for q in questions] == [1, 2, 3, 4], case["slug"]
        assert questions[-1]["kind"] == "synthesis", case["slug"]
        for question in questions:
            # A sentence or two is not enough to judge an answer: expect structure and pitfalls.
            assert len(question["evaluator_context"]) >= 400, (case["slug"], question["number"])
            assert "Pitfalls" in question["evaluator_context"], (case["slug"], question["number"])


def test_bundled_math_questions_carry_a_worked_answer() -> None:
    math = [q for c in BUNDLED["cases"] for q in c["questions"] if q["kind"] == "math"]

    assert len(math) >= 7
    for question in math:
        assert "=" in question["evaluator_context"]
        # The figures are in the question, or with the interviewer until the candidate asks.
        given = question["prompt"] + question["interviewer_data"] + json.dumps(question["exhibit"])
        assert any(ch.isdigit() for ch in given)
        assert question["expected"]["common_errors"], question["prompt"]


# --- Validation -----------------------------------------------------------------------------------


def test_validation_names_the_file_case_and_field_of_every_problem(tmp_path: Path) -> None:
    broken = copy.deepcopy(SECOND)
    broken["difficulty"] = "impossible"
    del broken["summary"]
    broken["questions"][2]["kind"] = "riddle"
    broken["questions"][3]["number"] = 7
    path = _write(tmp_path, _library(FIRST, broken), "broken.json")

    problems = _problems(path)

    where = f'{path}: case "{SECOND["slug"]}" (#2): field'
    assert problems == [
        f"{where} difficulty: must be one of easy, medium, hard (got 'impossible')",
        f"{where} summary: is missing",
        f"{where} questions[3].kind: must be one of clarifying, framework, math, exhibit, "
        "brainstorm, synthesis (got 'riddle')",
        f"{where} questions[4].number: must be 4 (questions are numbered 1..N in order)",
    ]


def test_validation_reports_a_case_without_slug_by_position(tmp_path: Path) -> None:
    nameless = copy.deepcopy(FIRST)
    del nameless["slug"]
    nameless["extra"] = 1
    path = _write(tmp_path, _library(SECOND, nameless))

    problems = _problems(path)

    assert f"{path}: case #2: field extra: is not a known field" in problems
    assert f"{path}: case #2: field slug: is missing" in problems


def test_validation_rejects_duplicate_slugs_and_bad_types(tmp_path: Path) -> None:
    twin = copy.deepcopy(FIRST)
    twin["estimated_minutes"] = "25"
    twin["published"] = "yes"
    twin["questions"][0]["evaluator_context"] = "   "
    path = _write(tmp_path, _library(FIRST, twin))

    problems = _problems(path)

    where = f'{path}: case "{FIRST["slug"]}" (#2): field'
    assert f"{where} slug: is used by an earlier case" in problems
    assert (
        f"{where} estimated_minutes: must be a whole number of minutes from 5 to 180 (got '25')"
        in problems
    )
    assert f"{where} published: must be true or false" in problems
    assert f"{where} questions[1].evaluator_context: must be non-empty text" in problems


def test_validation_rejects_a_slug_that_cannot_be_a_url(tmp_path: Path) -> None:
    spaced = {**copy.deepcopy(FIRST), "slug": "two words"}
    path = _write(tmp_path, _library(spaced))

    assert _problems(path) == [
        f'{path}: case "two words" (#1): field slug: must be a slug: letters, digits, hyphens '
        "and underscores only"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "field (file): is not valid JSON"),
        ("[]", "field (file): must be a JSON object"),
        ('{"format": 3, "cases": []}', "field format: must be 2 (got 3)"),
    ],
)
def test_validation_rejects_malformed_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")

    problems = _problems(path)

    assert any(message in problem for problem in problems), problems


# --- Import ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_cases_with_numbered_questions() -> None:
    report = cases_import(path=BUNDLED_CASES_PATH)

    assert len(report.created) == len(BUNDLED["cases"]) and not report.updated
    case = Case.objects.get(slug=FIRST["slug"])
    assert (case.title, case.version, case.published) == (FIRST["title"], 1, True)
    assert list(case.questions.values_list("number", "kind")) == [
        (q["number"], q["kind"]) for q in FIRST["questions"]
    ]
    assert CaseQuestion.objects.count() == 4 * len(BUNDLED["cases"])


@pytest.mark.django_db
def test_reimport_of_the_same_file_changes_nothing() -> None:
    cases_import(path=BUNDLED_CASES_PATH)
    question_ids = set(CaseQuestion.objects.values_list("pk", flat=True))

    report = cases_import(path=BUNDLED_CASES_PATH)

    assert len(report.unchanged) == len(BUNDLED["cases"]) and not report.created
    assert set(Case.objects.values_list("version", flat=True)) == {1}
    assert set(CaseQuestion.objects.values_list("pk", flat=True)) == question_ids


@pytest.mark.django_db
def test_reimport_with_changed_content_bumps_version_and_replaces_questions(tmp_path: Path) -> None:
    cases_import(path=_write(tmp_path, _library(FIRST, SECOND), "v1.json"))
    edited = copy.deepcopy(FIRST)
    edited["summary"] = "A new summary."
    edited["questions"] = edited["questions"][:3]
    edited["questions"][1]["prompt"] = "A reworded question?"

    report = cases_import(path=_write(tmp_path, _library(edited, SECOND), "v2.json"))

    assert (report.updated, report.unchanged) == ([FIRST["slug"]], [SECOND["slug"]])
    case = Case.objects.get(slug=FIRST["slug"])
    assert (case.summary, case.version) == ("A new summary.", 2)
    assert list(case.questions.values_list("number", "prompt"))[1] == (2, "A reworded question?")
    assert case.questions.count() == 3
    assert Case.objects.get(slug=SECOND["slug"]).version == 1


@pytest.mark.django_db
def test_reimport_that_only_unpublishes_keeps_the_version(tmp_path: Path) -> None:
    cases_import(path=_write(tmp_path, _library(FIRST)))
    hidden = {**copy.deepcopy(FIRST), "published": False}

    report = cases_import(path=_write(tmp_path, _library(hidden), "hidden.json"))

    case = Case.objects.get(slug=FIRST["slug"])
    assert report.updated == [FIRST["slug"]]
    assert (case.published, case.version) == (False, 1)


@pytest.mark.django_db
def test_import_with_a_broken_second_case_changes_nothing(tmp_path: Path) -> None:
    cases_import(path=_write(tmp_path, _library(FIRST), "v1.json"))
    edited = {**copy.deepcopy(FIRST), "title": "Edited title"}
    broken = {**copy.deepcopy(SECOND), "lead_type": "nobody_led"}

    with pytest.raises(CaseLibraryError) as info:
        cases_import(path=_write(tmp_path, _library(edited, broken), "v2.json"))

    assert [(p.case, p.field) for p in info.value.problems] == [
        (f'"{SECOND["slug"]}" (#2)', "lead_type")
    ]
    case = Case.objects.get()
    assert (case.slug, case.title, case.version) == (FIRST["slug"], FIRST["title"], 1)
    assert case.questions.count() == 4


# --- Export and snapshot --------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_round_trips_the_bundled_library(tmp_path: Path) -> None:
    cases_import(path=BUNDLED_CASES_PATH)

    exported = cases_export()

    by_slug = {case["slug"]: case for case in BUNDLED["cases"]}
    assert exported["format"] == 2
    assert [case["slug"] for case in exported["cases"]] == sorted(by_slug)
    assert {case["slug"]: case for case in exported["cases"]} == by_slug
    Case.objects.all().delete()
    cases_import(path=_write(tmp_path, exported, "exported.json"))
    assert cases_export() == exported


@pytest.mark.django_db
def test_export_published_only_leaves_out_drafts(tmp_path: Path) -> None:
    draft = {**copy.deepcopy(SECOND), "published": False}
    cases_import(path=_write(tmp_path, _library(FIRST, draft)))

    assert [c["slug"] for c in cases_export(published_only=True)["cases"]] == [FIRST["slug"]]


@pytest.mark.django_db
def test_case_snapshot_has_the_agreed_shape(tmp_path: Path) -> None:
    cases_import(path=_write(tmp_path, _library(SECOND)))
    case = Case.objects.get()

    snapshot = case_snapshot(case)

    assert list(snapshot) == [
        "title", "slug", "version", "case_type", "case_type_label", "lead_type",
        "lead_type_label", "difficulty", "industry", "summary", "brief", "free", "estimated_minutes",
        "questions",
    ]  # fmt: skip
    assert snapshot["case_type_label"] == "Market entry"
    assert snapshot["lead_type_label"] == "Candidate-led"
    assert snapshot["questions"] == SECOND["questions"]
    json.dumps(snapshot)  # stored in a JSONField
