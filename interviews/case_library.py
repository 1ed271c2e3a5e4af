"""The case library as a file: validation, import, export, and the snapshot taken at start.

File format (version 2; version 1 files, whose brief was called "prompt", still import):
{"format": 2, "cases": [{"slug", "title", "case_type", "lead_type", "difficulty", "industry",
  "summary", "brief", "estimated_minutes", "published", "free"?,
  "questions": [{"number", "kind", "prompt", "evaluator_context", "interviewer_data"?,
                 "exhibit"?, "expected"?, "hints"?}]}]}
Fields marked ? are optional: free false, interviewer_data "", exhibit null, expected null, hints [].
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, F, QuerySet

from interviews import case_content
from interviews.models import Case, CaseQuestion

FORMAT_VERSION = 2
FORMATS_READ = (1, 2)
BUNDLED_CASES_PATH = Path(__file__).resolve().parent / "data" / "cases.json"

# What the library tells about a case before it is started (pages and the public API): an
# allow-list, so the prompt, the questions and their evaluator context are never listed by default.
CASE_FACTS = (
    "title",
    "case_type",
    "lead_type",
    "difficulty",
    "industry",
    "summary",
    "estimated_minutes",
)
# Fields whose change makes a new version of a case; `published` and `free` are switches.
CONTENT_FIELDS = (*CASE_FACTS, "brief")
CASE_SWITCHES = {"published": None, "free": False}  # name: default (None: required)
CASE_FIELDS = ("slug", *CONTENT_FIELDS, *CASE_SWITCHES, "questions")
QUESTION_REQUIRED = ("number", "kind", "prompt", "evaluator_context")
QUESTION_OPTIONAL = {"interviewer_data": "", "exhibit": None, "expected": None, "hints": []}
QUESTION_FIELDS = (*QUESTION_REQUIRED, *QUESTION_OPTIONAL)
MAX_QUESTIONS = 12
# The same rule as the admin's SlugField, so anything staff create can be exported and re-imported.
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
_TEXT_LIMITS = {"title": 200, "industry": 100, "summary": 500, "brief": 20000}
_CHOICES = {
    "case_type": Case.CaseType.values,
    "lead_type": Case.LeadType.values,
    "difficulty": Case.Difficulty.values,
}


@dataclass(frozen=True)
class CaseProblem:
    """One thing wrong in a case file, located by file, case and field."""

    file: str
    case: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: case {self.case}: field {self.field}: {self.message}"


class CaseLibraryError(Exception):
    """The file is not a valid case library; nothing was changed."""

    def __init__(self, problems: list[CaseProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def __str__(self) -> str:
        return (
            f"{self.total} cases: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


# --- Validation -----------------------------------------------------------------------------------


def cases_validate(*, data: Any, file: str) -> list[CaseProblem]:
    """Every problem in a parsed case library file (an empty list when it is valid)."""
    if not isinstance(data, dict):
        return [CaseProblem(file, "-", "(file)", "must be a JSON object with format and cases")]
    problems = []
    if data.get("format") not in FORMATS_READ:
        problems.append(
            CaseProblem(
                file, "-", "format", f"must be {FORMAT_VERSION} (got {data.get('format')!r})"
            )
        )
    cases = data.get("cases")
    if data.get("format") == 1 and isinstance(cases, list):
        cases = [_from_format_1(case) for case in cases]
        data["cases"] = cases
    if not isinstance(cases, list) or not cases:
        return [*problems, CaseProblem(file, "-", "cases", "must be a non-empty list of cases")]
    seen: set[str] = set()
    for index, case in enumerate(cases, start=1):
        problems.extend(_case_problems(case, _case_label(case, index), file))
        slug = case.get("slug") if isinstance(case, dict) else None
        if isinstance(slug, str) and slug in seen:
            problems.append(
                CaseProblem(file, _case_label(case, index), "slug", "is used by an earlier case")
            )
        if isinstance(slug, str):
            seen.add(slug)
    return problems


def cases_load(*, path: str | Path) -> list[dict]:
    """Read and validate a case library file; raise CaseLibraryError listing every problem."""
    file = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseLibraryError(
            [CaseProblem(file, "-", "(file)", f"cannot be read: {exc}")]
        ) from exc
    except json.JSONDecodeError as exc:
        message = f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise CaseLibraryError([CaseProblem(file, "-", "(file)", message)]) from exc
    problems = cases_validate(data=data, file=file)
    if problems:
        raise CaseLibraryError(problems)
    return data["cases"]


def _from_format_1(case: Any) -> Any:
    # Version 1 called the brief the case "prompt"; everything else it had is unchanged.
    if isinstance(case, dict) and "prompt" in case and "brief" not in case:
        case = {("brief" if name == "prompt" else name): value for name, value in case.items()}
    return case


def _case_label(case: Any, index: int) -> str:
    slug = case.get("slug") if isinstance(case, dict) else None
    return f'"{slug}" (#{index})' if isinstance(slug, str) and slug else f"#{index}"


def _case_problems(case: Any, label: str, file: str) -> list[CaseProblem]:
    if not isinstance(case, dict):
        return [CaseProblem(file, label, "(case)", "must be a JSON object")]
    problems = [
        CaseProblem(file, label, name, "is not a known field")
        for name in case
        if name not in CASE_FIELDS
    ]
    for name in CASE_FIELDS:
        if name not in case:
            if CASE_SWITCHES.get(name, None) is None:
                problems.append(CaseProblem(file, label, name, "is missing"))
            continue
        message = _case_field_problem(name, case[name])
        if message:
            problems.append(CaseProblem(file, label, name, message))
    if isinstance(case.get("questions"), list):
        problems.extend(_questions_problems(case["questions"], label, file))
    return problems


def _case_field_problem(name: str, value: Any) -> str | None:
    if name == "slug":
        ok = isinstance(value, str) and len(value) <= 200 and _SLUG.match(value)
        return None if ok else "must be a slug: letters, digits, hyphens and underscores only"
    if name in _CHOICES:
        return _choice_problem(value, _CHOICES[name])
    if name == "estimated_minutes":
        ok = isinstance(value, int) and not isinstance(value, bool) and 5 <= value <= 180
        return None if ok else f"must be a whole number of minutes from 5 to 180 (got {value!r})"
    if name in CASE_SWITCHES:
        return None if isinstance(value, bool) else "must be true or false"
    if name == "questions":
        ok = isinstance(value, list) and 1 <= len(value) <= MAX_QUESTIONS
        return None if ok else f"must be a list of 1 to {MAX_QUESTIONS} questions"
    return _text_problem(value, _TEXT_LIMITS[name])


def _questions_problems(questions: list, label: str, file: str) -> list[CaseProblem]:
    problems = []
    for position, question in enumerate(questions, start=1):
        where = f"questions[{position}]"
        if not isinstance(question, dict):
            problems.append(CaseProblem(file, label, where, "must be a JSON object"))
            continue
        for name in question:
            if name not in QUESTION_FIELDS:
                problems.append(CaseProblem(file, label, f"{where}.{name}", "is not a known field"))
        for name in QUESTION_FIELDS:
            message = _question_field_problem(name, question, position)
            if message:
                problems.append(CaseProblem(file, label, f"{where}.{name}", message))
    return problems


_CONTENT_CHECKS = {
    "interviewer_data": case_content.interviewer_data_problems,
    "exhibit": case_content.exhibit_problems,
    "expected": case_content.expected_problems,
    "hints": case_content.hints_problems,
}


def _question_field_problem(name: str, question: dict, position: int) -> str | None:
    if name not in question:
        return None if name in QUESTION_OPTIONAL else "is missing"
    value = question[name]
    if name in _CONTENT_CHECKS:
        return "; ".join(_CONTENT_CHECKS[name](value)) or None
    if name == "number":
        # Numbers are 1..N in file order, so "question n of N" always means the same thing.
        ok = value == position and not isinstance(value, bool)
        return None if ok else f"must be {position} (questions are numbered 1..N in order)"
    if name == "kind":
        return _choice_problem(value, CaseQuestion.Kind.values)
    return _text_problem(value, 20000)


def _choice_problem(value: Any, choices: list[str]) -> str | None:
    if value in choices:
        return None
    return f"must be one of {', '.join(choices)} (got {value!r})"


def _text_problem(value: Any, limit: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text"
    if len(value) > limit:
        return f"must be at most {limit} characters (got {len(value)})"
    return None


# --- Reading the library ------------------------------------------------------------------------


def cases_published(
    *, case_type: str = "", lead_type: str = "", difficulty: str = "", industry: str = ""
) -> QuerySet[Case]:
    """Published cases matching the given filters (blank means any), with question_count."""
    # Meta.ordering is ignored once a query aggregates, so order explicitly.
    cases = Case.objects.published().annotate(question_count=Count("questions")).order_by("title")
    filters = {"case_type": case_type, "lead_type": lead_type, "difficulty": difficulty}
    cases = cases.filter(**{name: value for name, value in filters.items() if value})
    return cases.filter(industry__iexact=industry) if industry else cases


def case_industries() -> list[str]:
    """The distinct industries of published cases, for filter menus."""
    return list(
        Case.objects.published().order_by("industry").values_list("industry", flat=True).distinct()
    )


def cases_publish(*, case_ids: list[int], published: bool) -> int:
    """Publish or unpublish cases; returns how many changed."""
    return (
        Case.objects.filter(pk__in=case_ids)
        .exclude(published=published)
        .update(published=published)
    )


def case_fingerprint(*, case_id: int) -> tuple:
    """The content that makes a case version (fields and questions, not `published`)."""
    case = Case.objects.prefetch_related("questions").get(pk=case_id)
    return _case_content(_case_entry(case))


def case_version_bump(*, case_id: int) -> None:
    """Record that a case's content changed (staff edits), as a re-import would."""
    Case.objects.filter(pk=case_id).update(version=F("version") + 1)


