"""One call's conversation on the `oai-events` data channel, with the GA event names and fields.

This module holds the call's state, its sinks and the client events; the interviewer speaks
through `speaking.Speaking` and hears the candidate through `listening.Listening`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from .audio import InterviewerVoice, SpeechDetector, UtteranceRecorder
from .case_script import CaseScript
from .lines import Lines, lines_for, session_language
from .listening import Listening
from .protocol import merge, new_id, session_problem
from .script import interview_script
from .speaking import Speaking


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


class Interviewer(Speaking, Listening):
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
