"""The case math check without an AI key: the figure parser and the comparison with `expected`."""

from __future__ import annotations

import pytest

from interviews.math_check import Figure, figures_parse, math_check

M = 1_000_000


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("about 2.4 million", 2.4 * M, ""),
        ("$2.4M", 2.4 * M, "USD"),
        ("two point four million", 2.4 * M, ""),
        ("40 %", 40, "%"),
        ("1,250k", 1_250_000, ""),
        ("EUR 1.31 million a year", 1.31 * M, "EUR"),
        ("£240m", 240 * M, "GBP"),
        ("roughly 9.8 billion dollars", 9.8e9, "USD"),
        ("9.8bn", 9.8e9, ""),
        ("twelve thousand a month", 12_000, ""),
        ("5.3 percent", 5.3, "%"),
        ("5.3 per cent", 5.3, "%"),
        ("payback in 5.3 years", 5.3, "years"),
        ("two and a half years", 2.5, "years"),
        ("one hundred and twenty five", 125, ""),
        ("252,000 euros", 252_000, "EUR"),
        ("a loss of 0.75 million", 0.75 * M, ""),
        ("USD 250", 250, "USD"),
    ],
)
def test_figures_parse_reads_spoken_and_written_figures(said: str, value: float, unit: str) -> None:
    figures = figures_parse(said)

    assert len(figures) == 1, figures
    assert figures[0].value == pytest.approx(value)
    assert figures[0].unit == unit


def test_figures_parse_keeps_the_order_and_ignores_words_that_are_not_numbers() -> None:
    figures = figures_parse("Someone often said: 87,600 hours at $18 is 1.58 million, often.")

    assert figures == [
        Figure(value=87_600, unit="", scaled=False),
        Figure(value=18, unit="USD", scaled=False),
        Figure(value=1.58 * M, unit="", scaled=True),
    ]


EXPECTED = {
    "value": 1_314_000,
    "unit": "EUR",
    "tolerance": 0.05,
    "common_errors": [
        {"value": 657_000, "diagnosis": "Counted 2 flights a day instead of 4."},
        {"value": 4_073_400, "diagnosis": "Left out the ancillary revenue."},
    ],
}


@pytest.mark.parametrize(
    ("answers", "scratchpad", "stated", "correct", "diagnosis"),
    [
        (["It loses 1,314,000 euros a year."], "", 1_314_000, True, None),
        (["So about 1.3 million a year."], "", 1.3 * M, True, None),  # within 5%
        (["A loss of one point three million."], "", 1.3 * M, True, None),
        (["900 a flight, so a loss of 1.31 a year"], "", 1.31 * M, True, None),  # magnitude unsaid
        (
            ["It loses about 657k a year."],
            "",
            657_000,
            False,
            "Counted 2 flights a day instead of 4.",
        ),
        (["Roughly 4.1 million."], "", 4.1 * M, False, "Left out the ancillary revenue."),
        (["It loses 2 million."], "", 2 * M, False, None),
        (["It loses money, I think."], "", None, None, None),
        ([], "", None, None, None),
        (["Maybe 2 million?"], "1460 x 900\n= 1.314M", 1.314 * M, True, None),  # scratchpad
        (["About 1.3 million."], "loss per flight 900", 1.3 * M, True, None),
        (
            ["It loses 2 million."],
            "1460 x 900\n= 657k",
            657_000,
            False,
            "Counted 2 flights a day instead of 4.",
        ),
    ],
)
def test_math_check(answers, scratchpad, stated, correct, diagnosis) -> None:
    result = math_check(expected=EXPECTED, answers=answers, scratchpad=scratchpad)

    assert result["expected"] == 1_314_000 and result["unit"] == "EUR"
    assert result["correct"] is correct
    assert result["diagnosis"] == diagnosis
    assert result["stated"] == (None if stated is None else pytest.approx(stated))


def test_math_check_for_a_percentage_only_reads_percentages() -> None:
    expected = {"value": 5.33, "unit": "%", "tolerance": 0.04, "common_errors": []}

    right = math_check(expected=expected, answers=["8,000 over 150,000 is 5.3 %"])
    wrong = math_check(expected=expected, answers=["8,000 a month, churn 8 percent"])

    assert (right["correct"], right["stated"]) == (True, 5.3)
    assert (wrong["correct"], wrong["stated"]) == (False, 8)


def test_math_check_of_a_question_without_expected_is_empty() -> None:
    assert math_check(expected=None, answers=["42"]) == {}