# --- Import and export ----------------------------------------------------------------------------


@transaction.atomic
def cases_import(*, path: str | Path) -> ImportReport:
    """Create or update cases by slug from a file; all or nothing; bumps version on change."""
    entries = cases_load(path=path)
    existing = {
        case.slug: case
        for case in Case.objects.select_for_update()
        .filter(slug__in=[entry["slug"] for entry in entries])
        .prefetch_related("questions")
    }
    report = ImportReport()
    for entry in entries:
        case = existing.get(entry["slug"])
        if case is None:
            _case_create(entry)
            report.created.append(entry["slug"])
        elif _case_update(case, entry):
            report.updated.append(entry["slug"])
        else:
            report.unchanged.append(entry["slug"])
    return report


def cases_export(*, published_only: bool = False) -> dict:
    """The case library in the import file format."""
    cases = Case.objects.order_by("slug").prefetch_related("questions")
    if published_only:
        cases = cases.published()
    return {"format": FORMAT_VERSION, "cases": [_case_entry(case) for case in cases]}


def case_snapshot(case: Case) -> dict:
    """Everything the interview keeps of a case at start, so later edits never change it."""
    return {
        "title": case.title,
        "slug": case.slug,
        "version": case.version,
        "case_type": case.case_type,
        "case_type_label": case.get_case_type_display(),
        "lead_type": case.lead_type,
        "lead_type_label": case.get_lead_type_display(),
        "difficulty": case.difficulty,
        "industry": case.industry,
        "summary": case.summary,
        "brief": case.brief,
        "free": case.free,
        "estimated_minutes": case.estimated_minutes,
        "questions": [_question_entry(question) for question in case.questions.all()],
    }


