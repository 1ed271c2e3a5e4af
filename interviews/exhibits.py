"""Exhibits as the candidate sees them: the table's cells and, when asked for, a server SVG chart."""

from __future__ import annotations

from django.utils.safestring import SafeString

from interviews import charts


def _numeric_columns(exhibit: dict) -> list[int]:
    rows = exhibit["rows"]
    return [
        index
        for index in range(1, len(exhibit["columns"]))
        if all(isinstance(row[index], int | float) for row in rows)
    ]


def exhibit_chart_svg(exhibit: dict | None) -> SafeString | None:
    """The exhibit's chart (bar or line over its numeric columns), or None without one."""
    if not exhibit or exhibit.get("chart") not in ("bar", "line"):
        return None
    columns = _numeric_columns(exhibit)
    if not columns:
        return None
    names = [exhibit["columns"][index] for index in columns]
    labels = [str(row[0]) for row in exhibit["rows"]]
    if exhibit["chart"] == "line":
        series = [
            (name, [row[i] for row in exhibit["rows"]])
            for name, i in zip(names, columns, strict=True)
        ]
        return charts.line_chart_svg(title=exhibit["title"], labels=labels, series=series)
    many = len(columns) > 1
    bars = [
        (f"{label} · {name}" if many else label, float(row[i]))
        for label, row in zip(labels, exhibit["rows"], strict=True)
        for name, i in zip(names, columns, strict=True)
    ]
    top = max([value for _, value in bars] + [0])
    return charts.bar_chart_svg(title=exhibit["title"], bars=bars, max_value=top or 1)


def exhibit_cell(value: object) -> str:
    """A cell as printed: thousands separated, no trailing .0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) >= 1000 else f"{value:g}"
    return f"{int(value):,}"
