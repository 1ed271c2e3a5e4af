"""The interview room end to end: Chromium with a fake microphone, the live server (Celery eager)
and the real local realtime engine on loopback. Balances and transcripts are checked in the DB."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from billing import services as billing
from billing.models import LedgerEntry
from interviews.models import Case, CaseQuestion, Interview, StageTiming, TranscriptTurn
from interviews.services import interview_create, interview_start
from realtime.models import RealtimeCall, RealtimeSession
from realtime.monitoring import CONNECT_STAGES
from tests.e2e.browser import STAGE_REPORT
from tests.factories import PASSWORD, make_subscription, make_user
from vocahire.lib.breaker import breaker_reset, mint_breaker

ROOM = "#room"
INTERVIEWER_TURNS = '[data-role="transcript"] li[data-speaker="interviewer"][data-final="true"]'


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))


def new_job_interview(page: Page, base_url: str, title: str) -> Interview:
    page.goto(f"{base_url}/interviews/new/")
    page.fill("input[name=job_title]", title)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]+/room/$"))
    return Interview.objects.get(pk=page.url.rstrip("/").split("/")[-2])


def expect_state(page: Page, state: str, timeout: int = 15_000) -> None:
    expect(page.locator(ROOM)).to_have_attribute("data-state", state, timeout=timeout)


def stage_item(page: Page, stage: str) -> Locator:
    return page.locator(f'[data-role="progress"] [data-stage="{stage}"]')


def balance(user) -> int:
    return billing.credits_balance(user_id=user.pk)


def record_stages(label: str, interview: Interview, question_number: int = 1) -> dict[str, int]:
    """Start-to-active of the last successful attempt, from what the room sent to /events."""
    active = StageTiming.objects.filter(
        interview=interview, question_number=question_number, stage="active"
    ).latest("created_at")
    rows = StageTiming.objects.filter(
        interview=interview, attempt=active.attempt, question_number=question_number
    )
    marks = {row.stage: row.elapsed_ms for row in rows}
    STAGE_REPORT.append((label, [(s, marks[s]) for s in CONNECT_STAGES if s in marks]))
    return marks


# Long enough (33 words) for the report to assess rather than say "not enough to assess".
ANSWER = (
    "Um, I cleaned a messy sales dataset of forty thousand rows, basically by removing duplicate"
    " customer records, and then I found the revenue leak in the refunds table and fixed the"
    " weekly reporting."
)


def test_job_interview_from_sign_in_to_the_interview_page(page: Page, live_server, room_env, db):
    user = make_user("jo@example.com", credits=3)
    bodies: list[str] = []
    page.on("response", lambda response: bodies.append(_body(response)))
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Data Analyst")

    page.click('[data-action="start"]')
    expect_state(page, "active")
    # The greeting is spoken for several seconds: the indicator follows output_audio_buffer.*.
    expect(page.locator(ROOM)).to_have_attribute("data-speaking", "interviewer")
    expect(page.locator('[data-role="speaking"]')).to_have_text("Interviewer is speaking")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Data Analyst")
    assert balance(user) == 2
    expect(page.locator('header [data-role="credits"]')).to_have_text("2 credits")
    expect(page.locator('[data-role="timer"]')).to_have_text(re.compile(r"^(29|30):[0-5]\d$"))
    page.click('[data-action="mute"]')
    expect(page.locator('[data-action="mute"]')).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("() => window.vocahireRoom.mic.getAudioTracks()[0].enabled") is False
    page.click('[data-action="mute"]')
    assert page.evaluate("() => window.vocahireRoom.mic.getAudioTracks()[0].enabled") is True

    page.fill('[data-role="typed-answer"]', ANSWER)
    page.click('[data-action="send-text"]')
    expect(page.locator('[data-role="transcript"] li[data-source="typed"]')).to_contain_text(
        "messy sales dataset"
    )
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2)
    second_question = page.locator(INTERVIEWER_TURNS).nth(1).inner_text()

    page.click('[data-action="end"]')

    page.click('[data-action="confirm-end"]')  # the End dialog
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))

    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED
    # The server created the call and the supervisor kept the transcript; End hung it up.
    call = RealtimeCall.objects.get(interview=interview)
    assert (call.status, call.end_reason, call.greeted) == ("ended", "ended", True)
    assert room_env.call_record(call.upstream_call_id)["hung_up"] is True
    assert interview.call_id == "" and not RealtimeSession.objects.filter(interview=interview)
    # No response the page received, nor the page itself, holds a key.
    assert not [b for b in bodies if "ek_" in b or settings.OPENAI_API_KEY in b]
    turns = list(TranscriptTurn.objects.filter(interview=interview).order_by("start_ms", "id"))
    assert {t.origin for t in turns} == {"server"}
    # The fake microphone's beep may also be stored as (untranscribed) speech; the typed answer
    # must sit between the first question and the next one.
    asked = [t for t in turns if t.speaker == "interviewer"]
    typed = [t for t in turns if t.source == "typed"]
    assert [t.text for t in typed] == [ANSWER]
    assert typed[0].speaker == "candidate"
    assert len(asked) == 2 and "Data Analyst" in asked[0].text
    assert asked[1].text in second_question
    assert turns.index(asked[0]) < turns.index(typed[0]) < turns.index(asked[1])
    assert balance(user) == 2  # charged once, at start
    marks = record_stages("job interview", interview)
    assert set(CONNECT_STAGES) <= set(marks)
    assert marks["active"] < 10_000

    # Feedback ran on end (Celery eager): the report shows the measured analytics.
    interview.refresh_from_db()
    assert interview.feedback_status == Interview.FeedbackStatus.READY
    page.reload()
    analytics = page.locator('[data-role="analytics"]')
    expect(analytics).to_be_visible()
    expect(analytics.locator('dd[data-metric="words"]')).to_have_text(str(len(ANSWER.split())))
    # Honest figures, a chart drawn from data, and the measured structure signals.
    expect(analytics.locator('dd[data-metric="duration"]')).to_have_text(re.compile(r"^\d+ s$"))
    expect(analytics.locator('dd[data-metric="typed_words"]')).to_have_text("33")
    expect(analytics.locator('[data-role="chart"] desc').first).to_contain_text("A1: 33")
    action = page.locator('[data-role="signals"] [data-signal="star_action"][data-present="true"]')
    expect(action.first).to_contain_text("I cleaned a messy sales dataset")


def _body(response) -> str:
    try:
        return response.text()
    except Exception:  # redirects and aborted requests have no body to read
        return ""


def _case(questions: int = 4) -> Case:
    case = Case.objects.create(
        title="Harbour Ferries",
        slug="harbour-ferries",
        case_type="profitability",
        lead_type="interviewer_led",
        difficulty="medium",
        industry="Transport",
        summary="A ferry operator's profits fell.",
        prompt="A harbour ferry operator saw profits fall by a fifth in two years.",
        published=True,
    )
    for n in range(1, questions + 1):
        CaseQuestion.objects.create(
            case=case,
            number=n,
            kind="framework",
            prompt=f"Question {n}: how would you look at driver number {n} of the decline?",
            evaluator_context="Revenue and cost split.",
        )
    return case


def test_case_interview_through_two_questions(page: Page, live_server, db):
    user = make_user("case@example.com", credits=1)
    make_subscription(user)
    case = _case(questions=2)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/new/?case={case.slug}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]+/room/$"))
    interview = Interview.objects.get(pk=page.url.rstrip("/").split("/")[-2])
    expect(page.locator('[data-role="mic-check"]')).to_contain_text("headphones")
    page.click('[data-action="mic-check"]')
    # Chromium's fake microphone beeps: the level meter must move before anything is started.
    page.wait_for_function("() => document.querySelector('[data-role=mic-level]').value > 0")
    assert interview.status == Interview.Status.DRAFT

    page.click('[data-action="start"]')
    expect_state(page, "active")
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 1 of 2")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("driver number 1")

    page.click('[data-action="next-question"]')
    expect(page.locator('[data-role="question-progress"]')).to_have_text("Question 2 of 2")
    expect(page.locator('[data-role="question-text"]')).to_contain_text("driver number 2")
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).last).to_contain_text("driver number 2")
    interview.refresh_from_db()
    assert interview.status == Interview.Status.IN_PROGRESS
    assert (interview.current_question, interview.questions_completed) == (2, 1)

    # On the last question the same control finishes the case and opens the interview page.
    expect(page.locator('[data-action="next-question"]')).to_have_text("Finish the case")
    page.click('[data-action="next-question"]')
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))
    interview.refresh_from_db()
    assert interview.status == Interview.Status.COMPLETED
    assert interview.questions_completed == 2
    calls = RealtimeCall.objects.filter(interview=interview).order_by("question_number")
    assert list(calls.values_list("question_number", "status", "end_reason")) == [
        (1, "ended", "next_question"),
        (2, "ended", "ended"),
    ]
    asked = TranscriptTurn.objects.filter(interview=interview, speaker="interviewer")
    # One greeting per question, asked for by the supervisor and recorded from its sideband. The
    # supervisor writes turns in batches, so question 2's may land just after the finish click.
    deadline = time.monotonic() + 10
    while asked.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sorted(asked.values_list("question_number", flat=True)) == [1, 2]
    assert set(asked.values_list("origin", flat=True)) == {"server"}
    assert balance(user) == 1  # case interviews are covered by the subscription
    record_stages("case interview, question 1 (microphone checked first)", interview, 1)
    record_stages("case interview, question 2", interview, question_number=2)


def test_no_credits_shows_insufficient_credits_and_the_buy_link(page: Page, live_server, db):
    user = make_user("broke@example.com")
    sign_in(page, live_server.url, user.email)
    # The new-interview form now offers to buy first (issue 15, pages): a broke candidate reaches
    # the room through a draft made earlier, e.g. while they still had credits.
    interview = interview_create(owner=user, kind="job", job_title="Barista")
    page.goto(f"{live_server.url}/interviews/{interview.pk}/room/")

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "insufficient_credits")
    buy = page.locator('[data-action="buy-credits"]')
    expect(buy).to_be_visible()
    # Buying comes back to this room (billing.returns validates the path).
    room_path = f"/interviews/{interview.pk}/room/"
    expect(buy).to_have_attribute("href", f"/billing/pricing/?next={quote(room_path, safe='')}")
    expect(page.locator('[data-role="error"]')).to_contain_text("no interview credits")
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DRAFT
    assert balance(user) == 0
    assert not RealtimeCall.objects.filter(interview=interview).exists()


def test_upstream_refusing_the_call_refunds_the_credit(page: Page, live_server, room_env, db):
    user = make_user("refused@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Nurse")
    room_env.configure(refuse_calls=True)

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "upstream_unavailable")
    expect(page.locator('[data-action="retry"]')).to_be_visible()
    expect(stage_item(page, "fetching_token")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator('[data-action="buy-credits"]')).to_be_hidden()
    assert balance(user) == 3  # charged by the call, refunded in the same request
    kinds = list(LedgerEntry.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds.count("interview_debit") == kinds.count("refund") == 1
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DRAFT

    room_env.configure(refuse_calls=False)
    page.click('[data-action="retry"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Nurse")
    assert balance(user) == 2
    assert list(
        RealtimeCall.objects.filter(interview=interview)
        .values_list("status", flat=True)
        .order_by("created_at")
    ) == ["failed", "live"]


def test_open_breaker_stops_the_room_before_any_money_moves(page: Page, live_server, room_env, db):
    user = make_user("patient@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Gardener")
    mint_breaker().open()  # as after repeated upstream failures; the room's health check sees it

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "upstream_unavailable")
    expect(page.locator('[data-role="error-detail"]')).to_contain_text("No credits were used")
    expect(stage_item(page, "testing_api")).to_have_class(re.compile(r"\bcurrent\b"))
    assert balance(user) == 3
    assert not RealtimeSession.objects.filter(interview=interview).exists()

    breaker_reset()
    page.click('[data-action="retry"]')
    expect_state(page, "active")
    assert balance(user) == 2


def test_denied_microphone_says_how_to_fix_it_and_charges_nothing(page: Page, live_server, db):
    # The fake-UI flag grants the microphone; this page answers the prompt with a refusal instead.
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        " Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));"
    )
    user = make_user("shy@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Radio host")

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "mic_denied")
    expect(page.locator('[data-role="error"]')).to_contain_text("Allow microphone access")
    expect(page.locator('[data-role="error-reference"]')).to_have_text(re.compile(r"^[0-9a-f]{8}-"))
    page.click('[data-action="retry"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "mic_denied")
    assert balance(user) == 3
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DRAFT
    # The error's stage timing is posted as the error shows: wait until the room has sent it.
    page.wait_for_function(
        "() => window.vocahireRoom.pending === 0 && window.vocahireRoom.queue.length === 0"
    )
    assert StageTiming.objects.filter(
        interview=interview, stage="error", error="mic_denied"
    ).exists()


def test_call_hung_up_upstream_offers_a_free_reconnect(page: Page, live_server, room_env, db):
    user = make_user("dropped@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Chef")
    page.click('[data-action="start"]')
    expect_state(page, "active")
    page.wait_for_function("() => window.vocahireRoom.pending === 0")
    call = RealtimeCall.objects.get(interview=interview)

    room_env.hangup(call.upstream_call_id)
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "session_expired")
    page.click('[data-action="retry"]')
    expect_state(page, "active")
    assert balance(user) == 2
    interview.refresh_from_db()
    assert interview.credits_charged == 1


def test_audio_link_that_never_opens_is_ice_failed_and_retried_for_free(
    page: Page, live_server, room_env, db
):
    # The engine answers the offer but never connects; the room's 15 s wait is cut for this page.
    page.add_init_script("window.vocahireRoomWaits = {connectMs: 1500};")
    user = make_user("firewalled@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Sailor")
    room_env.configure(drop_media=True)

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "ice_failed")
    # The progress line stops where it failed: the audio link, after a good SDP exchange.
    expect(stage_item(page, "connecting_webrtc")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(stage_item(page, "exchanging_sdp")).to_have_class(re.compile(r"\bdone\b"))
    error = page.locator('[data-role="error"]')
    expect(error).to_contain_text("firewall or VPN")
    expect(error).to_contain_text("never uses another credit")
    expect(page.locator('[data-action="buy-credits"]')).to_be_hidden()
    assert balance(user) == 2

    room_env.configure(drop_media=False)
    page.click('[data-action="retry"]')
    expect_state(page, "active")
    expect(page.locator(INTERVIEWER_TURNS).first).to_contain_text("Sailor")
    assert balance(user) == 2
    assert RealtimeCall.objects.filter(interview=interview).count() == 2
    assert StageTiming.objects.filter(
        interview=interview, stage="error", error="ice_failed"
    ).exists()


def test_case_interview_without_a_subscription_points_to_the_plans(page: Page, live_server, db):
    user = make_user("nosub@example.com", credits=3)
    interview = interview_create(owner=user, kind="case", case=_case(questions=2))
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/{interview.pk}/room/")

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "subscription_required")
    plans = page.locator('[data-action="buy-credits"]')
    expect(plans).to_be_visible()
    expect(plans).to_have_text("See plans")
    room_path = f"/interviews/{interview.pk}/room/"
    expect(plans).to_have_attribute("href", f"/billing/pricing/?next={quote(room_path, safe='')}")
    expect(page.locator('[data-role="error"]')).to_contain_text("Choose a plan")
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DRAFT
    assert balance(user) == 3
    assert not RealtimeCall.objects.filter(interview=interview).exists()


def test_unreachable_vocahire_is_a_network_error_and_retry_connects(page: Page, live_server, db):
    user = make_user("offline@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    new_job_interview(page, live_server.url, "Courier")
    health = "**/api/v1/realtime/health"
    page.route(health, lambda route: route.abort("internetdisconnected"))

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "network")
    expect(page.locator('[data-role="error"]')).to_contain_text("Check your internet connection")
    assert balance(user) == 3  # the health check comes before any money moves

    page.unroute(health)
    page.click('[data-action="retry"]')
    expect_state(page, "active")
    assert balance(user) == 2


def test_the_timer_counts_from_the_servers_start_even_when_upstream_is_slow(
    page: Page, live_server, room_env, db
):
    user = make_user("slow@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    interview = new_job_interview(page, live_server.url, "Baker")
    room_env.configure(latency_ms=1200)

    page.click('[data-action="start"]')
    expect_state(page, "active")

    interview.refresh_from_db()
    deadline_ms = page.evaluate("() => window.vocahireRoom.deadline")
    # Counting from the mint's slow answer would put the deadline 1.2 s or more too late; the
    # margin is for a busy host between the room sending the mint and the server starting.
    assert abs(deadline_ms - interview.deadline.timestamp() * 1000) < 700


def test_reconnecting_after_the_time_is_up_leads_to_the_interview_not_a_retry(
    page: Page, live_server, db
):
    user = make_user("late@example.com", credits=3)
    interview = interview_create(owner=user, kind="job", job_title="Porter")
    interview_start(interview=interview, actor=user)
    Interview.objects.filter(pk=interview.pk).update(
        started_at=timezone.now() - timedelta(minutes=interview.time_limit_minutes + 1)
    )
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/{interview.pk}/room/")

    page.click('[data-action="start"]')
    expect_state(page, "error")
    expect(page.locator(ROOM)).to_have_attribute("data-error", "session_expired")
    expect(page.locator('[data-role="error-detail"]')).to_contain_text("time is up")
    expect(page.locator('[data-role="error-fix"]')).to_contain_text("Open the interview")
    expect(page.locator('[data-action="retry"]')).to_be_hidden()
    page.click('[data-action="open-interview"]')
    page.wait_for_url(re.compile(rf"/interviews/{interview.pk}/$"))
    assert balance(user) == 2  # charged at the start, and nothing since


def test_an_answer_typed_while_the_interviewer_talks_is_still_answered(page: Page, live_server, db):
    user = make_user("quick@example.com", credits=3)
    sign_in(page, live_server.url, user.email)
    new_job_interview(page, live_server.url, "Typist")
    # Armed before Start, it answers inside the page the moment the greeting is being generated
    # (many deltas long), as a person typing fast after a short question can.
    page.evaluate(
        """(answer) => {
            window.typedWhileTalking = new Promise((resolve) => {
                const send = () => {
                    const room = window.vocahireRoom;
                    if (!(room.responding && room.state === "active")) {
                        requestAnimationFrame(send);
                        return;
                    }
                    document.querySelector('[data-role="typed-answer"]').value = answer;
                    document.querySelector('[data-action="send-text"]').click();
                    resolve(true);
                };
                send();
            });
        }""",
        "I type quickly and I have shipped a lot of things.",
    )
    page.click('[data-action="start"]')
    expect_state(page, "active")

    assert page.evaluate("() => window.typedWhileTalking") is True
    expect(page.locator('[data-role="transcript"] li[data-source="typed"]')).to_have_count(1)
    expect(page.locator(INTERVIEWER_TURNS)).to_have_count(2)
    expect(page.locator(INTERVIEWER_TURNS).nth(1)).to_contain_text("Walk me through a project")


SEED_CLIENT = """async ({tokenUrl, eventsUrl}) => {
    // The seed's own client, as API clients still do it: a per-question ek_ token from us, the
    // SDP straight to the realtime service with that key, the transcript posted back to /events.
    const csrf = decodeURIComponent(document.cookie.match(/csrftoken=([^;]+)/)[1]);
    const token = await (await fetch(tokenUrl, {credentials: "same-origin"})).json();
    const pc = new RTCPeerConnection();
    const dc = pc.createDataChannel("oai-events");
    const mic = await navigator.mediaDevices.getUserMedia({audio: true});
    mic.getTracks().forEach((track) => pc.addTrack(track, mic));
    const greeting = new Promise((resolve) => {
        dc.onmessage = (message) => {
            const event = JSON.parse(message.data);
            if (event.type === "response.output_audio_transcript.done") resolve(event.transcript);
        };
    });
    dc.onopen = () => dc.send(JSON.stringify({type: "response.create"}));
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await fetch(token.calls_url, {
        method: "POST",
        body: pc.localDescription.sdp,
        headers: {Authorization: "Bearer " + token.client_secret.value, "Content-Type": "application/sdp"},
    });
    await pc.setRemoteDescription({type: "answer", sdp: await answer.text()});
    const transcript = await greeting;
    const callId = answer.headers.get("Location").split("/").pop();
    const turn = {type: "turn", id: "seed-1", question_number: 1, speaker: "interviewer",
                  text: transcript, start_ms: 0, duration_ms: 1500};
    const stored = await fetch(eventsUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify({events: [{type: "call", call_id: callId}, turn]}),
    });
    pc.close();
    return {status: answer.status, callId, transcript, stored: stored.status,
            secret: token.client_secret.value.slice(0, 3)};
}"""


def test_the_seed_client_flow_with_a_per_question_token_still_works(
    page: Page, live_server, room_env, db
):
    user = make_user("seed@example.com")
    make_subscription(user)
    interview = interview_start(
        interview=interview_create(owner=user, kind="case", case=_case(questions=2)), actor=user
    )
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/{interview.pk}/room/")
    api = f"/api/v1/interviews/{interview.pk}"

    result = page.evaluate(
        SEED_CLIENT,
        {"tokenUrl": f"{api}/questions/1/token?ttl=600", "eventsUrl": f"{api}/events"},
    )

    assert (result["status"], result["stored"], result["secret"]) == (201, 200, "ek_")
    assert "driver number 1" in result["transcript"]
    interview.refresh_from_db()
    assert interview.call_id == result["callId"] and not interview.supervised
    turn = TranscriptTurn.objects.get(interview=interview)
    assert (turn.origin, turn.text) == ("client", result["transcript"])
    assert RealtimeSession.objects.filter(interview=interview, question_number=1).count() == 1


def test_pages_report_csp_violations_to_the_tests(page: Page, live_server, db):
    # The guard in the `page` fixture sees what Chromium blocks: an inline script is refused.
    page.goto(f"{live_server.url}/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
            " document.body.appendChild(s); }"
        )
    assert page.evaluate("() => window.x") is None
    assert page.csp_violations
    page.csp_violations.clear()
