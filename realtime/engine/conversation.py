"""One call's conversation on the `oai-events` data channel, with the GA event names and fields."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from . import stt
from .audio import (
    SAMPLE_RATE,
    InterviewerVoice,
    SpeechDetector,
    UtteranceRecorder,
    frame_level,
    speech_synthesize,
)
from .case_script import CaseScript
from .lines import Lines, lines_for, session_language, transcription_language
from .protocol import merge, new_id, session_problem
from .script import interview_script, is_answer

log = logging.getLogger("vocahire.engine")

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


class Sink:
    """Somewhere server events go: the call's data channel or a sideband WebSocket."""

    def deliver(self, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ChannelSink(Sink):
    def __init__(self, channel: Any) -> None:
        self.channel = channel

    def deliver(self, text: str) -> None:
        if self.channel.readyState == "open":
            self.channel.send(text)


class Interviewer:
    """One call: answers client events, speaks the script and listens for the candidate's turns.

    Server events go to every sink (the data channel and any sideband WebSockets), and client
    events from any of them are handled alike, as upstream does.
    """

    def __init__(self, *, session: dict[str, Any], call_id: str) -> None:
        self.session = session
        self.call_id = call_id
        self.voice = InterviewerVoice()
        self.channel: Any = None
        self.sinks: set[Sink] = set()
        self.language: Lines = lines_for(session_language(session))
        self.script = interview_script(session.get("instructions", ""), self.language.language)
        self.case = CaseScript.from_instructions(
            session.get("instructions", ""), self.language.language
        )
        self.detector = SpeechDetector.from_session(session)
        self.lines_spoken = 0
        self.answered = False
        self.lock = asyncio.Lock()
        self.pending = False  # a response was asked for and waits for the lock
        self.unsaid: str | None = None  # a line whose response was cancelled
        self.speaking: asyncio.Future[Any] | None = None  # the task speaking `responding`
        self.cancelled: str | None = None  # the response a response.cancel ended
        self.audio_sent = False  # assistant audio is present: the voice is fixed from now on
        self.playing: str | None = None
        self.responding: str | None = None  # the response between response.created and .done
        self.playback_end: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Future[Any]] = set()
        self.last_item_id: str | None = None
        self.speech_item_id = ""
        self.audio_ms = 0.0
        self.recorder: UtteranceRecorder | None = None  # made when the session transcribes
        # What the candidate said or typed since the interviewer's last line (None: speech that
        # could not be transcribed); the script picks its next line from it.
        self.heard: list[str | None] = []
        self.history_chars = len(session.get("instructions", ""))
        self.closed = False

    # Plumbing

    def send(self, type_: str, *, to: Sink | None = None, **fields: Any) -> None:
        """One server event to every sink (or only `to`)."""
        text = json.dumps({"type": type_, "event_id": new_id("event_"), **fields})
        for sink in [to] if to is not None else list(self.sinks):
            sink.deliver(text)

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
        """The data channel opened: announce the session. Nothing is said before response.create."""
        self.channel = channel
        sink = ChannelSink(channel)
        self.sinks.add(sink)
        channel.on("message", self.message_receive)
        self.send("session.created", to=sink, session=self.session)

    def sink_attach(self, sink: Sink) -> None:
        """A sideband joined: it hears from now on, starting with its own session.created."""
        self.sinks.add(sink)
        self.send("session.created", to=sink, session=self.session)

    def sink_detach(self, sink: Sink) -> None:
        self.sinks.discard(sink)

    async def close(self) -> None:
        self.closed = True
        if self.playback_end is not None:
            self.playback_end.cancel()
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
            "response.cancel": self.response_cancel,
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
        problem = session_problem(changes) or self.update_refused(changes)
        if problem:
            message, param, code = problem
            self.error_send(message, code=code, param=param, event_id=event.get("event_id"))
            return
        changes = {
            k: v for k, v in changes.items() if k not in ("id", "object", "expires_at", "model")
        }
        self.session = merge(self.session, changes)
        language = lines_for(session_language(self.session))
        if "instructions" in changes or language != self.language:
            self.language = language
            old = self.script
            self.script = interview_script(self.session.get("instructions", ""), language.language)
            self.script.position, self.script.probed = old.position, old.probed
            self.script.resume = old.resume  # a resumed call welcomes back once, not per update
        self.detector = SpeechDetector.from_session(self.session)
        self.send("session.updated", session=self.session)

    def update_refused(self, changes: dict[str, Any]) -> tuple[str, str | None, str] | None:
        """What a valid session.update may still not change: the voice once assistant audio is
        present (upstream's cannot_update_voice). A `model` is ignored: the call keeps its own
        (OpenAI's Agents SDK restates its default model in every session.update)."""
        voice = ((changes.get("audio") or {}).get("output") or {}).get("voice")
        current = self.session.get("audio", {}).get("output", {}).get("voice")
        if voice is not None and voice != current and self.audio_sent:
            message = "Cannot update a conversation's voice if assistant audio is present."
            return message, None, "cannot_update_voice"
        return None

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
        self.heard.append(" ".join(texts))
        self.answered = True
        if self.detector is not None:
            self.detector.reset()  # a typed turn wins over half-heard speech
        if self.recorder is not None:
            self.recorder.cancel()

    def response_create(self, event: dict[str, Any]) -> None:
        if self.responding is not None or self.pending or self.lock.locked():
            # As upstream: one response at a time, and the refused request is not queued.
            message = (
                "Conversation already has an active response in progress: "
                f"{self.responding or 'pending'}. "
                "Wait until the response is finished before creating a new one."
            )
            self.error_send(
                message,
                code="conversation_already_has_active_response",
                event_id=event.get("event_id"),
            )
            return
        # The first response.create is the greeting: the engine never speaks unasked.
        self.pending = True
        self.spawn(self.respond())

    def response_cancel(self, event: dict[str, Any]) -> None:
        """End the response in progress as `cancelled` and drop its audio, as upstream."""
        if self.responding is None and self.playing is None:
            self.error_send(
                "Cancellation failed: no active response found.",
                code="response_cancel_not_active",
                event_id=event.get("event_id"),
            )
            return
        if self.responding is not None and self.speaking is not None:
            self.cancelled = self.responding
            self.speaking.cancel()
        self.playback_stop(cleared=True)

    def input_clear(self, event: dict[str, Any]) -> None:
        if self.detector is not None:
            self.detector.reset()
        if self.recorder is not None:
            self.recorder.cancel()
        self.send("input_audio_buffer.cleared")

    # Speaking

    def heard_text(self) -> str | None:
        """The candidate's answer so far: the words we have, or None when none were transcribed."""
        known = [text for text in self.heard if text is not None]
        return " ".join(known) if known else None

    async def respond(self) -> None:
        """Speak the next line of the script, chosen from what was said, or a nudge."""
        async with self.lock:
            self.pending = False
            if self.unsaid is not None:
                text, self.unsaid = self.unsaid, None  # a cancelled line is said again
            elif self.lines_spoken == 0 or self.answered:
                # Case rules first (a hint or a fact asked for); the script waits for them.
                self.case = self.case.for_instructions(
                    self.session.get("instructions", ""), self.language.language
                )
                text, scripted = self.case.line(
                    heard=self.heard_text(),
                    first=self.lines_spoken == 0,
                    scripted=lambda: self.script.next_line(self.heard_text()),
                )
                self.lines_spoken += scripted
            else:
                text = self.language.listening
            self.answered = False
            self.heard = []
            if not await self.response_speak(text):
                # Cancelled: the line was not said, so the next response says it again.
                self.unsaid = text

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

    async def response_speak(self, text: str) -> bool:
        """One assistant turn with the event sequence the GA API sends over WebRTC; False when a
        response.cancel ended it."""
        response_id, item_id = new_id("resp_"), new_id("item_")
        synthesis = asyncio.ensure_future(speech_synthesize(text, voice=self.language.voice))
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
        self.speaking = asyncio.current_task()
        self.send(
            "response.created", response=self.response_object(response_id, "in_progress", [], None)
        )
        try:
            await self.response_stream(text, response_id, item, ids, synthesis)
        except asyncio.CancelledError:
            if self.closed or self.cancelled != response_id:
                raise
            synthesis.cancel()
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            self.response_cancelled(response_id, item)
            return False
        finally:
            self.speaking = None
            self.cancelled = None
        return True

    def response_cancelled(self, response_id: str, item: dict[str, Any]) -> None:
        self.responding = None
        partial = {**item, "status": "incomplete"}
        response = self.response_object(response_id, "cancelled", [partial], None)
        response["status_details"] = {"type": "cancelled", "reason": "client_cancelled"}
        self.send("response.done", response=response)
        self.last_item_id = item["id"]

    async def response_stream(
        self,
        text: str,
        response_id: str,
        item: dict[str, Any],
        ids: dict[str, Any],
        synthesis: asyncio.Future[bytes],
    ) -> None:
        item_id = item["id"]
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
        self.audio_sent = True
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
            if self.transcription():
                self.recorder = self.recorder or UtteranceRecorder()
                self.recorder.feed(frame)
            if self.lock.locked():
                self.detector.reset()  # the interviewer is answering a turn; do not start another
                if self.recorder is not None:
                    self.recorder.cancel()
                continue
            change = self.detector.feed(frame_level(frame), ms)
            if change == "started":
                self.speech_started()
            elif change == "stopped":
                self.speech_stopped()

    def turn_detection(self) -> dict[str, Any]:
        return self.session.get("audio", {}).get("input", {}).get("turn_detection") or {}

    def transcription(self) -> dict[str, Any] | None:
        config = (self.session.get("audio") or {}).get("input", {}).get("transcription")
        return config if isinstance(config, dict) else None

    def speech_started(self) -> None:
        self.speech_item_id = new_id("item_")
        start_ms = int(self.audio_ms - (self.detector.speech_ms if self.detector else 0))
        self.send(
            "input_audio_buffer.speech_started",
            audio_start_ms=start_ms,
            item_id=self.speech_item_id,
        )
        if self.recorder is not None and self.detector is not None:
            # The detector needed prefix_padding_ms of speech to say so: keep that and a margin.
            self.recorder.start(already_ms=self.detector.speech_ms + 300)
        if self.turn_detection().get("interrupt_response", True):
            self.playback_stop(cleared=True)

    def speech_stopped(self) -> None:
        item_id = self.speech_item_id
        seconds = self.detector.utterance_seconds if self.detector else 0.0
        pcm = b""
        if self.recorder is not None and self.recorder.recording:
            quiet = self.detector.quiet_ms if self.detector else 0
            pcm = self.recorder.stop(trailing_quiet_ms=quiet)
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
        config = self.transcription()
        if config is not None:
            self.spawn(self.transcribe(item_id=item_id, pcm=pcm, seconds=seconds, config=config))
            return
        self.turn_heard(None)

    def turn_heard(self, text: str | None) -> None:
        """A spoken turn is over (text None: not transcribed); answer it if the session says so."""
        self.heard.append(text)
        self.answered = True
        if self.turn_detection().get("create_response", True):
            self.spawn(self.respond())

    async def transcribe(
        self, *, item_id: str, pcm: bytes, seconds: float, config: dict[str, Any]
    ) -> None:
        """Transcribe a turn off the event loop and emit the GA transcription events."""
        transcriber = stt.transcriber()
        usage = {"type": "duration", "seconds": round(seconds, 1)}
        ids = {"item_id": item_id, "content_index": 0}
        text: str | None = None
        reason = "the local engine has no transcriber"
        if pcm and not transcriber.failed:
            try:
                heard = await transcriber.transcribe_async(
                    pcm,
                    language=transcription_language(config),
                    prompt=config.get("prompt") or "",
                )
                text = heard.text
            except stt.LanguageUnsupported:
                reason = "the local engine's speech model does not know this language"
            except stt.TranscriberUnavailable:
                text = None  # said once in the log when the model failed to load
            except Exception as exc:  # a decoding failure loses this turn's words, not the call
                log.exception("transcription of %s failed", item_id)
                error = {
                    "type": "transcription_error",
                    "code": "transcription_failed",
                    "message": f"The audio could not be transcribed: {exc}",
                    "param": None,
                }
                self.send("conversation.item.input_audio_transcription.failed", **ids, error=error)
                self.turn_heard(None)
                return
        if self.closed:
            return
        if text is None:
            # No speech recogniser could be loaded; say so rather than invent words.
            transcript = f"[untranscribed speech, {seconds:.1f} seconds: {reason}]"
            self.send(
                "conversation.item.input_audio_transcription.completed",
                **ids,
                transcript=transcript,
                usage=usage,
            )
            self.turn_heard(None)
            return
        for delta in transcript_deltas(text):
            self.send("conversation.item.input_audio_transcription.delta", **ids, delta=delta)
        self.send(
            "conversation.item.input_audio_transcription.completed",
            **ids,
            transcript=text,
            usage=usage,
        )
        if is_answer(
            text, self.language
        ):  # a cough or a breath ("", "Mhm.") is no answer: no new question
            self.turn_heard(text)
