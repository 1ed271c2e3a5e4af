"""Small builders for cases in tests of the case pages and API."""

from __future__ import annotations

from interviews.models import Case, CaseQuestion

SECRET = "EVALUATOR-ONLY"


def make_case(slug: str, *, questions: int = 4, **fields: object) -> Case:
    defaults: dict = {
        "title": slug.replace("-", " ").title(),
        "case_type": Case.CaseType.PROFITABILITY,
        "lead_type": Case.LeadType.INTERVIEWER_LED,
        "difficulty": Case.Difficulty.MEDIUM,
        "industry": "Retail",
        "summary": f"Summary of {slug}.",
        "prompt": f"Context of {slug}.",
        "estimated_minutes": 25,
        "published": True,
    }
    case = Case.objects.create(slug=slug, **{**defaults, **fields})
    CaseQuestion.objects.bulk_create(
        CaseQuestion(
            case=case,
            number=number,
            kind=CaseQuestion.Kind.MATH,
            prompt=f"Question {number} of {slug}?",
            evaluator_context=f"{SECRET} {slug} q{number}: the worked answer is 42.",
        )
        for number in range(1, questions + 1)
    )
    return case


def make_cases(count: int, *, start: int = 0) -> list[Case]:
    return [make_case(f"case-{n:03d}") for n in range(start, start + count)]
