"""The interviewer's side of a call: choosing the next line, speaking it as one GA response
(transcript deltas, audio, response.done with usage) and its playback on the audio track.

A mixin of `conversation.Interviewer`, whose state and plumbing (`send`, `spawn`, `session`, ...)
it uses.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .audio import SAMPLE_RATE, speech_synthesize
from .protocol import new_id

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


class Speaking:
    """The speaking half of `Interviewer`: responses and playback."""

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
