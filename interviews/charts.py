"""Server-rendered SVG charts for the report and progress pages: pure functions, no JavaScript.

Each chart carries role="img" and a <title>, and the pages print the same figures as text, so the
charts are never the only way to read a number.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 170
# The drawing scales with its box: 400 units keep 13-unit text at about 12 px on a 390 px phone
# (the stylesheet caps the box, so it stays about 15 px on a desktop).
CHART_WIDTH = 400
TICK_MIN_GAP = 44  # units between date labels; closer ones are thinned out so none overlap
PALETTE = ("#0a58ca", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#57606a")


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def bar_chart_svg(
    *,
    title: str,
    bars: Sequence[tuple[str, float | None]],
    max_value: float,
    unit: str = "",
    highlight: str | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value); None draws an empty track marked "n/a"."""
    span = CHART_WIDTH - LABEL_WIDTH - 60
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    rows, said = [], []
    for i, (label, value) in enumerate(bars):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        width = 0 if value is None or max_value <= 0 else min(value / max_value, 1) * span
        fill = "#cf222e" if label == highlight else "#0a58ca"
        text = "n/a" if value is None else f"{_fmt(value)}{unit}"
        said.append(f"{label}: {text}" + (" (lowest)" if label == highlight else ""))
        rows.append(
            format_html(
                '<text x="0" y="{}" class="chart-label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#eaeef2"/>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"/>'
                '<text x="{}" y="{}" class="chart-value">{}</text>',
                y + BAR_HEIGHT - 6,
                label,
                LABEL_WIDTH,
                y,
                span,
                BAR_HEIGHT,
                LABEL_WIDTH,
                y,
                f"{width:.1f}",
                BAR_HEIGHT,
                fill,
                f"{LABEL_WIDTH + width + 6:.1f}",
                y + BAR_HEIGHT - 6,
                text,
            )
        )
    return _svg(
        title=title,
        description="; ".join(said),
        width=CHART_WIDTH,
        height=height,
        body="".join(rows),
    )


def line_chart_svg(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    y_max: float | None = None,
) -> SafeString:
    """One polyline per (name, values) over the shared x labels; None values are left out."""
    width, height, pad_left, pad_bottom, pad_top = CHART_WIDTH, 240, 40, 40, 12
    values = [v for _, vs in series for v in vs if v is not None]
    top = y_max or _nice_ceiling(max(values) if values else 1)
    # The right margin leaves room for the last date label, centred on the last point.
    plot_w, plot_h = width - pad_left - 30, height - pad_bottom - pad_top
    step = plot_w / max(len(labels) - 1, 1)
    # A single interview sits in the middle rather than on the axis.
    first_x = pad_left + (plot_w / 2 if len(labels) == 1 else 0)

    def point(i: int, v: float) -> tuple[float, float]:
        return first_x + i * step, pad_top + plot_h - (v / top) * plot_h

    parts = [_axes(pad_left, pad_top, plot_w, plot_h, top)]
    every = max(1, math.ceil(TICK_MIN_GAP / step)) if len(labels) > 1 else 1
    for i, label in enumerate(labels):
        if i % every and i != len(labels) - 1:
            continue  # too close to its neighbours to read; the description lists every point
        x = first_x + i * step
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-tick" text-anchor="middle">{}</text>',
                f"{x:.1f}",
                height - pad_bottom + 16,
                label,
            )
        )
    for n, (name, vs) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        points = [point(i, v) for i, v in enumerate(vs) if v is not None]
        parts.append(_polyline(points, color))
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="chart-legend" fill="{}">{}</text>',
                pad_left + 8 + n * 160,
                height - 6,
                color,
                name,
            )
        )
    said = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {'n/a' if v is None else _fmt(v)}"
            for label, v in zip(labels, vs, strict=True)
        )
        for name, vs in series
    )
    return _svg(title=title, description=said, width=width, height=height, body="".join(parts))


def _nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x a power of ten) >= value."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * power >= value)


def _axes(left: float, top: float, plot_w: float, plot_h: float, y_max: float) -> str:
    bottom = top + plot_h
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8c959f"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8c959f"/>'
        '<text x="{}" y="{}" class="chart-tick" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" class="chart-tick" text-anchor="end">0</text>',
        left,
        top,
        left,
        bottom,
        left,
        bottom,
        left + plot_w,
        bottom,
        left - 4,
        top + 10,
        _fmt(round(y_max, 1)),
        left - 4,
        bottom,
    )


def _polyline(points: Sequence[tuple[float, float]], color: str) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>' for x, y in points)
    line = f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>'
    return line + dots


def _svg(*, title: str, description: str, width: int, height: int, body: str) -> SafeString:
    # role="img" hides the drawing's own text from screen readers, so the name (title) and the
    # figures (desc) are referenced explicitly; ids come from the content, unique on a page.
    uid = "chart-" + hashlib.sha1(f"{title}|{description}".encode()).hexdigest()[:10]  # noqa: S324
    # Only numbers and escaped text reach the markup, so marking it safe is sound.
    return mark_safe(  # noqa: S308
        f'<svg class="chart" role="img" aria-labelledby="{uid}-t" aria-describedby="{uid}-d" '
        f'xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>'
        f"{body}</svg>"
    )
