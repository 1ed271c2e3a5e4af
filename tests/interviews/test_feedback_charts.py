"""The SVG chart helpers: proportional bars, "n/a" for unmeasured values, escaped text."""

from __future__ import annotations

import re

from interviews import charts


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)" height', svg)]


def test_bars_are_proportional_and_the_weakest_is_highlighted():
    svg = charts.bar_chart_svg(
        title="Scores", bars=[("A", 5), ("B", 2.5), ("C", None)], max_value=5, highlight="B"
    )
    span = charts.CHART_WIDTH - charts.LABEL_WIDTH - 60
    # Each bar is a grey track and a value bar: track, value, track, value, ...
    assert _widths(svg) == [span, span, span, span / 2, span, 0.0]
    assert svg.count('fill="#cf222e"') == 1
    assert ">n/a</text>" in svg
    assert svg.startswith('<svg class="chart" role="img"') and ">Scores</title>" in svg


def test_text_is_escaped():
    svg = charts.bar_chart_svg(title="<b>t</b>", bars=[("<script>x</script>", 1)], max_value=1)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">&lt;b&gt;t&lt;/b&gt;</title>" in svg
    assert "<desc" in svg and "&lt;script&gt;x&lt;/script&gt;: 1</desc>" in svg


def test_line_chart_leaves_out_missing_values():
    svg = charts.line_chart_svg(
        title="Pace", labels=["1 Nov", "2 Nov", "3 Nov"], series=[("wpm", [100, None, 150])]
    )
    assert svg.count("<circle") == 2
    assert len(re.search(r'points="([^"]*)"', svg).group(1).split()) == 2


def test_charts_have_an_accessible_name_and_the_figures_as_a_description():
    bars = charts.bar_chart_svg(
        title="Scores", bars=[("A", 5), ("B", 2.5), ("C", None)], max_value=5, highlight="B"
    )
    line = charts.line_chart_svg(
        title="Pace", labels=["1 Nov", "2 Nov"], series=[("wpm", [100, None])]
    )

    for svg, name, figures in (
        (bars, "Scores", "A: 5; B: 2.5 (lowest); C: n/a"),
        (line, "Pace", "wpm: 1 Nov 100, 2 Nov n/a"),
    ):
        labelled = re.search(r'aria-labelledby="([\w-]+)" aria-describedby="([\w-]+)"', svg)
        assert labelled, svg[:200]
        assert f'<title id="{labelled[1]}">{name}</title>' in svg
        assert f'<desc id="{labelled[2]}">{figures}</desc>' in svg
    assert re.search(r'id="([\w-]+)"', bars)[1] != re.search(r'id="([\w-]+)"', line)[1]


def test_line_chart_axis_tops_at_a_round_number_and_keeps_the_last_label_inside():
    svg = charts.line_chart_svg(
        title="Pace", labels=["1 Nov", "22 Nov"], series=[("wpm", [90, 130.6])]
    )
    assert 'text-anchor="end">150</text>' in svg  # not 143.7
    last_label_x = float(re.findall(r'<text x="([\d.]+)" y="\d+" class="chart-tick"', svg)[-1])
    assert last_label_x + 25 <= charts.CHART_WIDTH  # room for half of "22 Nov" at 11 px
    assert charts._nice_ceiling(4.8) == 5
    assert charts._nice_ceiling(21) == 25
