"""Builders for tests: one per model, plus the fixed data they are built from.

Personas (candidate, staff, ...) are fixtures in tests/conftest.py and are built here
(`make_user`). No test imports a conftest module: what tests share that is not a fixture lives here.
Payloads that are not rows (upstream, Stripe, resume files) are tests/payloads.py.
A case has one builder (`make_case`); the named cases (`coffee_case`, `coffee_chain_case`,
`widget_case`) are that builder with fixed content, because tests assert on that content.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Profile, User
from billing import services as billing
from billing.models import LedgerEntry, Plan, Subscription
from interviews import recordings, services
from interviews.models import Case, CaseQuestion, Interview, Recording, TranscriptTurn

PASSWORD = "correct-horse-battery"

# --- People and API clients -------------------------------------------------------------------


def make_user(
    email: str, *, credits: int = 0, is_staff: bool = False, verified: bool = True
) -> User:
    """A person who signed up (and, unless `verified=False`, confirmed their address)."""
    user = User.objects.create_user(email, PASSWORD, is_staff=is_staff)
    if verified:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Profile.objects.create(user=user, display_name=email.split("@")[0].title())
    if credits:
        billing.credits_grant(
            user_id=user.pk,
            amount=credits,
            kind=LedgerEntry.Kind.STAFF_GRANT,
            idempotency_key=f"test-grant:{user.pk}",
            reason="test persona",
        )
    return user


def make_subscription(user: User, *, days: int = 30) -> Subscription:
    plan, _ = Plan.objects.get_or_create(
        slug="test-monthly", defaults={"name": "Monthly", "price_cents": 1900}
    )
    return Subscription.objects.create(
        user=user,
        plan=plan,
        status=Subscription.Status.ACTIVE,
        current_period_end=timezone.now() + timedelta(days=days),
    )


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def jwt_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


# --- Cases ------------------------------------------------------------------------------------

EVALUATOR_SECRET = "EVALUATOR-ONLY"
# (kind, prompt, evaluator_context) of a case question.
QuestionSpec = tuple[str, str, str]


def make_case(
    slug: str = "coffee-chain-profits",
    *,
    questions: int | Sequence[QuestionSpec] = 4,
    **fields: object,
) -> Case:
    """A published case. `questions`: a count of generic maths questions, whose evaluator
    context carries EVALUATOR_SECRET, or the (kind, prompt, evaluator_context) of each."""
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
    specs = (
        [
            (
                CaseQuestion.Kind.MATH,
                f"Question {number} of {slug}?",
                f"{EVALUATOR_SECRET} {slug} q{number}: the worked answer is 42.",
            )
            for number in range(1, questions + 1)
        ]
        if isinstance(questions, int)
        else questions
    )
    CaseQuestion.objects.bulk_create(
        CaseQuestion(case=case, number=number, kind=kind, prompt=prompt, evaluator_context=context)
        for number, (kind, prompt, context) in enumerate(specs, start=1)
    )
    return case


def make_cases(count: int, *, start: int = 0) -> list[Case]:
    return [make_case(f"case-{n:03d}") for n in range(start, start + count)]


COFFEE_QUESTIONS = [
    ("clarifying", "What would you like to know about the client?", "Asks about goal and scope."),
    ("framework", "How would you structure the problem?", "Revenue and cost branches."),
    ("math", "How many units must they sell to break even?", "5000 units exactly."),
    ("synthesis", "What do you tell the CEO?", "Answer first, then three reasons."),
]


def coffee_case(
    *, slug: str = "coffee-chain-profits", questions: int = 3, published: bool = True
) -> Case:
    """The lifecycle, API and page tests' case: a coffee chain whose profits fell."""
    return make_case(
        slug,
        title=f"Case {slug}",
        summary="A coffee chain's profits fell by a fifth.",
        prompt="Our client runs 200 coffee shops; profits fell 20% last year.",
        published=published,
        questions=COFFEE_QUESTIONS[:questions],
    )


