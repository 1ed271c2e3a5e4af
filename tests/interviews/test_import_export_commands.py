"""The import_cases and export_cases commands, and seed_demo loading the bundled library."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from interviews.case_library import BUNDLED_CASES_PATH
from interviews.models import Case

pytestmark = pytest.mark.django_db

BUNDLED = json.loads(BUNDLED_CASES_PATH.read_text(encoding="utf-8"))
COUNT = len(BUNDLED["cases"])


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_cases_loads_the_file_and_reports_counts() -> None:
    output = _run("import_cases", str(BUNDLED_CASES_PATH))

    assert f"Imported {COUNT} cases: {COUNT} created, 0 updated, 0 unchanged." in output
    assert Case.objects.published().count() == COUNT


def test_import_cases_again_reports_everything_unchanged() -> None:
    _run("import_cases", str(BUNDLED_CASES_PATH))

    output = _run("import_cases", str(BUNDLED_CASES_PATH))

    assert f"0 created, 0 updated, {COUNT} unchanged" in output


def test_import_cases_rejects_a_broken_file_precisely_and_changes_nothing(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BUNDLED))
    data["cases"][0]["title"] = "Changed but never saved"
    data["cases"][1]["questions"][0]["kind"] = "guess"
    data["cases"][2]["estimated_minutes"] = 0
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as info:
        _run("import_cases", str(path))

    message = str(info.value)
    assert message.startswith("Nothing was imported: 2 problems found.")
    second, third = data["cases"][1]["slug"], data["cases"][2]["slug"]
    assert f'{path}: case "{second}" (#2): field questions[1].kind: must be one of' in message
    assert f'{path}: case "{third}" (#3): field estimated_minutes: must be' in message
    assert Case.objects.count() == 0


def test_import_cases_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="field \\(file\\): cannot be read"):
        _run("import_cases", str(tmp_path / "nope.json"))


def test_export_cases_to_stdout_is_the_import_format() -> None:
    _run("import_cases", str(BUNDLED_CASES_PATH))

    exported = json.loads(_run("export_cases"))

    assert exported["format"] == 2
    assert {case["slug"]: case for case in exported["cases"]} == {
        case["slug"]: case for case in BUNDLED["cases"]
    }


def test_export_cases_to_a_file_round_trips_through_import(tmp_path: Path) -> None:
    _run("import_cases", str(BUNDLED_CASES_PATH))
    Case.objects.filter(slug=BUNDLED["cases"][0]["slug"]).update(published=False)
    path = tmp_path / "out.json"

    _run("export_cases", str(path), "--published-only")

    exported = json.loads(path.read_text(encoding="utf-8"))
    assert len(exported["cases"]) == COUNT - 1
    Case.objects.all().delete()
    assert f"{COUNT - 1} created" in _run("import_cases", str(path))
    assert Case.objects.count() == COUNT - 1


def test_seed_demo_loads_the_case_library() -> None:
    output = _run("seed_demo")

    assert f"Case library: {COUNT} cases: {COUNT} created" in output
    assert Case.objects.published().count() == COUNT
    assert f"{COUNT} unchanged" in _run("seed_demo")
