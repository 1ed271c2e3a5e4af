"""The room hears a spoken answer offline: espeak-ng speech as Chromium's microphone, transcribed
by the local engine, shown live, stored as turns and measured in the report.

Recognition is not exact, so the checks ask for a share of the expected words."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from interviews.models import Interview, TranscriptTurn
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_interview_room import expect_state, new_job_interview, sign_in
from tests.factories import make_user
from tests.speech import espeak_wav, heard_share

# 40 words (the report needs 25 to assess), with a figure, a name and a filler.
ANSWER = (
    "Um, I am a data analyst at Northwind Traders. Last year I built the weekly sales dashboard"
    " for twelve regional managers, and I found a pricing error that was costing us about forty"
    " thousand dollars a month, so finance fixed it quickly."
)
SPOKEN_TURNS = '[data-role="transcript"] li[data-speaker="candidate"][data-final="true"]'


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    """Silence while the room connects and greets, the answer, then a pause; Chromium loops it."""
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    return espeak_wav(ANSWER, path, words_per_minute=160, lead_seconds=6, pad_seconds=8)


@pytest.fixture(scope="module")
def speaking_browser(browser, answer_wav):
    """A second Chromium whose fake microphone plays the answer (the flag is per launch)."""
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={answer_wav}"]
    speaking = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    yield speaking
    speaking.close()


@pytest.fixture
def speaking_page(speaking_browser, room_env):
    context = speaking_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    page.evaluate("() => window.vocahireRoom && window.vocahireRoom.quiesce()")
    page.wait_for_function("() => !window.vocahireRoom || window.vocahireRoom.pending === 0")
    context.close()


def test_a_spoken_answer_reaches_the_live_transcript_the_stored_turns_and_the_report(
    speaking_page: Page, live_server, db
):
    page = speaking_page
    user = make_user("speaker@example.com", credits=2)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Data Analyst")

    page.click('[data-action="start"]')
    expect_state(page, "active")
    # The answer starts 6 s after the microphone opens and lasts about 15 s; then it is
    # transcribed and the interviewer moves on to the next question.
    spoken = page.locator(SPOKEN_TURNS).first
    expect(spoken).to_contain_text(re.compile(r"\w+ \w+ \w+"), timeout=45_000)
    live_text = spoken.inner_text()
    assert heard_share(ANSWER, live_text) >= 0.5, live_text

    page.click('[data-action="end"]')

    page.click('[data-action="confirm-end"]')  # the End dialog
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))

    stored = TranscriptTurn.objects.filter(
        interview=interview, speaker="candidate", source="speech"
    ).order_by("start_ms")
    assert stored, "no spoken turn was stored"
    stored_text = " ".join(turn.text for turn in stored)
    assert heard_share(ANSWER, stored_text) >= 0.5, stored_text
    assert "untranscribed" not in stored_text
    assert stored[0].duration_ms > 5_000  # the turn's timing came from the engine's speech events

    interview.refresh_from_db()
    assert interview.feedback_status == Interview.FeedbackStatus.READY
    page.reload()
    analytics = page.locator('[data-role="analytics"]')
    expect(analytics).to_be_visible()
    pace = analytics.locator('dd[data-metric="words_per_minute"]').inner_text()
    assert re.fullmatch(r"\d+(\.\d+)?", pace) and float(pace) > 0, pace
    assert int(analytics.locator('dd[data-metric="words"]').inner_text()) >= 25
    expect(analytics).to_contain_text("filler counts are a floor")