def _switches(entry: dict) -> dict[str, bool]:
    return {
        name: entry.get(name, False if default is None else default)
        for name, default in CASE_SWITCHES.items()
    }


def _case_create(entry: dict) -> Case:
    fields = {name: entry[name] for name in CONTENT_FIELDS}
    case = Case.objects.create(slug=entry["slug"], **_switches(entry), **fields)
    _questions_replace(case, entry["questions"])
    return case


def _case_update(case: Case, entry: dict) -> bool:
    content_changed = _case_content(_case_entry(case)) != _case_content(entry)
    switches = _switches(entry)
    if not content_changed and all(getattr(case, k) == v for k, v in switches.items()):
        return False
    for name in CONTENT_FIELDS:
        setattr(case, name, entry[name])
    for name, value in switches.items():
        setattr(case, name, value)
    if content_changed:
        case.version += 1
        _questions_replace(case, entry["questions"])
    case.save()
    return True


def _questions_replace(case: Case, questions: list[dict]) -> None:
    case.questions.all().delete()
    CaseQuestion.objects.bulk_create(
        CaseQuestion(case=case, **_question_fields(question)) for question in questions
    )


def _question_fields(question: dict) -> dict:
    """Every question field, the optional ones filled with their defaults."""
    return {
        **{name: question[name] for name in QUESTION_REQUIRED},
        **{name: question.get(name, default) for name, default in QUESTION_OPTIONAL.items()},
    }


def _case_content(entry: dict) -> tuple:
    questions = tuple(
        json.dumps(_question_fields(question), sort_keys=True) for question in entry["questions"]
    )
    return (*(entry[name] for name in CONTENT_FIELDS), questions)


def _case_entry(case: Case) -> dict:
    entry: dict[str, Any] = {"slug": case.slug}
    entry.update({name: getattr(case, name) for name in CONTENT_FIELDS})
    entry.update({name: getattr(case, name) for name in CASE_SWITCHES})
    entry["questions"] = [_question_entry(question) for question in case.questions.all()]
    return entry


def _question_entry(question: CaseQuestion) -> dict:
    return {name: getattr(question, name) for name in QUESTION_FIELDS}
