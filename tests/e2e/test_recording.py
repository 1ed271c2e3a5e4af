"""Recording end to end: Chromium's fake microphone plays a spoken WAV (espeak-ng), the room records
both sides on the local engine, uploads the chunks and completes; the report plays the file with
range requests and a transcript turn seeks it."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import Page, Route, expect

from interviews.models import Interview, Recording, TranscriptTurn
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_interview_room import (
    INTERVIEWER_TURNS,
    expect_state,
    new_job_interview,
    sign_in,
)
from tests.factories import make_user, recordings_dir_use

SPOKEN = (
    "I led the migration of our reporting to a new warehouse, and I cut the weekly close"
    " from three days to one."
)


@pytest.fixture
def spoken_wav(tmp_path_factory):
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("espeak-ng is missing: install Debian's espeak-ng to make the spoken WAV")
    path = tmp_path_factory.mktemp("voice") / "answer.wav"
    subprocess.run([espeak, "-w", str(path), "-s", "150", SPOKEN], check=True, timeout=30)
    return path


@pytest.fixture
def speaking_page(browser, room_env, spoken_wav, settings, tmp_path):
    """A page in a browser of its own whose microphone speaks the WAV (on a loop)."""
    recordings_dir_use(settings, tmp_path)
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={spoken_wav}"]
    speaking = browser.browser_type.launch(executable_path=str(CHROMIUM), args=args)
    context = speaking.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    page.evaluate("() => window.vocahireRoom && window.vocahireRoom.quiesce()")
    page.wait_for_function("() => !window.vocahireRoom || window.vocahireRoom.pending === 0")
    context.close()
    speaking.close()


def test_recorded_interview_replays_on_the_report_and_a_turn_seeks_it(
    speaking_page: Page, live_server, db
):
    page = speaking_page
    user = make_user("voice@example.com", credits=2)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Data Analyst")

    # Asked before Start: ticking the box saves the choice on the interview.
    toggle = page.locator('[data-role="record-toggle"]')
    expect(toggle).not_to_be_checked()
    toggle.check()
    expect(toggle).to_be_enabled()  # disabled while the choice is being saved
    interview.refresh_from_db()
    assert interview.record is True

    # Interrupted uploads: chunk 1's first try meets a server error (retried), and chunk 2's first
    # try is "lost" after the browser thinks it arrived (the server never sees it): complete
    # must name it missing and the recorder send it again.
    tries: dict[str, int] = {}

    def flaky_network(route: Route) -> None:
        seq = route.request.url.rsplit("seq=", 1)[1]
        tries[seq] = tries.get(seq, 0) + 1
        if seq == "1" and tries[seq] == 1:
            route.fulfill(status=503, json={"detail": "busy", "code": "unavailable"})
        elif seq == "2" and tries[seq] == 1:
            route.fulfill(status=201, json={"seq": 2, "stored": True, "chunks": 3, "bytes": 0})
        else:
            route.continue_()

    page.route(re.compile(r"/recording/chunks\?seq=\d+$"), flaky_network)
    completes: list[int] = []
    page.on(
        "response",
        lambda r: completes.append(r.status) if r.url.endswith("/recording/complete") else None,
    )

    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator('[data-role="record-status"]')).to_have_text("Recording both voices.")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Data Analyst")
    # Chunks go up while the interview runs (one every 4 s).
    page.wait_for_function("() => window.vocahireRecorder.uploads >= 1", timeout=15_000)
    page.fill('[data-role="typed-answer"]', "I rebuilt the weekly revenue report for finance.")
    page.click('[data-action="send-text"]')
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2, timeout=20_000)
    # Let the interviewer say it (the text arrives before the audio ends): three chunks, 12 s.
    page.wait_for_function("() => window.vocahireRecorder.uploads >= 3", timeout=20_000)

    page.click('[data-action="end"]')

    page.click('[data-action="confirm-end"]')  # the End dialog
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"), timeout=30_000)

    recording = Recording.objects.get(interview=interview)
    assert recording.status == Recording.Status.READY
    assert tries["1"] == 2 and tries["2"] == 2  # each sent again, once
    assert completes == [409, 200]  # chunk 2 named missing, then complete
    assert recording.content_type in ("audio/webm", "audio/ogg")
    assert recording.size > 10_000
    # Measured by the server from chunk 0's arrival: the recorder starts with the call, seconds in.
    assert 0 < recording.offset_ms < 10_000, recording.offset_ms
    assert not recording.chunks.exists()
    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED

    audio = page.locator('[data-role="recording-audio"]')
    expect(audio).to_have_attribute("src", f"/api/v1/interviews/{interview.pk}/recording")
    # The file decodes to real sound of both sides, not silence.
    peak = page.evaluate(
        """async (url) => {
            const data = await (await fetch(url)).arrayBuffer();
            const decoded = await new OfflineAudioContext(1, 1, 48000).decodeAudioData(data);
            const samples = decoded.getChannelData(0);
            let peak = 0;
            for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
            return {peak, seconds: decoded.duration};
        }""",
        f"/api/v1/interviews/{interview.pk}/recording",
    )
    assert peak["peak"] > 0.05, peak
    assert peak["seconds"] > 10, peak
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-role=recording-audio]');"
        " return a.readyState >= 1 && isFinite(a.duration); }"
    )

    # The second question is the later turn: clicking it seeks there and plays.
    turns = TranscriptTurn.objects.filter(interview=interview, speaker="interviewer")
    second = turns.order_by("start_ms")[1]
    target = max(0, second.start_ms - recording.offset_ms) / 1000
    assert target > 1  # far enough from 0 for the seek to show
    button = page.locator(f'[data-action="seek"][data-start-ms="{second.start_ms}"]')
    button.click()
    page.wait_for_function(
        "(target) => { const a = document.querySelector('[data-role=recording-audio]');"
        " return !a.paused && a.currentTime > target; }",
        arg=target,
    )
    now = page.evaluate("() => document.querySelector('[data-role=recording-audio]').currentTime")
    assert target <= now < target + 3, (target, now)
    expect(button).to_have_class(re.compile(r"\bis-playing\b"))
    expect(button).to_have_attribute("aria-current", "true")

    # Keyboard: focus the first turn and press Enter: back to the start of the recording.
    first = page.locator('[data-action="seek"]').first
    first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(target) => document.querySelector('[data-role=recording-audio]').currentTime < target",
        arg=target,
    )
    expect(first).to_have_class(re.compile(r"\bis-playing\b"))


def test_a_case_interview_is_one_recording_across_its_questions(
    page: Page, live_server, settings, tmp_path, db
):
    from tests.e2e.test_interview_room import _case
    from tests.factories import make_subscription

    recordings_dir_use(settings, tmp_path)
    user = make_user("case-voice@example.com", credits=1)
    make_subscription(user)
    user.profile.record_interviews = True  # the profile's default ticks the room's box
    user.profile.save(update_fields=["record_interviews"])
    case = _case(questions=2)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/new/?case={case.slug}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]+/room/$"))
    interview = Interview.objects.get(pk=page.url.rstrip("/").split("/")[-2])
    assert interview.record is True
    expect(page.locator('[data-role="record-toggle"]')).to_be_checked()

    page.click('[data-action="start"]')
    expect_state(page, "active")
    page.wait_for_function("() => window.vocahireRecorder.uploads >= 1", timeout=15_000)
    page.click('[data-action="next-question"]')
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 2 of 2")
    expect_state(page, "active")
    # The second call's audio joins the same recording.
    page.wait_for_function("() => window.vocahireRecorder.uploads >= 3", timeout=20_000)
    page.click('[data-action="next-question"]')  # Finish the case
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"), timeout=30_000)

    recording = Recording.objects.get(interview=interview)
    assert recording.status == Recording.Status.READY
    # The question's opening line (the fake microphone's beeps may draw a follow-up after it).
    # The supervisor may store it after the report has rendered (the case was finished while
    # the line was still being spoken), so wait for it and load the report again.
    turns = TranscriptTurn.objects.filter(
        interview=interview, speaker="interviewer", question_number=2
    ).order_by("start_ms")
    deadline = time.monotonic() + 10
    while not turns.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    second = turns.first()
    assert second is not None, "question 2's opening line was never stored"

    # The report's script held back until the audio's metadata has loaded (a fast server, a cached
    # file): it must still find the duration, or the timeline stays at "Infinity".
    held: list[Route] = []
    page.route(re.compile(r"/static/js/replay(\.[0-9a-f]+)?\.js$"), lambda r: held.append(r))
    page.reload(wait_until="commit")  # "load" waits for the held script
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-role=recording-audio]');"
        " return a !== null && a.readyState >= 1; }"
    )
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.evaluate("() => 0")  # each call to the page lets the route's handler run
    assert held, "the report's script was never asked for"
    held[0].continue_()
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-role=recording-audio]');"
        " return a.readyState >= 1 && isFinite(a.duration) && a.duration > 1; }"
    )
    seconds = page.evaluate(
        """async (url) => {
            const data = await (await fetch(url)).arrayBuffer();
            return (await new OfflineAudioContext(1, 1, 48000).decodeAudioData(data)).duration;
        }""",
        f"/api/v1/interviews/{interview.pk}/recording",
    )
    # One file from question 1 to past the start of question 2.
    assert seconds * 1000 > second.start_ms - recording.offset_ms, (seconds, second.start_ms)
    expect(page.locator(f'[data-action="seek"][data-start-ms="{second.start_ms}"]')).to_be_visible()
