"""The room as a candidate lives it (issue 15): truthful mute, a confirmed End, a reload that
resumes the interview where it was, and a room that is accessible (axe-core) and never scrolls
sideways at 390 and 1280 px, in light and dark mode. Chromium, the live server, the local engine
and the supervisor, as in test_interview_room.py."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from interviews.models import Interview, TranscriptTurn
from interviews.services import interview_create, interview_start
from realtime.models import RealtimeCall
from tests.e2e.test_interview_room import (
    ANSWER,
    INTERVIEWER_TURNS,
    ROOM,
    _case,
    balance,
    expect_state,
    new_job_interview,
    sign_in,
)
from tests.factories import make_subscription, make_user

SHOTS = Path("/tmp/i15a")
STATUS = '[data-role="stage"]'
SPEAKING = '[data-role="speaking"]'


def start_live(page: Page, base_url: str, email: str, title: str) -> Interview:
    make_user(email, credits=3)
    sign_in(page, base_url, email)
    interview = new_job_interview(page, base_url, title)
    page.click('[data-action="start"]')
    expect_state(page, "active")
    return interview


def test_muted_the_room_never_says_the_interviewer_hears_you(page: Page, live_server, db):
    start_live(page, live_server.url, "mute@example.com", "Pilot")
    status, speaking = page.locator(STATUS), page.locator(SPEAKING)
    expect(status).to_have_text("Live: the interviewer can hear you.")
    # After Start the focus is on the live status, not lost to the page body.
    assert page.evaluate("() => document.activeElement.dataset.role") == "stage"
    expect(page.locator("text=mutes or unmutes")).to_be_visible()  # the shortcut is on screen

    page.keyboard.press("m")
    mute = page.locator('[data-action="mute"]')
    expect(mute).to_have_attribute("aria-pressed", "true")
    expect(mute).to_have_text("Unmute")
    expect(status).to_contain_text("Muted: the interviewer cannot hear you")
    expect(status).not_to_contain_text("can hear you.")
    assert page.evaluate("() => window.vocahireRoom.mic.getAudioTracks()[0].enabled") is False
    # Speech events while muted (a breath before the mute landed) never show "You are speaking".
    page.evaluate("() => window.vocahireRoom.who = 'candidate'")
    page.keyboard.press("m")
    page.keyboard.press("m")
    expect(speaking).to_have_text(re.compile(r"^(Muted|Interviewer is speaking)$"))
    expect(speaking).not_to_have_text("You are speaking")

    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text("Live: the interviewer can hear you.")
    assert page.evaluate("() => window.vocahireRoom.mic.getAudioTracks()[0].enabled") is True
    # Typing an "m" in the answer box is a letter, not the shortcut.
    page.fill('[data-role="typed-answer"]', "")
    page.focus('[data-role="typed-answer"]')
    page.keyboard.press("m")
    expect(mute).to_have_attribute("aria-pressed", "false")
    assert page.locator("[aria-live]").count() == 1  # one polite region: the status


def test_end_asks_first_says_what_it_costs_and_that_the_report_follows(page: Page, live_server, db):
    interview = start_live(page, live_server.url, "end@example.com", "Florist")
    dialog = page.locator('[data-role="end-dialog"]')
    page.click('[data-action="end"]')
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Starting used 1 credit; ending does not use another.")
    expect(dialog).to_contain_text("Your report follows")
    expect(page.locator('[data-action="cancel-end"]')).to_be_focused()

    page.click('[data-action="cancel-end"]')
    expect(dialog).to_be_hidden()
    expect_state(page, "active")  # keep going: nothing ended
    assert Interview.objects.get(pk=interview.pk).status == Interview.Status.IN_PROGRESS

    page.click('[data-action="end"]')
    page.click('[data-action="confirm-end"]')
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))
    assert Interview.objects.get(pk=interview.pk).status == Interview.Status.COMPLETED


def test_focus_follows_errors_and_the_steps_stay_one_line_on_a_phone(page: Page, live_server, db):
    make_user("focus@example.com", credits=3)
    sign_in(page, live_server.url, "focus@example.com")
    new_job_interview(page, live_server.url, "Surveyor")
    page.set_viewport_size({"width": 390, "height": 844})
    slow = "**/api/v1/interviews/*/calls"
    page.route(slow, lambda route: route.abort("internetdisconnected"))
    page.click('[data-action="start"]')
    expect_state(page, "error")
    # The error has the focus (a screen reader reads it), and the Retry is right there.
    assert page.evaluate("() => document.activeElement.dataset.role") == "error"
    # On a phone only the step that failed shows, on one line under the status.
    steps = page.locator('[data-role="progress"] li:visible')
    expect(steps).to_have_count(1)
    expect(steps).to_have_text("Session")
    assert page.locator('[data-role="progress"]').bounding_box()["height"] < 40
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "room-error-390.png"), full_page=True)
    page.unroute(slow)


def _server_turns(interview: Interview, speaker: str, count: int, timeout: float = 20) -> None:
    # The supervisor writes turns in batches, an interviewer line once its audio has played.
    deadline = time.monotonic() + timeout
    while TranscriptTurn.objects.filter(interview=interview, speaker=speaker).count() < count:
        assert time.monotonic() < deadline, f"fewer than {count} {speaker} turns were stored"
        time.sleep(0.2)


def test_a_reload_resumes_the_transcript_the_timer_and_the_question(page: Page, live_server, db):
    interview = start_live(page, live_server.url, "reload@example.com", "Geologist")
    user = interview.owner
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Tell me about yourself")
    page.fill('[data-role="typed-answer"]', ANSWER)
    page.keyboard.press("Control+Enter")  # the visible shortcut sends it
    # Answered once the greeting has been spoken to its end.
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2, timeout=30_000)
    second = page.locator(INTERVIEWER_TURNS).nth(1).locator(".turn-text").inner_text()
    assert "Walk me through a project" in second
    expect(page.locator('[data-role="question-text"]')).to_have_text(second)  # pinned
    _server_turns(interview, "interviewer", 2)

    # Leaving a live interview asks first (beforeunload); the candidate leaves anyway.
    asked: list[str] = []
    page.on("dialog", lambda d: (asked.append(d.type), d.accept()))
    page.reload()
    assert asked == ["beforeunload"]

    expect(page.locator('[data-action="start"]')).to_have_text("Reconnect")
    expect(page.locator(STATUS)).to_contain_text("continue where you left off")
    transcript = page.locator('[data-role="transcript"]')
    expect(transcript.locator('li[data-source="typed"]')).to_contain_text("messy sales dataset")
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2)
    expect(page.locator('[data-role="question-text"]')).to_contain_text("Walk me through a project")
    interview.refresh_from_db()
    left = interview.deadline.timestamp() - time.time()
    shown = page.locator('[data-role="timer"]').inner_text()
    minutes, seconds = (int(part) for part in shown.split(":"))
    assert abs(minutes * 60 + seconds - left) < 5, (shown, left)
    assert shown != f"{interview.time_limit_minutes}:00"

    page.evaluate(PHASES)
    page.click('[data-action="start"]')
    expect_state(page, "active")
    assert any(p.startswith("reconnecting|Reconnecting: ") for p in page.evaluate("window.phases"))
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(3, timeout=20_000)
    resumed = page.locator(INTERVIEWER_TURNS).nth(2).locator(".turn-text").inner_text()
    assert resumed.startswith("Welcome back, let's continue.")
    assert "Walk me through a project" in resumed and "Tell me about yourself" not in resumed
    assert balance(user) == 2  # charged once; the reconnect was free
    calls = list(RealtimeCall.objects.filter(interview=interview).order_by("created_at"))
    assert [c.status for c in calls] == ["ended", "live"]  # one live call per question
    assert "CONVERSATION SO FAR" in calls[1].instructions and ANSWER in calls[1].instructions


def test_a_case_question_resumes_after_a_reload_with_its_question_pinned(
    page: Page, live_server, db
):
    user = make_user("case-reload@example.com")
    make_subscription(user)
    interview = interview_start(
        interview=interview_create(owner=user, kind="case", case=_case(questions=2)), actor=user
    )
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/{interview.pk}/room/")
    pinned = page.locator('[data-role="question-text"]')
    expect(pinned).to_contain_text("driver number 1")
    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("question 1 of 2")
    _server_turns(interview, "interviewer", 1)

    page.on("dialog", lambda d: d.accept())
    page.reload()
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(1)  # the transcript so far
    expect(pinned).to_contain_text("driver number 1")
    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2, timeout=20_000)
    resumed = page.locator(INTERVIEWER_TURNS).nth(1).locator(".turn-text").inner_text()
    assert resumed.startswith("Welcome back, let's continue.") and "driver number 1" in resumed
    assert "Here is the case" not in resumed and "Hello" not in resumed  # not opened again
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 1 of 2")


PHASES = """() => {
    // What the status line said at each state change (the reconnecting phase is brief).
    const room = document.getElementById("room");
    const stage = room.querySelector('[data-role="stage"]');
    window.phases = [];
    new MutationObserver(() => window.phases.push(`${room.dataset.phase}|${stage.textContent}`))
        .observe(room, {attributes: true, attributeFilter: ["data-state"]});
}"""
SERIOUS = ("serious", "critical")


def _audit(page: Page, label: str, axe: Axe) -> list[str]:
    """Serious or critical axe violations and sideways scrolling, with a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{label}.png"), full_page=True)
    problems = [
        f"{label}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in SERIOUS
    ]
    if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"{label}: the page scrolls sideways")
    return problems


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_room_is_accessible_idle_and_live_at_390_and_1280(
    page: Page, live_server, db, scheme: str
):
    axe = Axe()
    page.emulate_media(color_scheme=scheme)
    make_user(f"axe-{scheme}@example.com", credits=3)
    sign_in(page, live_server.url, f"axe-{scheme}@example.com")
    new_job_interview(page, live_server.url, "Accessibility Specialist")
    problems: list[str] = []
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        problems += _audit(page, f"room-idle-{width}-{scheme}", axe)
    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).first).to_be_visible()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        problems += _audit(page, f"room-live-{width}-{scheme}", axe)
    page.click('[data-action="end"]')
    problems += _audit(page, f"room-end-dialog-{scheme}", axe)
    assert not problems, "\n".join(problems)
    assert page.locator(ROOM).get_attribute("data-state") == "active"
