"""One call's conversation on the `oai-events` data channel, with the GA event names and fields."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from .audio import SAMPLE_RATE, InterviewerVoice, SpeechDetector, frame_level, speech_synthesize
from .case_script import CaseScript
from .protocol import merge, new_id, session_problem
from .script import interview_script

GREETING_DELAY = 0.15  # lets a session.update sent right after open shape the greeting
DELTA_PAUSE = 0.015


def transcript_deltas(text: str, words_per_delta: int = 3) -> list[str]:
    words = re.findall(r"\S+\s*", text)
    return ["".join(words[i : i + words_per_delta]) for i in range(0, len(words), words_per_delta)]


def usage_estimate(*, prompt_chars: int, text: str, audio_seconds: float) -> dict[str, Any]:
    """A usage block shaped like response.done's; counts are estimates (about 4 chars a token)."""
    text_tokens = max(len(text) // 4, 1)
    audio_tokens = int(audio_seconds * 10)
    input_tokens = max(prompt_chars // 4, 1)
    return {
        "total_tokens": input_tokens + text_tokens + audio_tokens,
        "input_tokens": input_tokens,
        "output_tokens": text_tokens + audio_tokens,
        "input_token_details": {
            "text_tokens": input_tokens,
            "audio_tokens": 0,
            "image_tokens": 0,
            "cached_tokens": 0,
            "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0},
        },
        "output_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
    }


class Interviewer:
    """One call: answers client events, speaks the script and listens for the candidate's turns."""

    def __init__(self, *, session: dict[str, Any], call_id: str) -> None:
        self.session = session
        self.call_id = call_id
        self.voice = InterviewerVoice()
        self.channel: Any = None
        self.script = interview_script(session.get("instructions", ""))
        self.case = CaseScript.from_instructions(session.get("instructions", ""))
        self.heard = ""  # the candidate's last words the engine could read (typed answers)
        self.detector = SpeechDetector.from_session(session)
        self.lines_spoken = 0
        self.answered = False
        self.lock = asyncio.Lock()
        self.greeting: asyncio.TimerHandle | None = None
        self.playing: str | None = None
        self.responding: str | None = None  # the response between response.created and .done
        self.playback_end: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Future[Any]] = set()
        self.last_item_id: str | None = None
        self.speech_item_id = ""
        self.audio_ms = 0.0
        self.history_chars = len(session.get("instructions", ""))
        self.closed = False

    # Plumbing

    def send(self, type_: str, **fields: Any) -> None:
        if self.channel is not None and self.channel.readyState == "open":
            self.channel.send(json.dumps({"type": type_, "event_id": new_id("event_"), **fields}))

    def error_send(
        self, message: str, *, code: str, param: str | None = None, event_id: Any = None
    ) -> None:
        error = {"type": "invalid_request_error", "code": code, "message": message, "param": param}
        self.send("error", error={**error, "event_id": event_id})

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def channel_attach(self, channel: Any) -> None:
        """The data channel opened: announce the session, then greet unless the client asks first."""
        self.channel = channel
        channel.on("message", self.message_receive)
        self.send("session.created", session=self.session)
        self.greeting = asyncio.get_running_loop().call_later(GREETING_DELAY, self.greet)

    def greet(self) -> None:
        if self.greeting is not None:
            self.greeting.cancel()
            self.greeting = None
            self.spawn(self.respond())

    async def close(self) -> None:
        self.closed = True
        for handle in (self.greeting, self.playback_end):
            if handle is not None:
                handle.cancel()
        for task in list(self.tasks):
            task.cancel()
        self.voice.stop()

    # Client events

    def message_receive(self, raw: Any) -> None:
        try:
            event = json.loads(raw)
        except (TypeError, ValueError):
            event = None
        if not isinstance(event, dict):
            self.error_send("The event could not be parsed as a JSON object.", code="invalid_json")
            return
        handlers = {
            "session.update": self.session_update,
            "conversation.item.create": self.item_create,
            "response.create": self.response_create,
            "response.cancel": lambda event: self.playback_stop(cleared=True),
            "output_audio_buffer.clear": lambda event: self.playback_stop(cleared=True),
            "input_audio_buffer.clear": self.input_clear,
            "input_audio_buffer.commit": lambda event: None,
        }
        handler = handlers.get(event.get("type"))
        if handler is None:
            message = f"Invalid value: '{event.get('type')}'. Supported values are: {', '.join(handlers)}."
            self.error_send(
                message, code="invalid_value", param="type", event_id=event.get("event_id")
            )
            return
        handler(event)

    def session_update(self, event: dict[str, Any]) -> None:
        changes = event.get("session")
        problem = session_problem(changes, type_required=False)
        if problem:
            message, param, code = problem
            self.error_send(message, code=code, param=param, event_id=event.get("event_id"))
            return
        changes = {k: v for k, v in changes.items() if k not in ("id", "object", "model")}
        self.session = merge(self.session, changes)
        if "instructions" in changes:
            self.script = interview_script(self.session.get("instructions", ""))
        self.detector = SpeechDetector.from_session(self.session)
        self.send("session.updated", session=self.session)

    def item_create(self, event: dict[str, Any]) -> None:
        item = event.get("item")
        texts = []
        if isinstance(item, dict) and isinstance(item.get("content"), list):
            texts = [
                c.get("text")
                for c in item["content"]
                if isinstance(c, dict) and c.get("type") == "input_text"
            ]
        if (
            not isinstance(item, dict)
            or item.get("role") != "user"
            or not texts
            or not all(isinstance(t, str) for t in texts)
        ):
            message = (
                "The local engine takes typed answers: a user message with input_text content."
            )
            self.error_send(
                message, code="invalid_value", param="item", event_id=event.get("event_id")
            )
            return
        stored = {
            "id": item.get("id") or new_id("item_"),
            "type": "message",
            "object": "realtime.item",
            "status": "completed",
            "role": "user",
            "content": item["content"],
        }
        self.send("conversation.item.added", previous_item_id=self.last_item_id, item=stored)
        self.send("conversation.item.done", previous_item_id=self.last_item_id, item=stored)
        self.last_item_id = stored["id"]
        self.history_chars += sum(len(t) for t in texts)
        self.heard = " ".join(texts)
        self.answered = True
        if self.detector is not None:
            self.detector.reset()  # a typed turn wins over half-heard speech

    def response_create(self, event: dict[str, Any]) -> None:
        if self.greeting is not None:
            self.greet()
        elif self.responding is not None:
            # As upstream: one response at a time, and the refused request is not queued.
            message = (
                f"Conversation already has an active response in progress: {self.responding}. "
                "Wait until the response is finished before creating a new one."
            )
            self.error_send(
                message,
                code="conversation_already_has_active_response",
                event_id=event.get("event_id"),
            )
        elif self.answered or self.lines_spoken > 1:
            self.spawn(self.respond())
        # Otherwise it repeats the request for the greeting already under way: nothing new to say.

    def input_clear(self, event: dict[str, Any]) -> None:
        if self.detector is not None:
            self.detector.reset()
        self.send("input_audio_buffer.cleared")

    # Speaking

    async def respond(self) -> None:
        """Speak the next line of the script, or a nudge when there was no new answer."""
        async with self.lock:
            if self.lines_spoken == 0 or self.answered:
                # Case rules first (a hint or a fact asked for); the script waits for them.
                self.case = self.case.for_instructions(self.session.get("instructions", ""))
                text, scripted = self.case.line(
                    heard=self.heard,
                    first=self.lines_spoken == 0,
                    scripted=lambda: self.script.line(self.lines_spoken),
                )
                self.lines_spoken += scripted
                self.heard = ""
            else:
                text = "Take your time. I'm listening."
            self.answered = False
            await self.response_speak(text)

    def response_object(
        self, response_id: str, status: str, output: list[Any], usage: Any
    ) -> dict[str, Any]:
        output_audio = self.session.get("audio", {}).get("output", {})
        return {
            "object": "realtime.response",
            "id": response_id,
            "status": status,
            "status_details": None,
            "output": output,
            "conversation_id": "conv_" + self.call_id.removeprefix("rtc_"),
            "output_modalities": ["audio"],
            "max_output_tokens": self.session.get("max_output_tokens", "inf"),
            "audio": {
                "output": {"format": output_audio.get("format"), "voice": output_audio.get("voice")}
            },
            "usage": usage,
            "metadata": None,
        }

    async def response_speak(self, text: str) -> None:
        """One assistant turn with the event sequence the GA API sends over WebRTC."""
        response_id, item_id = new_id("resp_"), new_id("item_")
        synthesis = asyncio.ensure_future(speech_synthesize(text))
        ids = {
            "response_id": response_id,
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
        }
        item = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        self.responding = response_id
        self.send(
            "response.created", response=self.response_object(response_id, "in_progress", [], None)
        )
        self.send("response.output_item.added", response_id=response_id, output_index=0, item=item)
        self.send("conversation.item.added", previous_item_id=self.last_item_id, item=item)
        self.send("response.content_part.added", **ids, part={"type": "audio", "transcript": ""})
        for delta in transcript_deltas(text):
            self.send("response.output_audio_transcript.delta", **ids, delta=delta)
            await asyncio.sleep(DELTA_PAUSE)
        # The text is "generated" faster than speech, as upstream; the voice follows it.
        pcm = await synthesis
        self.playback_start(response_id, pcm)
        self.send("response.output_audio.done", **ids)
        self.send("response.output_audio_transcript.done", **ids, transcript=text)
        self.send("response.content_part.done", **ids, part={"type": "audio", "transcript": text})
        done = {
            **item,
            "status": "completed",
            "content": [{"type": "output_audio", "transcript": text}],
        }
        self.send("response.output_item.done", response_id=response_id, output_index=0, item=done)
        self.send("conversation.item.done", previous_item_id=self.last_item_id, item=done)
        usage = usage_estimate(
            prompt_chars=self.history_chars, text=text, audio_seconds=len(pcm) / 2 / SAMPLE_RATE
        )
        self.responding = None
        self.send(
            "response.done", response=self.response_object(response_id, "completed", [done], usage)
        )
        self.last_item_id = item_id
        self.history_chars += len(text)

    def playback_start(self, response_id: str, pcm: bytes) -> None:
        self.playback_stop()
        self.voice.play(pcm)
        self.playing = response_id
        self.send("output_audio_buffer.started", response_id=response_id)
        seconds = len(pcm) / 2 / SAMPLE_RATE
        self.playback_end = asyncio.get_running_loop().call_later(seconds, self.playback_stop)

    def playback_stop(self, *, cleared: bool = False) -> None:
        if self.playing is None:
            return
        if self.playback_end is not None:
            self.playback_end.cancel()
            self.playback_end = None
        self.voice.silence()
        self.send(
            "output_audio_buffer.cleared" if cleared else "output_audio_buffer.stopped",
            response_id=self.playing,
        )
        self.playing = None

    # Listening

    async def listen(self, track: MediaStreamTrack) -> None:
        """Run the energy detector over the candidate's audio until the track ends."""
        while not self.closed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            ms = frame.samples * 1000 / frame.sample_rate
            self.audio_ms += ms
            if self.detector is None:
                continue
            if self.lock.locked():
                self.detector.reset()  # the interviewer is answering a turn; do not start another
                continue
            change = self.detector.feed(frame_level(frame), ms)
            if change == "started":
                self.speech_started()
            elif change == "stopped":
                self.speech_stopped()

    def turn_detection(self) -> dict[str, Any]:
        return self.session.get("audio", {}).get("input", {}).get("turn_detection") or {}

    def speech_started(self) -> None:
        self.speech_item_id = new_id("item_")
        start_ms = int(self.audio_ms - (self.detector.speech_ms if self.detector else 0))
        self.send(
            "input_audio_buffer.speech_started",
            audio_start_ms=start_ms,
            item_id=self.speech_item_id,
        )
        if self.turn_detection().get("interrupt_response", True):
            self.playback_stop(cleared=True)

    def speech_stopped(self) -> None:
        item_id = self.speech_item_id
        seconds = self.detector.utterance_seconds if self.detector else 0.0
        self.send(
            "input_audio_buffer.speech_stopped", audio_end_ms=int(self.audio_ms), item_id=item_id
        )
        self.send(
            "input_audio_buffer.committed", previous_item_id=self.last_item_id, item_id=item_id
        )
        item = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        self.send("conversation.item.added", previous_item_id=self.last_item_id, item=item)
        self.send("conversation.item.done", previous_item_id=self.last_item_id, item=item)
        self.last_item_id = item_id
        if self.session.get("audio", {}).get("input", {}).get("transcription"):
            # There is no speech recogniser here; say so rather than invent words.
            transcript = f"[untranscribed speech, {seconds:.1f} seconds: the local engine has no transcriber]"
            usage = {"type": "duration", "seconds": round(seconds, 1)}
            self.send(
                "conversation.item.input_audio_transcription.completed",
                item_id=item_id,
                content_index=0,
                transcript=transcript,
                usage=usage,
            )
        self.answered = True
        if self.turn_detection().get("create_response", True):
            self.spawn(self.respond())
