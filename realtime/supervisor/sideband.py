"""Following one live call on its sideband: transcript, usage, the session's integrity, the end.

A `CallWatch` holds the WebSocket to `{ws base}/realtime?call_id=...` with the server key, turns
upstream's own events into transcript turns, restores the server's instructions, tools and voice
when a client changes them (the third change hangs up with `integrity`), and hangs up at the
interview's deadline. It reconnects with back-off while the call is live and its lease is held.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from django.db import DatabaseError

from interviews.services import ServerTurn
from realtime.models import RealtimeCall
from realtime.supervisor import leases
from realtime.supervisor.leases import CallLease, UsageDelta

if TYPE_CHECKING:
    from realtime.supervisor.process import Supervisor

log = logging.getLogger("vocahire.supervisor")

TAMPERS_BEFORE_HANGUP = 3
BACKOFF_SECONDS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)
STABLE_SECONDS = 10.0  # a sideband up this long resets the back-off
HANGUP_TRIES = 4
# How long the greeting waits for the room to report its audio link live (the room's own fallback
# asks for a greeting after 10 s), and how often it looks.
GREETING_WAIT_SECONDS = 5.0
GREETING_POLL_SECONDS = 0.15
HANGUP_TIMEOUT = aiohttp.ClientTimeout(total=10)
Reason = RealtimeCall.EndReason


class CallGone(Exception):
    """Upstream no longer has the call (404 on attach)."""


class CallWatch:
    """One call's sideband, from attach to the end of the call or of our lease."""

    def __init__(self, supervisor: Supervisor, lease: CallLease) -> None:
        self.supervisor = supervisor
        self.lease = lease
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.tampers = lease.integrity_restores
        self.greeted = lease.greeted
        self.stopping = False
        self.speech: dict[str, dict[str, int]] = {}  # item id -> audio start/end ms
        self.reply_started: dict[str, float] = {}  # interviewer item id -> monotonic start
        self.replies: dict[str, dict[str, Any]] = {}  # response id -> words awaiting their audio
        self.audio_started: dict[str, float] = {}  # response id -> when its audio began
        self.deadline_timer: asyncio.TimerHandle | None = None
        self.task: asyncio.Task[None] | None = None

    # Life cycle

    def start(self) -> None:
        self.task = asyncio.ensure_future(self.run())
        delay = max(0.0, self.lease.deadline.timestamp() - time.time())
        self.deadline_timer = asyncio.get_running_loop().call_later(
            delay, lambda: self.supervisor.spawn(self.hangup(Reason.TIME_LIMIT))
        )

    def detach(self) -> None:
        """Stop following the call without hanging it up (lease lost, or ended elsewhere)."""
        self.stopping = True
        self.replies_flush()
        if self.deadline_timer is not None:
            self.deadline_timer.cancel()
        if self.ws is not None and not self.ws.closed:
            self.supervisor.spawn(self.ws.close())
        elif self.task is not None:
            self.task.cancel()

    async def run(self) -> None:
        failures = 0
        while not self.stopping:
            began = time.monotonic()
            try:
                await self.follow()
            except CallGone as gone:
                log.info("call %s is gone upstream (%s)", self.lease.upstream_call_id, gone)
                await self.end(Reason.UPSTREAM)
                return
            except asyncio.CancelledError:
                return
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                # Never %r an aiohttp error: its repr carries the request headers (our key).
                log.warning("sideband %s dropped: %s", self.lease.upstream_call_id, _describe(exc))
            except Exception:  # a bug must not silently end the supervision of this call
                log.exception("sideband %s failed", self.lease.upstream_call_id)
            if self.stopping:
                return
            if time.monotonic() - began > STABLE_SECONDS:
                failures = 0
            # The sideband closed: the call may have ended, or the link dropped. Ask again.
            await asyncio.sleep(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS) - 1)])
            failures += 1

    async def follow(self) -> None:
        session = self.supervisor.http
        try:
            self.ws = await session.ws_connect(
                self.supervisor.sideband_url(self.lease.upstream_call_id),
                headers={"Authorization": f"Bearer {self.supervisor.api_key}"},
                heartbeat=20,
                max_msg_size=2**22,
            )
        except aiohttp.WSServerHandshakeError as exc:
            # 404: the call ended; another 4xx (but 429): upstream will never take this sideband.
            if 400 <= exc.status < 500 and exc.status != 429:
                raise CallGone(f"HTTP {exc.status}") from None
            raise
        self.supervisor.attached(self)
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.receive(message.data)
            elif message.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                break

    async def hangup(self, reason: str) -> None:
        """Hang the call up upstream and record why (deadline, integrity, interview over)."""
        if self.stopping:
            return
        self.stopping = True
        if await self.hangup_upstream():
            log.info("hung up %s: %s", self.lease.upstream_call_id, reason)
        else:  # recorded all the same: the lease lapses and the sweep hangs up what is left
            log.error("could not hang up %s (%s)", self.lease.upstream_call_id, reason)
        await self.end(reason)

    async def hangup_upstream(self) -> bool:
        """POST the hang-up (idempotent), retried with back-off; True once upstream confirmed."""
        url = self.supervisor.hangup_url(self.lease.upstream_call_id)
        headers = {"Authorization": f"Bearer {self.supervisor.api_key}"}
        for attempt in range(HANGUP_TRIES):
            try:
                async with self.supervisor.http.post(
                    url, headers=headers, timeout=HANGUP_TIMEOUT
                ) as response:
                    if response.status in (200, 204, 404):
                        return True
                    problem = f"HTTP {response.status}"
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                problem = _describe(exc)
            log.warning("hang-up of %s: %s", self.lease.upstream_call_id, problem)
            await asyncio.sleep(BACKOFF_SECONDS[min(attempt + 2, len(BACKOFF_SECONDS) - 1)])
        return False

    async def end(self, reason: str) -> None:
        self.stopping = True
        self.replies_flush()
        await self.supervisor.db(leases.call_end, call_id=self.lease.id, reason=reason)
        self.supervisor.forget(self)
        self.detach()

    # Events from upstream

    def send(self, event: dict[str, Any]) -> None:
        if self.ws is not None and not self.ws.closed:
            self.supervisor.spawn(self.ws.send_str(json.dumps(event)))

    def receive(self, raw: str) -> None:
        try:
            event = json.loads(raw)
        except ValueError:
            return
        handler = self.HANDLERS.get(event.get("type")) if isinstance(event, dict) else None
        if handler is None:
            return
        try:
            handler(self, event)
        except Exception:  # one odd event must not stop the recording of the rest
            log.exception(
                "call %s: could not handle %s", self.lease.upstream_call_id, event.get("type")
            )

    def on_session(self, event: dict[str, Any]) -> None:
        session = event.get("session") or {}
        changed = self.session_changes(session)
        if changed:
            self.tamper(set(changed))
            if self.stopping:
                return
            self.send({"type": "session.update", "session": {"type": "realtime", **changed}})
        if event.get("type") == "session.created" and not self.greeted:
            self.greeted = True
            self.supervisor.spawn(self.greet())

    async def greet(self) -> None:
        """Open the interview once both ends listen: we do (no turn can happen before the
        sideband), and the browser, once the room reports its audio link live. Past the wait the
        interviewer speaks anyway, as the room would ask for it itself."""
        deadline = time.monotonic() + GREETING_WAIT_SECONDS
        while time.monotonic() < deadline and not self.stopping:
            try:
                live = await self.supervisor.db(
                    leases.call_client_live,
                    interview_id=self.lease.interview_id,
                    question_number=self.lease.question_number or 1,
                    since=self.lease.created_at,
                )
            except DatabaseError as exc:  # a failed read must not cost the call its greeting
                log.warning(
                    "call %s: the room's stages could not be read (%s); asking again",
                    self.lease.upstream_call_id,
                    exc.__class__.__name__,
                )
                live = False
            if live:
                break
            await asyncio.sleep(GREETING_POLL_SECONDS)
        if not self.stopping:
            self.send({"type": "response.create"})
            self.supervisor.record_greeted(self.lease.id)

    def tamper(self, what: set[str]) -> None:
        """Count a client's change to what the server set; the third one hangs up."""
        self.tampers += 1
        log.warning(
            "call %s changed by a client (%s), %d of %d",
            self.lease.upstream_call_id,
            ", ".join(sorted(what)),
            self.tampers,
            TAMPERS_BEFORE_HANGUP,
        )
        self.supervisor.spawn(
            self.supervisor.db(
                leases.call_integrity_restored, call_id=self.lease.id, restores=self.tampers
            )
        )
        if self.tampers >= TAMPERS_BEFORE_HANGUP:
            self.supervisor.spawn(self.hangup(Reason.INTEGRITY))

    def session_changes(self, session: dict[str, Any]) -> dict[str, Any]:
        """The server's values for each of instructions, tools and voice that differ upstream."""
        changes: dict[str, Any] = {}
        if session.get("instructions", self.lease.instructions) != self.lease.instructions:
            changes["instructions"] = self.lease.instructions
        if (session.get("tools") or []) != (self.lease.tools or []):
            changes["tools"] = self.lease.tools or []
        audio = session.get("audio") or {}
        voice = (audio.get("output") or {}).get("voice")
        if voice is not None and self.lease.voice and voice != self.lease.voice:
            changes.setdefault("audio", {})["output"] = {"voice": self.lease.voice}
        # Switching transcription off would blind the server's own transcript. (Only off counts:
        # upstream echoes the setting with fields of its own, such as language.)
        heard = (audio.get("input") or {}).get("transcription", self.lease.transcription)
        if self.lease.transcription and not heard:
            changes.setdefault("audio", {})["input"] = {"transcription": self.lease.transcription}
        return changes

    def on_turn_taken(self, event: dict[str, Any]) -> None:
        """The candidate speaks or a new reply begins: the interviewer's last line has ended
        (its audio stopped, or was cut off) even if upstream sent no output_audio_buffer.stopped."""
        self.replies_flush()
        if event.get("type") == "input_audio_buffer.speech_started":
            self.on_speech_started(event)

    def on_speech_started(self, event: dict[str, Any]) -> None:
        self.speech[str(event.get("item_id"))] = {"start": int(event.get("audio_start_ms") or 0)}

    def on_speech_stopped(self, event: dict[str, Any]) -> None:
        timing = self.speech.setdefault(str(event.get("item_id")), {})
        timing["end"] = int(event.get("audio_end_ms") or 0)
        seconds = max(0, timing["end"] - timing.get("start", timing["end"])) / 1000
        self.supervisor.record_usage(self.lease.id, UsageDelta(audio_seconds=seconds))

    def on_transcription(self, event: dict[str, Any]) -> None:
        item_id = str(event.get("item_id") or "")
        timing = self.speech.pop(item_id, {})
        start = timing.get("start", self.now_ms() - self.lease.offset_ms)
        self.turn(
            item_id,
            "candidate",
            str(event.get("transcript") or ""),
            start_ms=self.lease.offset_ms + start,
            duration_ms=max(0, timing.get("end", start) - start),
        )

    def on_item_done(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("type") == "message" and item.get("role") == "system":
            # Instructions smuggled in as a conversation item: as good as a changed session.
            self.tamper({"system item"})
            if not self.stopping:
                self.send({"type": "conversation.item.delete", "item_id": item.get("id")})
            return
        if item.get("role") != "user" or item.get("type") != "message":
            return
        texts = [
            part.get("text", "")
            for part in item.get("content") or []
            if isinstance(part, dict) and part.get("type") == "input_text"
        ]
        if texts:
            self.turn(str(item.get("id") or ""), "candidate", " ".join(texts), typed=True)

    def on_reply_started(self, event: dict[str, Any]) -> None:
        item = event.get("item") or {}
        if item.get("role") == "assistant" and item.get("id"):
            self.reply_started.setdefault(str(item["id"]), time.monotonic())

    def on_reply_done(self, event: dict[str, Any]) -> None:
        # The words are known now; how long they were spoken is known when the audio stops.
        item_id = str(event.get("item_id") or "")
        began = self.reply_started.pop(item_id, None)
        self.replies[str(event.get("response_id") or item_id)] = {
            "item_id": item_id,
            "text": str(event.get("transcript") or event.get("text") or ""),
            "began": began if began is not None else time.monotonic(),
        }

    def on_audio_started(self, event: dict[str, Any]) -> None:
        self.audio_started[str(event.get("response_id") or "")] = time.monotonic()

    def on_audio_stopped(self, event: dict[str, Any]) -> None:
        self.reply_write(str(event.get("response_id") or ""), ended=time.monotonic())

    def reply_write(self, response_id: str, *, ended: float | None) -> None:
        """The interviewer's turn, timed by its audio (upstream's buffer started to stopped)."""
        reply = self.replies.pop(response_id, None)
        spoke = self.audio_started.pop(response_id, None)
        if reply is None:
            return
        start = spoke if spoke is not None else reply["began"]
        duration = int((ended - start) * 1000) if ended is not None and spoke is not None else 0
        self.turn(
            reply["item_id"],
            "interviewer",
            reply["text"],
            start_ms=self.now_ms(start),
            duration_ms=max(0, duration),
        )

    def replies_flush(self) -> None:
        """Write the lines still being spoken when the sideband ends (timed up to now)."""
        for response_id in list(self.replies):
            self.reply_write(response_id, ended=time.monotonic())

    def on_response_done(self, event: dict[str, Any]) -> None:
        response_id = str((event.get("response") or {}).get("id") or "")
        if response_id in self.replies and response_id not in self.audio_started:
            self.reply_write(response_id, ended=None)  # no audio (text only): untimed, not guessed
        usage = (event.get("response") or {}).get("usage") or {}
        if usage:
            self.supervisor.record_usage(
                self.lease.id,
                UsageDelta(
                    input_tokens=int(usage.get("input_tokens") or 0),
                    output_tokens=int(usage.get("output_tokens") or 0),
                ),
            )

    def on_error(self, event: dict[str, Any]) -> None:
        error = event.get("error") or {}
        log.info(
            "call %s upstream error %s: %s",
            self.lease.upstream_call_id,
            error.get("code"),
            error.get("message"),
        )

    HANDLERS: dict[str, Callable[[CallWatch, dict[str, Any]], None]] = {
        "session.created": on_session,
        "session.updated": on_session,
        "input_audio_buffer.speech_started": on_turn_taken,
        "response.created": on_turn_taken,
        "input_audio_buffer.speech_stopped": on_speech_stopped,
        "conversation.item.input_audio_transcription.completed": on_transcription,
        "conversation.item.done": on_item_done,
        "conversation.item.added": on_reply_started,
        "response.output_audio_transcript.done": on_reply_done,
        "output_audio_buffer.started": on_audio_started,
        "output_audio_buffer.stopped": on_audio_stopped,
        "output_audio_buffer.cleared": on_audio_stopped,
        "response.output_text.done": on_reply_done,
        "response.done": on_response_done,
        "error": on_error,
    }

    # Turns

    def now_ms(self, at: float | None = None) -> int:
        """Milliseconds since the interview started, by the wall clock (right after a takeover
        too: the call's creation time comes from the database, not from when we attached)."""
        wall = time.time() - (time.monotonic() - at) if at is not None else time.time()
        return int((wall - self.lease.created_at.timestamp()) * 1000) + self.lease.offset_ms

    def turn(
        self,
        item_id: str,
        speaker: str,
        text: str,
        *,
        start_ms: int | None = None,
        duration_ms: int = 0,
        typed: bool = False,
    ) -> None:
        if not item_id or not text.strip():
            return
        self.supervisor.record_turn(
            ServerTurn(
                interview_id=str(self.lease.interview_id),
                item_id=item_id,
                question_number=self.lease.question_number or 1,
                speaker=speaker,
                text=text,
                start_ms=self.now_ms() if start_ms is None else start_ms,
                duration_ms=duration_ms,
                typed=typed,
            )
        )


def _describe(exc: BaseException) -> str:
    """What went wrong, without the request (aiohttp's reprs include the Authorization header)."""
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__}" + (f" HTTP {status}" if status else "")
