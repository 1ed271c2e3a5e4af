"""A candidate-led case in the browser with its case tools: the brief, a clarifying question whose
hidden fact appears only once asked, the follow-up guard, a hint, the scratchpad, the exhibit
table, the math answered by typing, and the report that checks it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from interviews.case_library import BUNDLED_CASES_PATH, cases_import
from interviews.models import Case, Interview
from tests.e2e.test_interview_room import INTERVIEWER_TURNS, ROOM, expect_state, sign_in
from tests.factories import make_subscription, make_user

SLUG = "nordvik-air-loss-making-route"
HIDDEN_FACT = "4 flights a day (2 in each direction)"
TYPED = '[data-role="transcript"] li[data-source="typed"]'


def _type(page: Page, text: str) -> None:
    """Type an answer and wait for the interviewer's reply (counts, not texts: the microphone's
    beeps may add turns of their own when the engine transcribes them)."""
    before = page.locator(INTERVIEWER_TURNS).count()
    page.fill('[data-role="typed-answer"]', text)
    page.click('[data-action="send-text"]')
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[INTERVIEWER_TURNS, before]
    )


def test_candidate_led_case_with_brief_hidden_data_hint_scratchpad_exhibit_and_math(
    page: Page, live_server, db
):
    cases_import(path=BUNDLED_CASES_PATH)
    case = Case.objects.get(slug=SLUG)
    user = make_user("led@example.com")
    make_subscription(user)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/new/?case={SLUG}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]+/room/$"))
    interview = Interview.objects.get(pk=page.url.rstrip("/").split("/")[-2])
    room = page.locator(ROOM)

    # Question 1: the brief is on screen and read out; the hidden facts are not.
    expect(page.locator('[data-role="case-brief"]')).to_have_attribute("open", "")
    expect(page.locator('[data-role="case-brief-text"]')).to_contain_text(case.brief[:60])
    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Here is the case. Nordvik Air")
    assert HIDDEN_FACT not in page.content()

    _type(page, "How many flights a day does the route have?")
    expect(page.locator(INTERVIEWER_TURNS, has_text=HIDDEN_FACT)).to_have_count(1)

    # Question 2 (math): a hint, the scratchpad, the answer typed.
    page.click('[data-action="next-question"]')
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 2 of 4")
    expect_state(page, "active")
    expect(page.locator('[data-role="case-brief"]')).not_to_have_attribute("open", "")
    expect(page.locator(INTERVIEWER_TURNS, has_text="How much does the route lose")).to_have_count(
        1
    )
    page.click('[data-action="hint"]')
    hints = case.questions.get(number=2).hints
    expect(page.locator('[data-role="hints"] li')).to_have_text([hints[0]])
    expect(page.locator('[data-role="hint-status"]')).to_have_text("1 hint left")
    page.fill(
        '[data-role="scratchpad"]', "126 x 100 = 12,600 a flight\n13,500 - 12,600 = 900 a flight"
    )
    expect(page.locator('[data-role="scratchpad-status"]')).to_have_text("Saved")
    _type(
        page,
        "Each flight carries 126 passengers at 100 euros, 12,600 against 13,500 of costs, so it "
        "loses 900 a flight; with 1,460 flights a year the route loses about 1.31 million euros "
        "a year. It breaks even at 135 passengers, a 75 % load factor.",
    )

    # The interviewer follows up with a question: Next question asks first. Answer it once...
    expect(page.locator(INTERVIEWER_TURNS).last).to_contain_text("?")
    page.click('[data-action="next-question"]')
    expect(page.locator('[data-role="follow-up-guard"]')).to_be_visible()
    page.click('[data-action="answer-follow-up"]')
    expect(page.locator('[data-role="follow-up-guard"]')).to_be_hidden()
    interview.refresh_from_db()
    assert interview.current_question == 2
    _type(page, "The driver is the fixed lease, which the airline pays whatever it flies.")
    # ...then skip the next follow-up.
    expect(page.locator(INTERVIEWER_TURNS).last).to_contain_text("?")
    page.click('[data-action="next-question"]')
    expect(page.locator('[data-role="follow-up-guard"]')).to_be_visible()
    page.click('[data-action="skip-follow-up"]')

    # Question 3: its exhibit appears as a table; asking for a hint out loud (typed) counts too.
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 3 of 4")
    exhibit = page.locator('[data-role="exhibit"][data-question="3"]')
    expect(exhibit).to_be_visible()
    expect(exhibit.locator("th")).to_contain_text(["Option", "What changes", "What research says"])
    expect(exhibit.locator("tbody tr")).to_have_count(3)
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS, has_text="question 3 of 4")).to_have_count(1)
    _type(page, "Can I have a hint?")
    expect(page.locator(INTERVIEWER_TURNS, has_text="Here's a hint:")).to_have_count(1)
    expect(page.locator('[data-role="hints"] li')).to_have_count(1)

    page.click('[data-action="end"]')

    page.click('[data-action="confirm-end"]')  # the End dialog
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))
    interview.refresh_from_db()
    assert interview.hints_used == {"2": 1, "3": 1}
    assert interview.scratchpad["2"].endswith("900 a flight")
    expect(room).to_have_count(0)
    q2 = page.locator('.report-question[data-question="2"]')
    expect(q2.locator('[data-role="math-check"]')).to_have_attribute("data-correct", "true")
    expect(q2.locator('[data-role="hints-used"]')).to_contain_text(hints[0])
    expect(q2.locator('[data-role="scratchpad-report"]')).to_contain_text("900 a flight")
    expect(
        page.locator('.report-question[data-question="3"] [data-role="exhibit-table"]')
    ).to_be_visible()
