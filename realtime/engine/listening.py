"""The candidate's side of a call: voice activity on their audio track, their turns, and the
transcription of what they said, with the GA input_audio_buffer and transcription events.

A mixin of `conversation.Interviewer`, whose state and plumbing (`send`, `spawn`, `respond`, ...)
it uses.
"""

from __future__ import annotations

import logging
from typing import Any

from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from . import stt
from .audio import UtteranceRecorder, frame_level
from .lines import transcription_language
from .protocol import new_id
from .script import is_answer
from .speaking import transcript_deltas

log = logging.getLogger("vocahire.engine")


class Listening:
    """The listening half of `Interviewer`: speech detection, turns and transcription."""

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
