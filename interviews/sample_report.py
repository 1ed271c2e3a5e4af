"""The landing page's sample report: a fixed, realistic example drawn with the real charts.

No database: a visitor sees what a finished job interview's report looks like before signing up.
"""

from __future__ import annotations

from functools import cache

from interviews import charts

DIMENSIONS = (
    ("Relevance to the role", 4, "Tied the churn project to the analyst role's retention goals."),
    ("Structure (STAR)", 3, "Situation and action were clear; the result came without a figure."),
    ("Specificity and evidence", 4, "Named the cohort, the SQL model and a 12% lift in renewals."),
    ("Communication", 4, "Calm and well paced; two long pauses before the numbers."),
)


@cache
def sample_report() -> dict:
    """What templates/landing.html shows as the sample report (same figures every time)."""
    weakest = min(DIMENSIONS, key=lambda d: d[1])
    return {
        "title": "Product analyst · job interview",
        "minutes": 22,
        "overall": round(sum(d[1] for d in DIMENSIONS) / len(DIMENSIONS), 1),
        "weakest": {"label": weakest[0], "score": weakest[1], "evidence": weakest[2]},
        "anchor_5": "Situation, task, action and a measurable result every time.",
        "strengths": [
            "Opened each story with the business problem, not the tool.",
            "Explained the retention model in plain words.",
        ],
        "improvements": [
            "End every story with the measured result and your own part in it.",
            "Pause less before figures: note two or three numbers beforehand.",
        ],
        "metrics": [
            ("Your speaking time", "11 min 40 s"),
            ("Words per minute", "142"),
            ("Filler words per minute", "2.1"),
            ("You talked", "63%"),
        ],
        "chart": charts.bar_chart_svg(
            title="Sample report: score per dimension, 1 to 5",
            bars=[(label, score) for label, score, _ in DIMENSIONS],
            max_value=5,
            unit="/5",
            highlight=weakest[0],
        ),
    }
