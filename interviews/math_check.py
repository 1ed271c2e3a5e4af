"""Case math checked without an AI key (DESIGN section 10).

The candidate's figures are read from what they said or typed for the question and from the last
line of their scratchpad, spoken and written forms alike: "about
2.4 million", "$2.4M", "two point four million", "40 %", "1,250k". A figure within the expected
value's tolerance anywhere is correct (intermediate figures rarely equal the answer); otherwise
the latest figure matching a known common error gets that error's diagnosis, and failing that the
latest figure is reported as not correct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_UNITS = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "%": "%", "percent": "%", "per cent": "%", "pct": "%",
    "year": "years", "years": "years",
}  # fmt: skip
_MAGNITUDES = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9, "trillion": 1e12,
}  # fmt: skip
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_RUN = re.compile(
    r"\b(?:(?:" + "|".join(_SMALL) + r"|hundred|point|a half)\b[\s-]*(?:and\s+)?)+",
    re.I,
)
_CURRENCY = r"(?:[$€£]|usd|eur|gbp)"
_FIGURE = re.compile(
    rf"(?P<pre>{_CURRENCY})?\s?(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s?(?P<mag>thousand|millions?|billions?|trillion|mn|mio|bn|k|m|b)?\b\.?"
    r"\s?(?P<unit>%|per ?cent|pct|usd|eur|gbp|dollars?|euros?|pounds?|years?)?",
    re.I,
)


@dataclass(frozen=True)
class Figure:
    """One number as stated: its value with any magnitude applied, and its unit ("" if none)."""

    value: float
    unit: str
    scaled: bool  # a magnitude word or suffix was given ("million", "k", "M")


def _words_to_number(words: str) -> str:
    tokens = re.findall(r"[a-z]+", words.lower().replace("a half", "half"))
    whole, current, decimals, after_point = 0, 0, "", False
    for token in tokens:
        if token == "and":
            continue
        if token == "point":
            after_point = True
        elif token == "half":
            return f"{whole + current}.5"
        elif after_point and token in _SMALL and _SMALL[token] < 10:
            decimals += str(_SMALL[token])
        elif token == "hundred":
            current = max(current, 1) * 100
        elif token in _SMALL:
            current += _SMALL[token]
    number = str(whole + current)
    return f"{number}.{decimals}" if decimals else number


def _spell_out(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        if not re.search("|".join(_SMALL), run, re.I):
            return run  # "point" or "hundred" alone is not a number
        return _words_to_number(run) + (" " if run[-1:].isspace() else "")

    return _WORD_RUN.sub(replace, text)


def figures_parse(text: str) -> list[Figure]:
    """Every figure in a sentence, spoken or written, in the order stated."""
    figures = []
    for match in _FIGURE.finditer(_spell_out(text)):
        value = float(match.group("num").replace(",", ""))
        magnitude = (match.group("mag") or "").lower()
        unit_word = (match.group("unit") or match.group("pre") or "").lower()
        value *= _MAGNITUDES.get(magnitude, 1)
        unit = _UNITS.get(re.sub(r"\s+", " ", unit_word), "")
        figures.append(Figure(value=value, unit=unit, scaled=bool(magnitude)))
    return figures


def _close(value: float, target: float, tolerance: float) -> bool:
    return abs(abs(value) - abs(target)) <= max(tolerance * abs(target), 1e-9)


def _matches(figure: Figure, target: float, tolerance: float) -> bool:
    if _close(figure.value, target, tolerance):
        return True
    # "a loss of 1.3" after talking in millions: a bare figure may leave its magnitude unsaid.
    if not figure.scaled and abs(figure.value) < 1000 <= abs(target):
        return any(_close(figure.value * m, target, tolerance) for m in (1e3, 1e6, 1e9))
    return False


def _compatible(figures: Iterable[Figure], unit: str) -> list[Figure]:
    if unit == "%":
        return [f for f in figures if f.unit == "%"]
    return [f for f in figures if f.unit != "%"]


def _stated(figure: Figure, target: float, tolerance: float) -> float:
    if not figure.scaled and abs(figure.value) < 1000 <= abs(target):
        for m in (1e3, 1e6, 1e9):
            if _close(figure.value * m, target, tolerance):
                return figure.value * m
    return figure.value


def math_check(*, expected: dict | None, answers: Sequence[str], scratchpad: str = "") -> dict:
    """The check for one question: {"expected", "unit", "stated", "correct", "diagnosis"}."""
    if not expected:
        return {}
    target, unit = float(expected["value"]), expected.get("unit", "")
    tolerance = float(expected.get("tolerance", 0))
    # What was said, then the scratchpad's last line: the latest figure comes last.
    texts = [*answers, _last_line(scratchpad)]
    figures = _compatible((f for text in texts for f in figures_parse(text)), unit)
    result = {"expected": expected["value"], "unit": unit, "stated": None}
    right = next((f for f in reversed(figures) if _matches(f, target, tolerance)), None)
    if right is not None:
        return {
            **result,
            "stated": _stated(right, target, tolerance),
            "correct": True,
            "diagnosis": None,
        }
    for figure in reversed(figures):
        for error in expected.get("common_errors", []):
            if _matches(figure, float(error["value"]), tolerance):
                stated = _stated(figure, float(error["value"]), tolerance)
                return {
                    **result,
                    "stated": stated,
                    "correct": False,
                    "diagnosis": error["diagnosis"],
                }
    if not figures:
        return {**result, "correct": None, "diagnosis": None}
    return {**result, "stated": figures[-1].value, "correct": False, "diagnosis": None}


def _last_line(text: str) -> str:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
