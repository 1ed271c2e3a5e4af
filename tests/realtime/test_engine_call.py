"""A real WebRTC call to the local realtime engine: an aiortc peer in the test plays the browser
(microphone track and the `oai-events` channel created before the offer, SDP posted with the
`ek_` secret), and the conversation is checked event by event."""

from __future__ import annotations

import asyncio
import fractions
import json
import math
import re
import shutil
import time
from array import array

import av
import httpx
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError

from interviews.instructions import case_instructions, job_instructions
from realtime.engine import audio, engine_run, stt
from realtime.engine.audio import frame_level
from realtime.engine.script import PROBES

KEY = "sk-engine-test-key"
# Built by the real instructions builder, so a change to its labels breaks these tests.
JOB_INSTRUCTIONS = job_instructions(
    job_title="Data analyst",
    job_description="SQL and dashboards.",
    resume_text="",
    time_limit_minutes=20,
    question_count=3,
)
CASE_QUESTION = "How many coffee cups are sold in Berlin each day? Walk me through your estimate."
CASE_INSTRUCTIONS = case_instructions(
    case_snapshot={
        "title": "Coffee chain growth",
        "case_type": "market_sizing",
        "lead_type": "interviewer_led",
        "difficulty": "medium",
        "industry": "Retail",
        "prompt": "A coffee chain wants to grow in Germany.",
        "questions": [
            {"number": n, "kind": "estimate", "prompt": p, "evaluator_context": "Segments."}
            for n, p in enumerate(["Structure it.", CASE_QUESTION, "Price?", "Recommend."], 1)
        ],
    },
    question_number=2,
)
WAIT = 8.0  # seconds for any single expected event; a healthy loopback call needs well under 1


HTTP = httpx.Client(timeout=10)  # one client: building an SSL context per request is slow


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()
    HTTP.close()


def mint(engine, instructions: str, **audio_input) -> dict:
    session = {
        "type": "realtime",
        "model": "gpt-realtime-2.1",
        "instructions": instructions,
        "audio": {"input": audio_input, "output": {"voice": "marin"}},
    }
    response = HTTP.post(
        f"{engine.base_url}/realtime/client_secrets",
        json={"expires_after": {"anchor": "created_at", "seconds": 600}, "session": session},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


class Candidate:
    """The browser's side of a call: mic track, data channel, received events in order."""

    def __init__(self, microphone=None) -> None:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.channel = self.pc.createDataChannel("oai-events")
        self.events: asyncio.Queue[dict] = asyncio.Queue()
        self.seen: list[dict] = []
        self.channel.on("message", lambda raw: self.events.put_nowait(json.loads(raw)))
        self.pc.addTrack(microphone or AudioStreamTrack())
        self.speaker: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pc.on("track", lambda track: self.speaker.done() or self.speaker.set_result(track))

    async def connect(self, base_url: str, secret: str) -> httpx.Response:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        response = await asyncio.to_thread(
            HTTP.post,
            f"{base_url}/realtime/calls",
            content=self.pc.localDescription.sdp,
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/sdp"},
        )
        if response.status_code == 201:
            await self.pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
        return response

    async def next(self, event_type: str) -> dict:
        """The next event of this type, keeping every event seen on the way."""
        while True:
            event = await asyncio.wait_for(self.events.get(), WAIT)
            self.seen.append(event)
            if event["type"] == event_type:
                return event

    def send(self, event: dict) -> None:
        self.channel.send(json.dumps(event))

    async def ask_first(self) -> dict:
        """As against OpenAI: wait for session.created, then ask for the opening response."""
        created = await self.next("session.created")
        self.send({"type": "response.create"})
        return created

    def typed_answer(self, text: str) -> None:
        item = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }
        self.send({"type": "conversation.item.create", "item": item})
        self.send({"type": "response.create"})

    def seen_types(self) -> list[str]:
        return [event["type"] for event in self.seen]

    async def close(self) -> None:
        await self.pc.close()


class SpeakingMicrophone(AudioStreamTrack):
    """A microphone that is silent, then 'speaks' (a loud tone) once for `speech` seconds."""

    def __init__(self, *, silence_before: float, speech: float) -> None:
        super().__init__()
        self.start_sample = int(silence_before * 48000)
        self.stop_sample = self.start_sample + int(speech * 48000)
        self.sample = 0

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        await asyncio.sleep(0.02)
        pcm = array("h")
        for i in range(self.sample, self.sample + 960):
            loud = self.start_sample <= i < self.stop_sample
            pcm.append(int(12000 * math.sin(2 * math.pi * 300 * i / 48000)) if loud else 0)
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        frame.planes[0].update(pcm.tobytes())
        frame.pts, frame.sample_rate = self.sample, 48000
        frame.time_base = fractions.Fraction(1, 48000)
        self.sample += 960
        return frame


