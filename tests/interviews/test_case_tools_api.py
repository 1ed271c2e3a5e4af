"""The case tools of a running case interview: hints, the scratchpad, the free sample case, what
the candidate's pages show before the end, and the report's math check, hints and scratchpad."""

from __future__ import annotations

import json

import pytest

from interviews import services
from interviews.case_library import BUNDLED_CASES_PATH, cases_import
from interviews.feedback import feedback_generate
from interviews.models import Case, Interview
from tests.factories import api_as, turns_add

pytestmark = pytest.mark.django_db
CASES = {c["slug"]: c for c in json.loads(BUNDLED_CASES_PATH.read_text())["cases"]}
NORDVIK = CASES["nordvik-air-loss-making-route"]
HIDDEN_FACTS = [
    fact
    for case in CASES.values()
    for q in case["questions"]
    for fact in q["interviewer_data"].splitlines()
]


@pytest.fixture
def library(db) -> None:
    cases_import(path=BUNDLED_CASES_PATH)


def _started(owner, slug: str = "nordvik-air-loss-making-route") -> Interview:
    case = Case.objects.get(slug=slug)
    interview = services.interview_create(owner=owner, kind="case", case=case)
    return services.interview_start(interview=interview, actor=owner)


def _url(interview: Interview, n: int, tool: str) -> str:
    return f"/api/v1/interviews/{interview.pk}/questions/{n}/{tool}"


# --- Hints ----------------------------------------------------------------------------------------


def test_hints_are_revealed_one_at_a_time_counted_and_run_out(library, subscriber) -> None:
    interview = _started(subscriber)
    api = api_as(subscriber)
    hints = NORDVIK["questions"][0]["hints"]

    first = api.post(_url(interview, 1, "hints"))
    second = api.post(_url(interview, 1, "hints"))
    third = api.post(_url(interview, 1, "hints"))

    assert first.status_code == 200
    assert first.json() == {
        "question_number": 1,
        "hint_number": 1,
        "hint": hints[0],
        "hints_total": 2,
        "revealed": hints[:1],
    }
    assert second.json()["revealed"] == hints
    assert (third.status_code, third.json()["code"]) == (409, "no_hints_left")
    interview.refresh_from_db()
    assert interview.hints_used == {"1": 2}


def test_hints_only_for_the_open_question_of_a_running_interview(library, subscriber) -> None:
    api = api_as(subscriber)
    interview = _started(subscriber)
    draft = services.interview_create(
        owner=subscriber, kind="case", case=Case.objects.get(slug="bakery-bread-waste")
    )

    future = api.post(_url(interview, 2, "hints"))
    missing = api.post(_url(interview, 9, "hints"))
    not_started = api.post(_url(draft, 1, "hints"))

    assert (future.status_code, future.json()["code"]) == (400, "future_question")
    assert (missing.status_code, missing.json()["code"]) == (404, "question_not_found")
    assert (not_started.status_code, not_started.json()["code"]) == (
        400,
        "interview_not_in_progress",
    )
    interview.refresh_from_db()
    assert interview.hints_used == {}


# --- Scratchpad ------------------------------------------------------------------------------------


def test_the_scratchpad_is_saved_per_question_and_capped(library, subscriber) -> None:
    interview = _started(subscriber)
    api = api_as(subscriber)

    saved = api.put(_url(interview, 1, "scratchpad"), {"text": "4 x 365 = 1460"}, format="json")
    again = api.put(_url(interview, 1, "scratchpad"), {"text": "1460 flights"}, format="json")
    too_long = api.put(_url(interview, 1, "scratchpad"), {"text": "x" * 10_001}, format="json")

    assert saved.status_code == 200
    assert saved.json()["question_number"] == 1 and saved.json()["text"] == "4 x 365 = 1460"
    assert again.status_code == 200 and too_long.status_code == 400
    interview.refresh_from_db()
    assert interview.scratchpad == {"1": "1460 flights"}


# --- The free sample case ----------------------------------------------------------------------------


def test_anyone_signed_in_can_run_the_free_case_but_not_the_others(
    library, client, candidate
) -> None:
    api = api_as(candidate)
    free = services.interview_create(
        owner=candidate, kind="case", case=Case.objects.get(slug="bakery-bread-waste")
    )
    paid = services.interview_create(
        owner=candidate, kind="case", case=Case.objects.get(slug=NORDVIK["slug"])
    )

    started = api.post(f"/api/v1/interviews/{free.pk}/start")
    refused = api.post(f"/api/v1/interviews/{paid.pk}/start")

    assert (started.status_code, started.json()["status"]) == (200, "in_progress")
    assert (refused.status_code, refused.json()["code"]) == (403, "subscription_required")
    free.refresh_from_db()
    assert free.can_be_run_by(candidate) is True
    client.force_login(candidate)
    page = client.get("/cases/bakery-bread-waste/").content.decode()
    assert 'data-role="free-case"' in page
    assert 'data-action="start-case">' in page  # enabled
    assert (
        'data-action="start-case" disabled'
        in client.get(f"/cases/{NORDVIK['slug']}/").content.decode()
    )


