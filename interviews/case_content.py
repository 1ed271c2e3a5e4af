"""The shape of a case question's content (DESIGN section 10): one set of rules for the admin
(model clean) and the case library file (import), with messages that say exactly what is wrong.

No imports from models: the models call these validators from clean().
"""

from __future__ import annotations

from typing import Any

EXHIBIT_FIELDS = ("title", "columns", "rows", "note", "chart")
EXHIBIT_CHARTS = ("bar", "line")
EXPECTED_FIELDS = ("value", "unit", "tolerance", "common_errors")
COMMON_ERROR_FIELDS = ("value", "diagnosis")
MAX_COLUMNS = 8
MAX_ROWS = 30
MAX_CELL_CHARS = 200
MAX_HINTS = 5
MAX_HINT_CHARS = 500
MAX_INTERVIEWER_DATA_CHARS = 5000
MAX_COMMON_ERRORS = 8


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text_ok(value: Any, limit: int, *, blank: bool = False) -> bool:
    return isinstance(value, str) and (blank or bool(value.strip())) and len(value) <= limit


def exhibit_problems(exhibit: Any) -> list[str]:
    """What is wrong with an exhibit table (an empty list when it is valid or absent)."""
    if exhibit is None:
        return []
    if not isinstance(exhibit, dict):
        return ["must be an object with title, columns, rows, note and chart, or null"]
    problems = [f"{name}: is not a known field" for name in exhibit if name not in EXHIBIT_FIELDS]
    if not _text_ok(exhibit.get("title"), 200):
        problems.append("title: must be non-empty text of at most 200 characters")
    columns = exhibit.get("columns")
    columns_ok = (
        isinstance(columns, list)
        and 1 <= len(columns) <= MAX_COLUMNS
        and all(_text_ok(c, MAX_CELL_CHARS) for c in columns)
    )
    if not columns_ok:
        problems.append(f"columns: must be a list of 1 to {MAX_COLUMNS} non-empty column names")
    problems.extend(_rows_problems(exhibit.get("rows"), len(columns) if columns_ok else None))
    if not _text_ok(exhibit.get("note", ""), 1000, blank=True):
        problems.append("note: must be text of at most 1000 characters (empty for none)")
    chart = exhibit.get("chart")
    if chart is not None and chart not in EXHIBIT_CHARTS:
        problems.append(f"chart: must be bar, line or null (got {chart!r})")
    if chart is not None and columns_ok and not problems:
        problems.extend(_chart_problems(exhibit["rows"]))
    return problems


def _rows_problems(rows: Any, width: int | None) -> list[str]:
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        return [f"rows: must be a list of 1 to {MAX_ROWS} rows"]
    problems = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, list):
            problems.append(f"rows[{index}]: must be a list of cells")
        elif width is not None and len(row) != width:
            problems.append(f"rows[{index}]: has {len(row)} cells but there are {width} columns")
        elif not all(_is_number(c) or _text_ok(c, MAX_CELL_CHARS, blank=True) for c in row):
            problems.append(f"rows[{index}]: cells must be numbers or short text")
    return problems


def _chart_problems(rows: list[list[Any]]) -> list[str]:
    # A chart plots the first column as labels and every other column as a numeric series.
    for index, row in enumerate(rows, start=1):
        if len(row) < 2 or not all(_is_number(c) for c in row[1:]):
            return [
                f"rows[{index}]: a chart needs numbers in every column after the first "
                "(use chart null for a table of text)"
            ]
    return []


def expected_problems(expected: Any) -> list[str]:
    """What is wrong with a math question's expected answer (empty when valid or absent)."""
    if expected is None:
        return []
    if not isinstance(expected, dict):
        return ["must be an object with value, unit, tolerance and common_errors, or null"]
    problems = [f"{name}: is not a known field" for name in expected if name not in EXPECTED_FIELDS]
    if not _is_number(expected.get("value")):
        problems.append(f"value: must be a number (got {expected.get('value')!r})")
    if not _text_ok(expected.get("unit", ""), 40, blank=True):
        problems.append("unit: must be text of at most 40 characters, such as EUR, %, years")
    tolerance = expected.get("tolerance")
    if not _is_number(tolerance) or not 0 <= tolerance < 1:
        problems.append(
            f"tolerance: must be a fraction from 0 to below 1, such as 0.05 for 5% "
            f"(got {tolerance!r})"
        )
    problems.extend(_common_errors_problems(expected.get("common_errors", [])))
    return problems


def _common_errors_problems(errors: Any) -> list[str]:
    if not isinstance(errors, list) or len(errors) > MAX_COMMON_ERRORS:
        return [f"common_errors: must be a list of at most {MAX_COMMON_ERRORS} entries"]
    problems = []
    for index, error in enumerate(errors, start=1):
        where = f"common_errors[{index}]"
        if not isinstance(error, dict) or set(error) != set(COMMON_ERROR_FIELDS):
            problems.append(f"{where}: must be an object with exactly value and diagnosis")
            continue
        if not _is_number(error["value"]):
            problems.append(f"{where}.value: must be a number (got {error['value']!r})")
        if not _text_ok(error["diagnosis"], 500):
            problems.append(f"{where}.diagnosis: must be non-empty text of at most 500 characters")
    return problems


def hints_problems(hints: Any) -> list[str]:
    """What is wrong with a question's hints (empty when valid)."""
    if not isinstance(hints, list) or len(hints) > MAX_HINTS:
        return [f"must be a list of at most {MAX_HINTS} hints"]
    return [
        f"[{index}]: must be non-empty text of at most {MAX_HINT_CHARS} characters"
        for index, hint in enumerate(hints, start=1)
        if not _text_ok(hint, MAX_HINT_CHARS)
    ]


def interviewer_data_problems(text: Any) -> list[str]:
    """What is wrong with the facts shared only when asked (empty when valid)."""
    if not _text_ok(text, MAX_INTERVIEWER_DATA_CHARS, blank=True):
        return [f"must be text of at most {MAX_INTERVIEWER_DATA_CHARS} characters (empty for none)"]
    return []


def question_problems(
    *, interviewer_data: Any, exhibit: Any, expected: Any, hints: Any
) -> dict[str, list[str]]:
    """Problems per field of one question's content, for a model's clean()."""
    found = {
        "interviewer_data": interviewer_data_problems(interviewer_data),
        "exhibit": exhibit_problems(exhibit),
        "expected": expected_problems(expected),
        "hints": hints_problems(hints),
    }
    return {name: problems for name, problems in found.items() if problems}


def interviewer_facts(text: str) -> list[str]:
    """The interviewer data as separate facts: one per line, bullets dropped."""
    return [line.strip().lstrip("-•* ").strip() for line in text.splitlines() if line.strip()]
