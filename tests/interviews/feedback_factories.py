"""Interviews with a fixed transcript, built straight in the database, for the feedback tests."""

from __future__ import annotations

from django.utils import timezone

from interviews.models import Case, CaseQuestion, Interview, TranscriptTurn

CASE_SNAPSHOT = {
    "title": "Widget profits",
    "slug": "widget-profits",
    "version": 1,
    "case_type": "profitability",
    "case_type_label": "Profitability",
    "lead_type": "interviewer_led",
    "lead_type_label": "Interviewer-led",
    "difficulty": "medium",
    "industry": "Manufacturing",
    "summary": "A widget maker's profits fell.",
    "prompt": "Our client makes widgets and its profits fell last year.",
    "estimated_minutes": 20,
    "questions": [
        {
            "number": 1,
            "kind": "framework",
            "prompt": "How would you structure the profitability problem?",
            "evaluator_context": "Split profit into revenue and costs; segment costs into fixed "
            "and variable.",
        },
        {
            "number": 2,
            "kind": "math",
            "prompt": "What is the break-even volume?",
            "evaluator_context": "Break-even is 5000 units: fixed costs 100000 divided by "
            "margin 20.",
        },
    ],
}

# (question, speaker, text, start_ms, duration_ms, source): figures in test_feedback_analytics.
CASE_TURNS = [
    (1, "interviewer", "How would you structure the profitability problem?", 0, 4000, "speech"),
    (
        1,
        "candidate",
        "Um, I would split profit into revenue and costs. Then I would, like, look at fixed "
        "costs and variable costs for each product, you know, to find the driver.",
        6000,
        30000,
        "speech",
    ),
    (2, "interviewer", "What is the break-even volume?", 40000, 3000, "speech"),
    (
        2,
        "candidate",
        "Basically fixed costs are 100000 and the margin is 20 per unit, so break-even is "
        "5000 units.",
        48000,
        20000,
        "speech",
    ),
    (2, "candidate", "Check: 5000 times 20 is 100000.", 70000, 0, "typed"),
]

JOB_TURNS = [
    (1, "interviewer", "Tell me about your last role.", 0, 3000, "speech"),
    (
        1,
        "candidate",
        "I was the product manager for our analytics product and owned the roadmap with two "
        "engineering teams.",
        4000,
        8000,
        "speech",
    ),
    (1, "interviewer", "Describe a conflict you resolved.", 13000, 3000, "speech"),
    (
        1,
        "candidate",
        "Design and sales disagreed on the launch scope, so I ran a workshop and we agreed a "
        "smaller first release.",
        17000,
        9000,
        "speech",
    ),
]


def case_for_tests() -> Case:
    case, _ = Case.objects.get_or_create(
        slug="widget-profits",
        defaults={
            "title": "Widget profits",
            "case_type": "profitability",
            "lead_type": "interviewer_led",
            "difficulty": "medium",
            "industry": "Manufacturing",
            "summary": "A widget maker's profits fell.",
            "prompt": CASE_SNAPSHOT["prompt"],
            "published": True,
        },
    )
    for q in CASE_SNAPSHOT["questions"]:
        CaseQuestion.objects.get_or_create(
            case=case,
            number=q["number"],
            defaults={
                "kind": q["kind"],
                "prompt": q["prompt"],
                "evaluator_context": q["evaluator_context"],
            },
        )
    return case


def finished_case_interview(owner, *, turns=CASE_TURNS, feedback_status="pending") -> Interview:
    """A completed case interview with the fixed transcript, feedback not yet produced."""
    return _finished(
        owner,
        turns,
        feedback_status,
        kind="case",
        case=case_for_tests(),
        case_snapshot=CASE_SNAPSHOT,
        question_count=2,
        questions_completed=2,
        current_question=2,
    )


def finished_job_interview(owner, *, turns=JOB_TURNS, feedback_status="pending") -> Interview:
    """A completed job interview with the given transcript, feedback not yet produced."""
    return _finished(
        owner,
        turns,
        feedback_status,
        kind="job",
        job_title="Product manager",
        job_description="Own the roadmap for a B2B analytics product.",
    )


def _finished(owner, turns, feedback_status: str, **fields) -> Interview:
    now = timezone.now()
    interview = Interview.objects.create(
        owner=owner,
        status="completed",
        started_at=now,
        ended_at=now,
        feedback_status=feedback_status,
        **fields,
    )
    turns_add(interview, turns)
    return interview


def turns_add(interview: Interview, turns) -> None:
    TranscriptTurn.objects.bulk_create(
        TranscriptTurn(
            interview=interview,
            question_number=number,
            speaker=speaker,
            text=text,
            start_ms=start,
            duration_ms=duration,
            source=source,
            client_turn_id=f"t{i}",
        )
        for i, (number, speaker, text, start, duration, source) in enumerate(turns)
    )