def coffee_chain_case(*, questions: int = 3) -> Case:
    """The realtime tests' case: framework questions, one token each."""
    return make_case(
        "coffee-chain-profitability",
        title="Coffee chain profitability",
        summary="Profits fell 20% in a year.",
        prompt="Our client, a coffee chain, saw profits fall 20% last year.",
        estimated_minutes=30,
        questions=[
            (
                CaseQuestion.Kind.FRAMEWORK,
                f"Question {number}: how would you approach it?",
                f"Strong answer {number} segments revenue and costs.",
            )
            for number in range(1, questions + 1)
        ],
    )


# --- Interviews through the services ------------------------------------------------------------


def job_interview(owner: User, *, title: str = "Data analyst") -> Interview:
    return services.interview_create(owner=owner, kind="job", job_title=title)


def job_interview_draft(owner: User) -> Interview:
    return services.interview_create(
        owner=owner, kind="job", job_title="Data analyst", job_description="SQL and dashboards."
    )


def started_job_interview(owner: User) -> Interview:
    return services.interview_start(interview=job_interview(owner), actor=owner)


def case_interview(owner: User, case: Case | None = None) -> Interview:
    return services.interview_create(owner=owner, kind="case", case=case or coffee_case())


def started_case_interview(owner: User, case: Case | None = None) -> Interview:
    return services.interview_start(interview=case_interview(owner, case), actor=owner)


def recorded_interview(owner: User) -> Interview:
    """A started job interview with recording switched on."""
    interview = services.interview_create(owner=owner, kind="job", job_title="Analyst", record=True)
    return services.interview_start(interview=interview, actor=owner)


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


# --- Finished interviews with a fixed transcript, straight in the database (feedback) ------------

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


def widget_case() -> Case:
    """The case of CASE_SNAPSHOT (built once per test however often it is asked for)."""
    existing = Case.objects.filter(slug=CASE_SNAPSHOT["slug"]).first()
    if existing is not None:
        return existing
    return make_case(
        CASE_SNAPSHOT["slug"],
        title="Widget profits",
        case_type="profitability",
        lead_type="interviewer_led",
        difficulty="medium",
        industry="Manufacturing",
        summary="A widget maker's profits fell.",
        prompt=CASE_SNAPSHOT["prompt"],
        estimated_minutes=30,  # the model's default
        questions=[
            (q["kind"], q["prompt"], q["evaluator_context"]) for q in CASE_SNAPSHOT["questions"]
        ],
    )


def finished_case_interview(owner, *, turns=CASE_TURNS, feedback_status="pending") -> Interview:
    """A completed case interview with the fixed transcript, feedback not yet produced."""
    return _finished(
        owner,
        turns,
        feedback_status,
        kind="case",
        case=widget_case(),
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


# --- Recordings -------------------------------------------------------------------------------

# The start of a real MediaRecorder WebM file: the EBML header with DocType "webm".
WEBM_HEAD = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
)
OGG_HEAD = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01"
WEBM = "audio/webm;codecs=opus"


def recordings_dir_use(settings, tmp_path: Path) -> Path:
    """Point the "recordings" storage at a directory of the test's own (call from a fixture)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "recordings")},
        },
    }
    return tmp_path / "recordings"


def chunk(seq: int, size: int = 2000) -> bytes:
    """Chunk `seq` of a recording: the first starts with the WebM header, each is distinct."""
    body = bytes([seq % 256]) * size
    return WEBM_HEAD + body if seq == 0 else body


def upload(interview: Interview, chunks: int = 3, offset_ms: int = 0) -> Recording:
    """A complete recording of `chunks` chunks, through the services."""
    for seq in range(chunks):
        recordings.recording_chunk_store(
            interview=interview, seq=seq, content_type=WEBM, data=chunk(seq)
        )
    return recordings.recording_complete(interview=interview, chunks=chunks, offset_ms=offset_ms)


def recording_bytes(chunks: int = 3) -> bytes:
    return b"".join(chunk(seq) for seq in range(chunks))