# --- What the candidate's pages show before the end ------------------------------------------------


def test_candidate_pages_never_show_interviewer_data_before_the_end(
    library, client, subscriber
) -> None:
    interview = _started(subscriber)
    client.force_login(subscriber)
    services.interview_question_complete(interview=interview, actor=subscriber, question_number=1)
    services.interview_question_complete(interview=interview, actor=subscriber, question_number=2)

    pages = [
        client.get(f"/interviews/{interview.pk}/room/").content.decode(),
        client.get(f"/interviews/{interview.pk}/").content.decode(),
        client.get(f"/cases/{NORDVIK['slug']}/").content.decode(),
        json.dumps(api_as(subscriber).get("/api/v1/cases").json()),
        json.dumps(api_as(subscriber).get(f"/api/v1/cases/{interview.case_id}").json()),
    ]

    for page in pages:
        leaked = [fact for fact in HIDDEN_FACTS if fact in page]
        assert not leaked, leaked
        assert "Look at the route" not in page  # nor hints not yet taken
    room = pages[0]
    assert NORDVIK["brief"] in room  # the brief stays reachable
    assert '<div class="card room-exhibit" data-role="exhibit" data-question="3">' in room
    assert '<th scope="col">What research says</th>' in room
    assert 'data-action="hint"' in room and 'data-role="scratchpad"' in room


def test_room_query_count_is_fixed(library, client, subscriber, django_assert_num_queries) -> None:
    interview = _started(subscriber)
    client.force_login(subscriber)
    client.get(f"/interviews/{interview.pk}/room/")  # warms the billing snapshot in the navigation

    with django_assert_num_queries(3):  # session, user, interview
        response = client.get(f"/interviews/{interview.pk}/room/")

    assert response.status_code == 200


# --- The report -----------------------------------------------------------------------------------

TURNS = [
    (1, "interviewer", "Here is the case. What do you want to know about the route?", 0, 4000, "speech"),
    (1, "candidate", "How many flights a day are there, and what is the load factor on them?", 4000, 5000, "typed"),
    (1, "interviewer", "Good question. 4 flights a day, load factor 70%.", 9000, 3000, "speech"),
    (2, "interviewer", "How much does the route lose a year?", 12000, 3000, "speech"),
    (2, "candidate", "Can I have a hint?", 15000, 1000, "typed"),
    (2, "candidate", "Revenue per flight is 126 passengers times 100 euros, 12,600 against costs of 13,500, "
     "so 900 a flight; with 1,460 flights the route loses about 1.3 million euros a year. "
     "Break-even needs 135 passengers, a 75 % load factor.", 16000, 20000, "typed"),
]  # fmt: skip


def test_report_checks_the_math_and_lists_hints_and_scratchpad(library, client, subscriber) -> None:
    interview = _started(subscriber)
    api = api_as(subscriber)
    services.interview_question_complete(interview=interview, actor=subscriber, question_number=1)
    api.post(_url(interview, 2, "hints"))
    api.put(
        _url(interview, 2, "scratchpad"), {"text": "126 x 100 = 12,600\n900 x 1460"}, format="json"
    )
    turns_add(interview, TURNS)
    services.interview_end(interview=interview, actor=subscriber)
    feedback_generate(interview_id=interview.pk)

    report = api.get(f"/api/v1/interviews/{interview.pk}/feedback").json()

    by_number = {q["number"]: q for q in report["questions"]}
    assert by_number[2]["math"] == {
        "expected": 1314000,
        "unit": "EUR",
        "stated": 1300000.0,
        "correct": True,
        "diagnosis": None,
    }
    assert by_number[1]["math"] is None  # not a math question
    assert by_number[2]["hints_used"] == 1
    assert by_number[2]["hints"] == NORDVIK["questions"][1]["hints"][:1]
    assert by_number[2]["scratchpad"].endswith("900 x 1460")
    assert by_number[3]["exhibit"]["title"] == "Nordvik Air: options for the route"
    assert "math" not in by_number[2]["measured"]
    client.force_login(subscriber)
    html = client.get(f"/interviews/{interview.pk}/").content.decode()
    assert 'data-role="math-check" data-correct="true"' in html
    assert "Hints taken: 1" in html and NORDVIK["questions"][1]["hints"][0] in html
    assert "900 x 1460" in html
    # Once the interview is over, the report shows what the interviewer held back.
    assert (
        by_number[1]["interviewer_data"] == NORDVIK["questions"][0]["interviewer_data"].splitlines()
    )
    assert "What the interviewer could tell you when asked" in html