async def interviewer_turn(candidate: Candidate) -> tuple[str, list[dict]]:
    """Collect one spoken turn: (the done transcript, the delta events)."""
    created = await candidate.next("response.created")
    response_id = created["response"]["id"]
    mark = len(candidate.seen)
    done = await candidate.next("response.output_audio_transcript.done")
    deltas = [
        e for e in candidate.seen[mark:] if e["type"] == "response.output_audio_transcript.delta"
    ]
    assert done["response_id"] == response_id
    assert len(deltas) > 1 and all(d["response_id"] == response_id for d in deltas)
    assert "".join(d["delta"] for d in deltas) == done["transcript"]
    finished = await candidate.next("response.done")
    assert finished["response"]["id"] == response_id
    assert finished["response"]["status"] == "completed"
    usage = finished["response"]["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"] > 0
    assert finished["response"]["output"][0]["content"][0]["transcript"] == done["transcript"]
    return done["transcript"], deltas


def hangup(engine, call_id: str) -> httpx.Response:
    return HTTP.post(
        f"{engine.base_url}/realtime/calls/{call_id}/hangup",
        headers={"Authorization": f"Bearer {KEY}"},
    )


def test_job_interview_call_asks_questions_for_the_job_title(engine):
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def conversation() -> dict:
        candidate = Candidate()
        try:
            response = await candidate.connect(engine.base_url, minted["value"])
            assert response.status_code == 201, response.text
            assert response.headers["content-type"].startswith("application/sdp")
            assert response.text.startswith("v=0")
            location = response.headers["Location"]
            assert re.fullmatch(r"/v1/realtime/calls/rtc_\w+", location), location

            created = await candidate.ask_first()
            assert created["session"]["id"] == minted["session"]["id"]
            assert created["session"]["expires_at"] > minted["expires_at"] - 600  # the call's cap
            first, _ = await interviewer_turn(candidate)
            assert "Data analyst" in first
            assert "Tell me about yourself" in first

            candidate.send({"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"speed": 1.1}}}})  # fmt: skip
            updated = await candidate.next("session.updated")
            assert updated["session"]["audio"]["output"] == {**created["session"]["audio"]["output"], "speed": 1.1}  # fmt: skip

            candidate.typed_answer("I like turning messy data into decisions.")
            added = await candidate.next("conversation.item.added")
            assert added["item"]["role"] == "user"
            assert (
                added["item"]["content"][0]["text"] == "I like turning messy data into decisions."
            )
            second, _ = await interviewer_turn(candidate)
            assert "Walk me through a project" in second

            # The interviewer listens: a short answer gets one follow-up, then the next question.
            candidate.typed_answer("A churn dashboard.")
            follow_up, _ = await interviewer_turn(candidate)
            assert follow_up == PROBES["example"]
            candidate.typed_answer("I fixed a broken pipeline.")
            third, _ = await interviewer_turn(candidate)
            assert "went wrong" in third
            candidate.typed_answer(
                "I rebuilt the nightly load in two days, which meant the reports were on time"
                " again for the rest of the quarter."
            )
            closing, _ = await interviewer_turn(candidate)
            assert "last question" in closing  # "Ask 3 main questions" was followed
            assert "output_audio_buffer.started" in candidate.seen_types()
            return {"call_id": location.rsplit("/", 1)[1]}
        finally:
            await candidate.close()

    call_id = asyncio.run(conversation())["call_id"]

    assert hangup(engine, call_id).status_code == 200
    assert hangup(engine, call_id).status_code == 404


def test_a_secret_opens_calls_until_it_expires(engine):
    """As upstream: an ek_ is not single-use; its expiry is what ends it."""
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def two_connects() -> tuple[httpx.Response, httpx.Response]:
        first, second = Candidate(), Candidate()
        try:
            one = await first.connect(engine.base_url, minted["value"])
            return one, await second.connect(engine.base_url, minted["value"])
        finally:
            await first.close()
            await second.close()

    first, second = asyncio.run(two_connects())

    assert first.status_code == 201 and second.status_code == 201, second.text
    assert first.headers["Location"] != second.headers["Location"]
    engine.engine.secrets[minted["value"]].expires_at = int(time.time()) - 1
    third = HTTP.post(
        f"{engine.base_url}/realtime/calls",
        content="v=0\r\n",
        headers={"Authorization": f"Bearer {minted['value']}", "Content-Type": "application/sdp"},
    )
    assert third.status_code == 401
    assert third.json()["error"]["code"] == "invalid_api_key"


def test_drop_media_mode_answers_the_call_but_never_connects_it(engine):
    """For the room's ice_failed: a good SDP answer, then no peer on the other side."""
    minted = mint(engine, JOB_INSTRUCTIONS)
    engine.config.update({"drop_media": True})

    async def connect() -> tuple[httpx.Response, str]:
        candidate = Candidate()
        try:
            response = await candidate.connect(engine.base_url, minted["value"])
            return response, candidate.pc.remoteDescription.type
        finally:
            await candidate.close()

    try:
        response, applied = asyncio.run(connect())
    finally:
        engine.config.update({"drop_media": False})

    assert response.status_code == 201 and applied == "answer"
    call_id = response.headers["Location"].rsplit("/", 1)[1]
    call = engine.engine.calls[call_id]
    assert call.closed and call.pc.connectionState == "closed"
    assert call.interviewer.channel is None  # the data channel never opened
    assert hangup(engine, call_id).status_code == 200  # the server can still end it


def test_case_call_asks_the_current_question_from_the_instructions(engine):
    minted = mint(engine, CASE_INSTRUCTIONS)

    async def conversation() -> tuple[str, str, str]:
        candidate = Candidate()
        try:
            response = await candidate.connect(engine.base_url, minted["value"])
            assert response.status_code == 201
            await candidate.ask_first()
            first, _ = await interviewer_turn(candidate)
            candidate.typed_answer("About 200,000 cups.")
            follow_up, _ = await interviewer_turn(candidate)
            candidate.send({"type": "session.update", "session": {"type": "realtime", "temperature": 0.7}})  # fmt: skip
            error = await candidate.next("error")
            return first, follow_up, error["error"]
        finally:
            await candidate.close()

    first, follow_up, error = asyncio.run(conversation())

    assert "question 2 of 4" in first
    assert CASE_QUESTION in first
    assert follow_up and CASE_QUESTION not in follow_up
    assert error["code"] == "unknown_parameter"
    assert error["param"] == "session.temperature"


def test_speech_is_detected_with_the_sessions_turn_detection_and_reported_honestly(
    engine, monkeypatch
):
    # No model to load: the engine says what it heard rather than invent words.
    monkeypatch.setattr(stt, "transcriber", lambda: stt.Transcriber(model_dir="/nonexistent"))
    minted = mint(
        engine,
        JOB_INSTRUCTIONS,
        transcription={"model": "gpt-4o-mini-transcribe"},
        turn_detection={"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 300},
    )

    async def conversation() -> tuple[dict, dict, dict, str]:
        candidate = Candidate(SpeakingMicrophone(silence_before=0.1, speech=0.7))
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.ask_first()
            await interviewer_turn(candidate)
            started = await candidate.next("input_audio_buffer.speech_started")
            stopped = await candidate.next("input_audio_buffer.speech_stopped")
            heard = await candidate.next("conversation.item.input_audio_transcription.completed")
            next_question, _ = await interviewer_turn(candidate)
            return started, stopped, heard, next_question
        finally:
            await candidate.close()

    started, stopped, heard, next_question = asyncio.run(conversation())

    assert started["item_id"] == stopped["item_id"] == heard["item_id"]
    assert stopped["audio_end_ms"] > started["audio_start_ms"]
    seconds = float(re.search(r"untranscribed speech, ([\d.]+) seconds", heard["transcript"])[1])
    assert 0.4 <= seconds <= 1.0  # the tone lasted 0.7 s
    assert "Walk me through a project" in next_question


def test_a_beeping_microphone_does_not_advance_the_interview(engine):
    """Chromium's fake microphone beeps; short beeps never add up to prefix_padding_ms."""

    class BeepingMicrophone(SpeakingMicrophone):
        async def recv(self):
            frame = await super().recv()
            self.start_sample = (self.sample // 24000) * 24000  # a 40 ms beep every 0.5 s
            self.stop_sample = self.start_sample + 1920
            return frame

    minted = mint(engine, JOB_INSTRUCTIONS, turn_detection={"type": "server_vad"})

    async def conversation() -> tuple[list[str], float, str]:
        candidate = Candidate(BeepingMicrophone(silence_before=0, speech=0.04))
        try:
            response = await candidate.connect(engine.base_url, minted["value"])
            assert response.status_code == 201
            interviewer = engine.engine.calls[
                response.headers["Location"].rsplit("/", 1)[1]
            ].interviewer
            await candidate.ask_first()
            await interviewer_turn(candidate)
            # Wait for 1.5 s of microphone audio to reach the engine (real media flows in real time).
            for _ in range(200):
                if interviewer.audio_ms >= 1500:
                    break
                await asyncio.sleep(0.05)
            while not candidate.events.empty():
                candidate.seen.append(candidate.events.get_nowait())
            return candidate.seen_types(), interviewer.audio_ms, interviewer.speech_item_id
        finally:
            await candidate.close()

    types, heard_ms, speech_item_id = asyncio.run(conversation())

    assert heard_ms >= 1500  # the engine did receive three beeps
    assert speech_item_id == ""  # and never detected speech (events may still be in flight)
    assert "input_audio_buffer.speech_started" not in types
    assert types.count("response.created") == 1


def test_the_interviewer_says_nothing_until_asked_then_greets_once(engine):
    """As OpenAI: no response before the client's response.create; the first one greets."""
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def conversation() -> tuple[str, str, list[str]]:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.next("session.created")
            await asyncio.sleep(0.5)  # well past the old automatic greeting's 0.15 s
            assert candidate.events.empty()
            candidate.send({"type": "response.create"})
            greeting, _ = await interviewer_turn(candidate)
            candidate.typed_answer("I enjoy analysis.")
            second, _ = await interviewer_turn(candidate)
            return greeting, second, candidate.seen_types()
        finally:
            await candidate.close()

    greeting, second, types = asyncio.run(conversation())

    assert "Tell me about yourself" in greeting
    assert "Walk me through a project" in second
    assert types.count("response.created") == 2


def test_a_response_requested_mid_response_is_refused_like_upstream(engine):
    """OpenAI allows one response at a time: the room must wait for response.done to ask."""
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def conversation() -> tuple[dict, str]:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.ask_first()
            await candidate.next("response.created")  # the greeting is being generated
            candidate.typed_answer("I enjoy analysis.")
            refused = await candidate.next("error")
            await candidate.next("response.done")
            candidate.send({"type": "response.create"})
            second, _ = await interviewer_turn(candidate)
            return refused["error"], second
        finally:
            await candidate.close()

    error, second = asyncio.run(conversation())

    assert error["code"] == "conversation_already_has_active_response"
    assert error["type"] == "invalid_request_error"
    assert "Walk me through a project" in second  # the typed answer still counts


def test_the_engine_ends_its_side_when_the_browser_closes_the_call(engine):
    minted = mint(engine, JOB_INSTRUCTIONS)
    health_url = engine.base_url.removesuffix("/v1") + "/_engine/health"

    async def call_then_close() -> tuple[int, int]:
        candidate = Candidate()
        response = await candidate.connect(engine.base_url, minted["value"])
        call = engine.engine.calls[response.headers["Location"].rsplit("/", 1)[1]]
        await candidate.next("session.created")
        live = HTTP.get(health_url).json()["calls"]
        await candidate.close()
        for _ in range(100):  # polls the engine's state for up to ~5 s; closing takes milliseconds
            if call.closed:
                break
            await asyncio.sleep(0.05)
        return live, HTTP.get(health_url).json()["calls"]

    live_before, live_after = asyncio.run(call_then_close())

    assert live_before >= 1
    assert live_after == live_before - 1


@pytest.mark.parametrize("espeak", [True, False], ids=["espeak-ng", "tone"])
def test_the_interviewer_is_heard_on_the_audio_track(engine, monkeypatch, espeak):
    if espeak and not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed; the tone case covers the audio path")
    if not espeak:  # the engine runs in this process, so it sees the patched lookup
        monkeypatch.setattr(audio.shutil, "which", lambda name: None)
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def levels_until_loud() -> list[float]:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.ask_first()
            speaker = await asyncio.wait_for(candidate.speaker, WAIT)
            levels: list[float] = []
            while len(levels) < 250 and max(levels, default=0) < 0.02:  # at most 5 s of audio
                levels.append(frame_level(await asyncio.wait_for(speaker.recv(), WAIT)))
            return levels
        finally:
            await candidate.close()

    levels = asyncio.run(levels_until_loud())

    assert levels[0] < 0.005  # silence before the interviewer speaks
    assert max(levels) >= 0.02  # then clearly audible speech (or the tone)


def test_response_cancel_ends_the_response_cancelled_and_the_line_is_said_later(engine):
    minted = mint(engine, JOB_INSTRUCTIONS)

    async def conversation() -> tuple[dict, dict, dict, str]:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.next("session.created")
            candidate.send({"type": "response.cancel", "event_id": "evt_early"})
            nothing_to_cancel = await candidate.next("error")
            candidate.send({"type": "response.create"})
            created = await candidate.next("response.created")
            candidate.send({"type": "response.cancel"})
            cancelled = await candidate.next("response.done")
            assert cancelled["response"]["id"] == created["response"]["id"]
            candidate.send({"type": "response.create"})
            greeting, _ = await interviewer_turn(candidate)
            candidate.send({"type": "response.cancel"})  # while the greeting is still heard
            cleared = await candidate.next("output_audio_buffer.cleared")
            return nothing_to_cancel["error"], cancelled["response"], cleared, greeting
        finally:
            await candidate.close()

    early, cancelled, cleared, greeting = asyncio.run(conversation())

    assert early["code"] == "response_cancel_not_active" and early["event_id"] == "evt_early"
    assert cancelled["status"] == "cancelled"
    assert cancelled["status_details"] == {"type": "cancelled", "reason": "client_cancelled"}
    assert cancelled["output"][0]["status"] == "incomplete"
    assert "Tell me about yourself" in greeting  # the cancelled greeting is given again
    assert cleared["response_id"]


def test_session_update_may_change_the_voice_only_before_audio_and_keeps_the_model(engine):
    minted = mint(engine, JOB_INSTRUCTIONS)

    def voice_update(voice: str) -> dict:
        return {"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"voice": voice}}}}  # fmt: skip

    async def conversation() -> dict:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.next("session.created")
            candidate.send(voice_update("cedar"))
            before_audio = await candidate.next("session.updated")
            candidate.send({"type": "response.create"})
            await interviewer_turn(candidate)
            candidate.send(voice_update("alloy"))
            refused = await candidate.next("error")
            candidate.send(voice_update("cedar"))  # restating the same voice is fine
            same = await candidate.next("session.updated")
            candidate.send({"type": "session.update", "session": {"type": "realtime", "model": "gpt-realtime-mini"}})  # fmt: skip
            model = await candidate.next("session.updated")
            candidate.send({"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"speed": 9}}}})  # fmt: skip
            speed = await candidate.next("error")
            return {
                "before_audio": before_audio["session"],
                "refused": refused["error"],
                "same": same["session"],
                "model": model["session"],
                "speed": speed["error"],
            }
        finally:
            await candidate.close()

    seen = asyncio.run(conversation())

    assert seen["before_audio"]["audio"]["output"]["voice"] == "cedar"
    assert seen["refused"]["code"] == "cannot_update_voice"
    assert seen["refused"]["message"] == (
        "Cannot update a conversation's voice if assistant audio is present."
    )
    assert seen["same"]["audio"]["output"]["voice"] == "cedar"
    assert seen["model"]["model"] == seen["same"]["model"] == "gpt-realtime-2.1"  # kept
    assert (seen["speed"]["code"], seen["speed"]["param"]) == (
        "decimal_above_max_value",
        "session.audio.output.speed",
    )


def test_the_session_update_openais_agents_sdk_sends_on_open_is_accepted(engine):
    """@openai/agents-realtime restates its defaults (model, formats, semantic_vad, noise_reduction
    null) in a session.update as soon as the data channel opens."""
    minted = mint(engine, JOB_INSTRUCTIONS, turn_detection={"type": "server_vad", "threshold": 0.6})
    agents_update = {
        "type": "session.update",
        "session": {
            "type": "realtime",
            "instructions": "Greet the user.",
            "model": "gpt-realtime",
            "output_modalities": ["audio"],
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "noise_reduction": None,
                    "transcription": {"model": "gpt-4o-mini-transcribe"},
                    "turn_detection": {"type": "semantic_vad"},
                },
                "output": {"format": {"type": "audio/pcm", "rate": 24000}, "speed": 1},
            },
            "tool_choice": "auto",
        },
    }

    async def conversation() -> dict:
        candidate = Candidate()
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.next("session.created")
            candidate.send(agents_update)
            candidate.send({"type": "session.update", "session": {"type": "realtime", "tracing": "auto"}})  # fmt: skip
            await candidate.next("session.updated")
            return (await candidate.next("session.updated"))["session"]
        finally:
            await candidate.close()

    session = asyncio.run(conversation())

    assert session["model"] == "gpt-realtime-2.1"  # the call's model stays
    assert session["instructions"] == "Greet the user."
    assert session["audio"]["input"]["turn_detection"] == {"type": "semantic_vad"}  # replaced whole
    assert session["audio"]["output"]["voice"] == "marin"
    assert session["tracing"] == "auto"
