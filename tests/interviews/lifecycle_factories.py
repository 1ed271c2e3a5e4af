"""Cases and interviews for the lifecycle, API and page tests, built through the real services."""

from __future__ import annotations

from accounts.models import User
from interviews import services
from interviews.models import Case, CaseQuestion, Interview, TranscriptTurn

QUESTIONS = [
    ("clarifying", "What would you like to know about the client?", "Asks about goal and scope."),
    ("framework", "How would you structure the problem?", "Revenue and cost branches."),
    ("math", "How many units must they sell to break even?", "5000 units exactly."),
    ("synthesis", "What do you tell the CEO?", "Answer first, then three reasons."),
]


def make_case(
    *, slug: str = "coffee-chain-profits", questions: int = 3, published: bool = True
) -> Case:
    case = Case.objects.create(
        title=f"Case {slug}",
        slug=slug,
        case_type=Case.CaseType.PROFITABILITY,
        lead_type=Case.LeadType.INTERVIEWER_LED,
        difficulty=Case.Difficulty.MEDIUM,
        industry="Retail",
        summary="A coffee chain's profits fell by a fifth.",
        prompt="Our client runs 200 coffee shops; profits fell 20% last year.",
        estimated_minutes=25,
        published=published,
    )
    for number, (kind, prompt, context) in enumerate(QUESTIONS[:questions], start=1):
        CaseQuestion.objects.create(
            case=case, number=number, kind=kind, prompt=prompt, evaluator_context=context
        )
    return case


def job_interview(owner: User, *, title: str = "Data analyst") -> Interview:
    return services.interview_create(owner=owner, kind="job", job_title=title)


def started_job_interview(owner: User) -> Interview:
    return services.interview_start(interview=job_interview(owner), actor=owner)


def case_interview(owner: User, case: Case | None = None) -> Interview:
    return services.interview_create(owner=owner, kind="case", case=case or make_case())


def started_case_interview(owner: User, case: Case | None = None) -> Interview:
    return services.interview_start(interview=case_interview(owner, case), actor=owner)


def add_turn(interview: Interview, *, speaker: str = "candidate", question: int = 1) -> None:
    number = interview.turns.count() + 1
    TranscriptTurn.objects.create(
        interview=interview,
        question_number=question,
        speaker=speaker,
        text=f"Turn {number} from the {speaker}.",
        start_ms=number * 1000,
        client_turn_id=f"turn-{number}",
    )
