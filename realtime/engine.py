"""The local realtime engine: OpenAI's Realtime GA surface over real HTTP and real WebRTC, offline.

It mints `ek_` client secrets, answers SDP offers with aiortc, and runs a scripted interviewer on
the `oai-events` data channel and the audio track, so the browser room and the minting code run
unchanged against it and against OpenAI. It never touches the database: the caller passes the
server key (the web app's own OPENAI_API_KEY), so it runs as its own process or test thread.
"""

from __future__ import annotations

import asyncio
import copy
import fractions
import io
import json
import logging
import math
import random
import re
import secrets
import shutil
import threading
import time
from array import array
from dataclasses import asdict, dataclass, field
from typing import Any

import av
from aiohttp import web
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError

log = logging.getLogger("vocahire.engine")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SAMPLE_RATE = 48000
FRAME_SAMPLES = 960  # 20 ms, what aiortc's Opus encoder expects
FRAME_BYTES = FRAME_SAMPLES * 2
TTL_MIN, TTL_MAX, TTL_DEFAULT = 10, 7200, 600
SESSION_CAP_SECONDS = 3600  # upstream caps a realtime session at 60 minutes
GREETING_DELAY = 0.15  # lets a session.update sent right after open shape the greeting
DELTA_PAUSE = 0.015
# Flat session fields of the retired beta interface; GA rejects them, so do we.
BETA_ONLY_FIELDS = (
    "modalities",
    "temperature",
    "voice",
    "input_audio_format",
    "output_audio_format",
    "input_audio_transcription",
    "turn_detection",
    "max_response_output_tokens",
)
ENGINE_KEY = web.AppKey("engine", "Engine")


# --- Configuration and errors ----------------------------------------------------------------


@dataclass
class EngineConfig:
    """Runtime knobs; tests flip them through POST /_engine/config."""

    api_key: str
    latency_ms: float = 0.0
    failure_rate: float = 0.0
    refuse: bool = False  # client_secrets answers 503, as when OpenAI is down
    refuse_calls: bool = False  # calls answers 503: the WebRTC connect fails after a good mint

    def update(self, changes: dict[str, Any]) -> None:
        """Apply known, type-checked changes; raise ValueError on anything else."""
        for name, value in changes.items():
            if name == "api_key" or name not in self.__dataclass_fields__:
                raise ValueError(f"unknown setting {name!r}")
            if name in ("refuse", "refuse_calls") and not isinstance(value, bool):
                raise ValueError(f"{name} must be true or false")
            if name in ("latency_ms", "failure_rate") and (
                isinstance(value, bool) or not isinstance(value, int | float) or value < 0
            ):
                raise ValueError(f"{name} must be a number >= 0")
            if name == "failure_rate" and value > 1:
                raise ValueError("failure_rate must be between 0 and 1")
        for name, value in changes.items():
            setattr(self, name, value)

    def public(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "api_key"}


def openai_error(
    status: int,
    message: str,
    *,
    type_: str = "invalid_request_error",
    param: str | None = None,
    code: str | None = None,
) -> web.Response:
    """An error response in OpenAI's documented shape."""
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return web.json_response(body, status=status)


def new_id(prefix: str, length: int = 22) -> str:
    return prefix + secrets.token_urlsafe(length)[:length].replace("-", "A").replace("_", "b")


def bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def key_invalid(token: str) -> web.Response:
    if not token:
        message = "You didn't provide an API key. Use 'Authorization: Bearer YOUR_KEY'."
    else:
        message = f"Incorrect API key provided: {token[:3]}***{token[-4:]}."
    return openai_error(401, message, code="invalid_api_key")


# --- Validating the mint body like OpenAI does ------------------------------------------------


def ttl_parse(expires_after: Any) -> tuple[int, web.Response | None]:
    if expires_after is None:
        return TTL_DEFAULT, None
    if not isinstance(expires_after, dict):
        return 0, openai_error(
            400,
            "Invalid 'expires_after': expected an object.",
            param="expires_after",
            code="invalid_type",
        )
    if expires_after.get("anchor", "created_at") != "created_at":
        message = "Invalid 'expires_after.anchor': expected 'created_at'."
        return 0, openai_error(400, message, param="expires_after.anchor", code="invalid_value")
    seconds = expires_after.get("seconds", TTL_DEFAULT)
    param = "expires_after.seconds"
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        return 0, openai_error(
            400, f"Invalid '{param}': expected an integer.", param=param, code="invalid_type"
        )
    if seconds < TTL_MIN:
        message = f"Invalid '{param}': integer below minimum value. Expected a value >= {TTL_MIN}, but got {seconds} instead."
        return 0, openai_error(400, message, param=param, code="integer_below_min_value")
    if seconds > TTL_MAX:
        message = f"Invalid '{param}': integer above maximum value. Expected a value <= {TTL_MAX}, but got {seconds} instead."
        return 0, openai_error(400, message, param=param, code="integer_above_max_value")
    return seconds, None


def session_problem(session: Any, *, type_required: bool = True) -> tuple[str, str, str] | None:
    """(message, param, code) saying why a config is not a GA realtime session, or None."""
    if not isinstance(session, dict) or (type_required and "type" not in session):
        return (
            "Missing required parameter: 'session.type'.",
            "session.type",
            "missing_required_parameter",
        )
    if session.get("type", "realtime") != "realtime":
        message = (
            f"Invalid value: '{session.get('type')}'. The local engine supports only 'realtime'."
        )
        return message, "session.type", "invalid_value"
    for name in BETA_ONLY_FIELDS:
        if name in session:
            return f"Unknown parameter: 'session.{name}'.", f"session.{name}", "unknown_parameter"
    if not isinstance(session.get("instructions", ""), str):
        return (
            "Invalid 'session.instructions': expected a string.",
            "session.instructions",
            "invalid_type",
        )
    return None


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge a partial session config onto a full one, as session.update does."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def session_build(requested: dict[str, Any]) -> dict[str, Any]:
    """The full GA session object OpenAI echoes back: defaults overlaid with the request."""
    defaults: dict[str, Any] = {
        "type": "realtime",
        "object": "realtime.session",
        "id": new_id("sess_"),
        "model": "gpt-realtime",
        "output_modalities": ["audio"],
        "instructions": "",
        "tools": [],
        "tool_choice": "auto",
        "max_output_tokens": "inf",
        "tracing": None,
        "truncation": "auto",
        "prompt": None,
        "include": None,
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": None,
                "noise_reduction": None,
                "turn_detection": {
                    "type": "server_vad",
                    "threshold": 0.5,
                    "prefix_padding_ms": 300,
                    "silence_duration_ms": 500,
                    "idle_timeout_ms": None,
                    "create_response": True,
                    "interrupt_response": True,
                },
            },
            "output": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "voice": "marin",
                "speed": 1.0,
            },
        },
    }
    changes = {k: v for k, v in requested.items() if k not in ("id", "object")}
    return merge(defaults, changes)


# --- The interviewer's script, read from the instructions ------------------------------------

CASE_QUESTION = re.compile(r"CURRENT QUESTION\s*\(\s*(\d+)\s+of\s+(\d+)\s*\)\s*:?[ \t]*", re.I)
HEADING = re.compile(r"^[A-Z][A-Z /&'-]{3,}(?:\(.*\))?\s*:")
JOB_TITLE_PATTERNS = (
    re.compile(r"\brole of\s+[\"“]([^\"”\n]+)[\"”]", re.I),
    re.compile(r"job title\s*[:=\-]\s*[\"'“]?([^\n\"'”]+)", re.I),
    re.compile(r"\bjob title (?:is|of)\s+[\"'“]?([^\n\"'”.]+)", re.I),
    re.compile(
        r"\bfor (?:a|an|the)\s+[\"'“]?([^\n\"'”.,]{2,80}?)[\"'”]?\s+(?:role|position|job)\b", re.I
    ),
    re.compile(r"^\s*(?:role|position)\s*[:=\-]\s*([^\n]+)", re.I | re.M),
)
QUESTION_COUNT = re.compile(r"\b(\d{1,2})\s+(?:main\s+|interview\s+)?questions\b", re.I)
JOB_QUESTIONS = (
    "Tell me about yourself and what draws you to {role}.",
    "Walk me through a project you are proud of that is relevant to {role}. What was your part, and what was the result?",
    "Tell me about a time something went wrong at work. What did you do, and what did you learn?",
    "How do you decide what to work on first when everything seems urgent?",
    "Tell me about a disagreement with a colleague and how you resolved it.",
    "What would you focus on in your first ninety days in {role}?",
    "Where do you want to grow in the next two years?",
    "Describe a time you had to learn something new quickly. How did you go about it?",
    "Tell me about a decision you made with incomplete information.",
    "What kind of team do you do your best work in, and why?",
    "Tell me about feedback you received that changed how you work.",
    "What would you like to ask me about the role?",
)
ACKNOWLEDGEMENTS = ("Thank you.", "Thanks, that helps.", "Good, let's move on.", "Understood.")
CASE_FOLLOW_UPS = (
    "Thank you. Take it one step further: what is the single most important driver here, and how would you check it with data?",
    "Good. Is there anything you would add or change before we move on?",
)


@dataclass
class InterviewScript:
    """What the scripted interviewer says, turn by turn."""

    lines: list[str]
    closing: str

    def line(self, turn: int) -> str:
        return self.lines[turn] if turn < len(self.lines) else self.closing


def case_question_parse(instructions: str) -> tuple[int, int, str] | None:
    """(n, N, question text) from the 'CURRENT QUESTION (n of N):' block, or None."""
    match = CASE_QUESTION.search(instructions)
    if not match:
        return None
    lines: list[str] = []
    for line in instructions[match.end() :].splitlines():
        if (not line.strip() and lines) or (lines and HEADING.match(line.strip())):
            break
        if line.strip():
            lines.append(line.strip())
    text = " ".join(lines)[:600].strip()
    return int(match.group(1)), int(match.group(2)), text or "Please walk me through your approach."


def job_title_parse(instructions: str) -> str:
    """The job title named in job instructions; 'this' when none can be found."""
    for pattern in JOB_TITLE_PATTERNS:
        match = pattern.search(instructions)
        if match:
            title = match.group(1).strip().strip(".:;,'\"“”")
            if 1 < len(title) <= 80 and title.lower() not in ("the role", "this role"):
                return title
    return "this"


def interview_script(instructions: str) -> InterviewScript:
    """The interviewer's lines for a session: one case question, or a job interview."""
    case = case_question_parse(instructions)
    if case:
        number, total, question = case
        opener = "Hello, I'm your interviewer." if number == 1 else "Welcome back."
        last = number >= total
        after = "you can end the interview" if last else "choose Next question"
        return InterviewScript(
            lines=[f"{opener} Here is question {number} of {total}. {question}", *CASE_FOLLOW_UPS],
            closing=f"Thank you, that covers this question. When you are ready, {after}.",
        )
    title = job_title_parse(instructions)
    count_match = QUESTION_COUNT.search(instructions)
    count = min(max(int(count_match.group(1)), 1), len(JOB_QUESTIONS)) if count_match else 5
    role = "this role" if title == "this" else f"the {title} role"
    questions = [q.format(role=role) for q in JOB_QUESTIONS[:count]]
    greeting = f"Hello, thanks for joining. I'll be interviewing you for {role} today. Let's begin. {questions[0]}"
    follow = [
        f"{ACKNOWLEDGEMENTS[i % len(ACKNOWLEDGEMENTS)]} {q}" for i, q in enumerate(questions[1:])
    ]
    closing = (
        "Thank you, that was my last question. You can end the interview whenever you are ready."
    )
    return InterviewScript(lines=[greeting, *follow], closing=closing)


# --- Speaking: espeak-ng when installed, a short tone otherwise -------------------------------


def tone_pcm(seconds: float = 0.4, hz: float = 440.0) -> bytes:
    samples = int(SAMPLE_RATE * seconds)
    fade = SAMPLE_RATE // 50
    pcm = array("h")
    for i in range(samples):
        envelope = min(1.0, i / fade, (samples - i) / fade)
        pcm.append(int(6000 * envelope * math.sin(2 * math.pi * hz * i / SAMPLE_RATE)))
    return pcm.tobytes()


def wav_to_pcm48k(wav: bytes) -> bytes:
    """Decode a WAV file to 48 kHz mono s16 bytes (PyAV, so no numpy)."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    out = bytearray()
    with av.open(io.BytesIO(wav)) as container:
        for frame in container.decode(audio=0):
            for resampled in resampler.resample(frame):
                out += bytes(resampled.planes[0])[: resampled.samples * 2]
    for resampled in resampler.resample(None):
        out += bytes(resampled.planes[0])[: resampled.samples * 2]
    return bytes(out)


async def speech_synthesize(text: str) -> bytes:
    """PCM for a line: espeak-ng when installed, a short tone otherwise or on any failure."""
    espeak = shutil.which("espeak-ng")
    if not espeak:
        return tone_pcm()
    try:
        process = await asyncio.create_subprocess_exec(
            espeak, "-v", "en-us", "-s", "170", "--stdout", text,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        wav, _ = await asyncio.wait_for(process.communicate(), timeout=5)
        return await asyncio.get_running_loop().run_in_executor(None, wav_to_pcm48k, wav)
    except (OSError, TimeoutError, av.error.FFmpegError) as exc:
        log.warning("espeak-ng failed (%s); speaking a tone instead", exc)
        return tone_pcm()


class InterviewerVoice(MediaStreamTrack):
    """The interviewer's audio track: the current line's PCM in 20 ms frames, silence between."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pcm = b""
        self._position = 0
        self._start: float | None = None
        self._timestamp = 0

    def play(self, pcm: bytes) -> None:
        self._pcm, self._position = pcm, 0

    def silence(self) -> None:
        self._pcm, self._position = b"", 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._timestamp += FRAME_SAMPLES
            wait = self._start + self._timestamp / SAMPLE_RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        chunk = self._pcm[self._position : self._position + FRAME_BYTES]
        self._position += FRAME_BYTES
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        frame.planes[0].update(chunk.ljust(frame.planes[0].buffer_size, b"\0"))
        frame.pts = self._timestamp
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


# --- Listening: an energy detector driven by the session's turn_detection --------------------


def frame_level(frame: av.AudioFrame) -> float:
    """RMS of a frame scaled to 0..1 of full scale."""
    if frame.format.name != "s16":
        resampler = av.AudioResampler(format="s16", layout="mono", rate=frame.sample_rate)
        frames = resampler.resample(frame)
        if not frames:
            return 0.0
        frame = frames[0]
    samples = array("h")
    samples.frombytes(bytes(frame.planes[0])[: frame.samples * len(frame.layout.channels) * 2])
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768


@dataclass
class SpeechDetector:
    """Speech needs prefix_padding_ms of energy and ends after silence_duration_ms of quiet.

    Both conditions keep a beeping fake microphone from starting a new turn every beep.
    """

    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500
    voiced_ms: float = 0
    speech_ms: float = 0
    quiet_ms: float = 0
    speaking: bool = False

    @classmethod
    def from_session(cls, session: dict[str, Any]) -> SpeechDetector | None:
        turn = ((session.get("audio") or {}).get("input") or {}).get("turn_detection")
        if not isinstance(turn, dict):
            return None  # turn detection off: the client commits turns itself
        eagerness = {"low": 900, "medium": 600, "high": 300, "auto": 600}
        silence = turn.get("silence_duration_ms") or eagerness.get(
            turn.get("eagerness", "auto"), 600
        )
        return cls(
            threshold=float(turn.get("threshold") or 0.5),
            prefix_padding_ms=max(int(turn.get("prefix_padding_ms") or 300), 200),
            silence_duration_ms=int(silence),
        )

    @property
    def level_needed(self) -> float:
        # server_vad's threshold is a probability; map it onto RMS (0.5 is about -33 dBFS).
        return 0.002 + 0.04 * min(max(self.threshold, 0.0), 1.0)

    def reset(self) -> None:
        self.voiced_ms = self.speech_ms = self.quiet_ms = 0
        self.speaking = False

    def feed(self, level: float, ms: float) -> str | None:
        """'started', 'stopped' or None for one frame of audio."""
        voiced = level >= self.level_needed
        if not self.speaking:
            self.voiced_ms = self.voiced_ms + ms if voiced else max(0.0, self.voiced_ms - ms)
            if self.voiced_ms >= self.prefix_padding_ms:
                self.speaking, self.speech_ms, self.quiet_ms = True, self.voiced_ms, 0
                return "started"
            return None
        self.speech_ms += ms
        self.quiet_ms = 0 if voiced else self.quiet_ms + ms
        if self.quiet_ms >= self.silence_duration_ms:
            self.speaking, self.voiced_ms = False, 0
            return "stopped"
        return None

    @property
    def utterance_seconds(self) -> float:
        return max(self.speech_ms - self.quiet_ms, 0) / 1000


# --- One call's conversation on the oai-events channel ----------------------------------------


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
        self.detector = SpeechDetector.from_session(session)
        self.lines_spoken = 0
        self.answered = False
        self.lock = asyncio.Lock()
        self.greeting: asyncio.TimerHandle | None = None
        self.playing: str | None = None
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
        self.answered = True
        if self.detector is not None:
            self.detector.reset()  # a typed turn wins over half-heard speech

    def response_create(self, event: dict[str, Any]) -> None:
        if self.greeting is not None:
            self.greet()
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
                text = self.script.line(self.lines_spoken)
                self.lines_spoken += 1
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


# --- The engine: secrets, calls and the HTTP surface -----------------------------------------


@dataclass
class ClientSecret:
    value: str
    expires_at: int
    session: dict[str, Any]
    used: bool = False


@dataclass
class Call:
    id: str
    pc: RTCPeerConnection
    interviewer: Interviewer
    started: float = field(default_factory=time.monotonic)
    closed: bool = False

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self.interviewer.close()
            await self.pc.close()


class Engine:
    """In-memory state of the engine: live client secrets and calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.secrets: dict[str, ClientSecret] = {}
        self.calls: dict[str, Call] = {}
        self.sweeper: asyncio.Task[None] | None = None

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[cors_middleware, faults_middleware], client_max_size=2**20
        )
        app[ENGINE_KEY] = self
        app.router.add_post("/v1/realtime/client_secrets", client_secrets_create)
        app.router.add_post("/v1/realtime/calls", call_create)
        app.router.add_post("/v1/realtime/calls/{call_id}/hangup", call_hangup)
        app.router.add_get("/_engine/health", engine_health)
        app.router.add_route("*", "/_engine/config", engine_config)
        app.on_startup.append(self.startup)
        app.on_shutdown.append(self.shutdown)
        return app

    async def startup(self, app: web.Application) -> None:
        self.sweeper = asyncio.ensure_future(self.sweep_forever())

    async def shutdown(self, app: web.Application) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
        for call in list(self.calls.values()):
            await call.close()
        self.calls.clear()

    def secret_create(self, *, session: dict[str, Any], ttl: int) -> ClientSecret:
        secret = ClientSecret(
            value=new_id("ek_", 32), expires_at=int(time.time()) + ttl, session=session
        )
        self.secrets[secret.value] = secret
        return secret

    def secret_usable(self, value: str) -> ClientSecret | None:
        secret = self.secrets.get(value)
        if secret is None or secret.used or secret.expires_at <= time.time():
            return None
        return secret

    async def call_open(self, *, offer_sdp: str, session: dict[str, Any]) -> tuple[str, str]:
        """Answer an SDP offer; returns (call id, answer SDP). Raises ValueError on a bad offer."""
        call_id = new_id("rtc_")
        # No STUN: aiortc would otherwise ask Google's server, and the engine must work offline.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        interviewer = Interviewer(session=copy.deepcopy(session), call_id=call_id)
        pc.on(
            "datachannel",
            lambda channel: channel.label == "oai-events" and interviewer.channel_attach(channel),
        )
        pc.on(
            "track",
            lambda track: track.kind == "audio" and interviewer.spawn(interviewer.listen(track)),
        )
        call = Call(id=call_id, pc=pc, interviewer=interviewer)

        @pc.on("connectionstatechange")
        async def connection_change() -> None:
            if pc.connectionState == "failed":
                await call.close()

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            if any(t.kind == "audio" for t in pc.getTransceivers()):
                pc.addTrack(interviewer.voice)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:  # aiortc raises assorted types for a malformed offer
            await pc.close()
            raise ValueError(str(exc) or exc.__class__.__name__) from exc
        self.calls[call_id] = call
        return call_id, pc.localDescription.sdp

    async def sweep_forever(self, every: float = 5.0) -> None:
        while True:
            await asyncio.sleep(every)
            await self.sweep()

    async def sweep(self) -> None:
        """Forget expired secrets; end calls past the 60-minute session cap."""
        now = time.time()
        for value in [v for v, s in self.secrets.items() if s.expires_at <= now]:
            del self.secrets[value]
        for call in [
            c for c in self.calls.values() if time.monotonic() - c.started > SESSION_CAP_SECONDS
        ]:
            del self.calls[call.id]
            await call.close()


ENGINE_KEY = web.AppKey("engine", Engine)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Location",
    "Access-Control-Max-Age": "600",
}


@web.middleware
async def cors_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """The browser posts its offer straight to the engine from the web origin."""
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = openai_error(exc.status, f"Invalid URL ({request.method} {request.path})")
    response.headers.update(CORS_HEADERS)
    return response


@web.middleware
async def faults_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Injected latency and random 5xx on the /v1 surface, for tests and benchmarks."""
    config = request.app[ENGINE_KEY].config
    if not request.path.startswith("/v1/"):
        return await handler(request)
    if config.latency_ms:
        await asyncio.sleep(config.latency_ms / 1000)
    if config.failure_rate and random.random() < config.failure_rate:
        message = "The server had an error while processing your request. Sorry about that!"
        return openai_error(500, message, type_="server_error")
    return await handler(request)


async def client_secrets_create(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    if not secrets.compare_digest(token.encode(), engine.config.api_key.encode()):
        return key_invalid(token)
    if engine.config.refuse:
        message = "The engine is currently overloaded, please try again later."
        return openai_error(503, message, type_="server_error")
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return openai_error(
            400, "We could not parse the JSON body of your request.", code="invalid_json"
        )
    ttl, ttl_error = ttl_parse(body.get("expires_after"))
    if ttl_error is not None:
        return ttl_error
    problem = session_problem(body.get("session"))
    if problem:
        message, param, code = problem
        return openai_error(400, message, param=param, code=code)
    secret = engine.secret_create(session=session_build(body["session"]), ttl=ttl)
    return web.json_response(
        {"value": secret.value, "expires_at": secret.expires_at, "session": secret.session}
    )


async def call_create(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    secret = engine.secret_usable(token)
    if secret is None:
        return openai_error(
            401, "The client secret is invalid, expired or already used.", code="invalid_api_key"
        )
    if engine.config.refuse_calls:
        return openai_error(
            503, "The engine is currently overloaded, please try again later.", type_="server_error"
        )
    if request.content_type != "application/sdp":
        return openai_error(
            400,
            "Send the SDP offer with Content-Type: application/sdp.",
            param="content-type",
            code="invalid_content_type",
        )
    offer = await request.text()
    if not offer.lstrip().startswith("v=0") or "\nm=" not in offer:
        message = "The body is not an SDP offer with at least one media section."
        return openai_error(400, message, param="sdp", code="invalid_offer")
    secret.used = True  # claimed before the await so a concurrent post cannot reuse it
    try:
        call_id, answer = await engine.call_open(offer_sdp=offer, session=secret.session)
    except ValueError as exc:
        secret.used = False
        return openai_error(
            400, f"The SDP offer could not be applied: {exc}", param="sdp", code="invalid_offer"
        )
    log.info("call %s opened", call_id)
    return web.Response(
        status=201,
        text=answer,
        content_type="application/sdp",
        headers={"Location": f"/v1/realtime/calls/{call_id}"},
    )


async def call_hangup(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    if not secrets.compare_digest(token.encode(), engine.config.api_key.encode()):
        return key_invalid(token)
    call = engine.calls.pop(request.match_info["call_id"], None)
    if call is None:
        return openai_error(404, "Call not found.", param="call_id", code="not_found")
    await call.close()
    log.info("call %s hung up", call.id)
    return web.Response(status=200)


def loopback(remote: str | None) -> bool:
    return bool(remote) and (remote.startswith("127.") or remote in ("::1", "::ffff:127.0.0.1"))


async def engine_health(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    live_calls = sum(not call.closed for call in engine.calls.values())
    return web.json_response({"status": "ok", "secrets": len(engine.secrets), "calls": live_calls})


async def engine_config(request: web.Request) -> web.Response:
    """GET shows and POST changes the fault knobs; loopback only, as there is no other auth."""
    if not loopback(request.remote):
        return openai_error(
            403, "The engine's test hook answers loopback clients only.", code="forbidden"
        )
    engine = request.app[ENGINE_KEY]
    if request.method == "POST":
        try:
            changes = await request.json()
            if not isinstance(changes, dict):
                raise ValueError("send a JSON object of settings")
            engine.config.update(changes)
        except ValueError as exc:
            return openai_error(400, str(exc), code="invalid_value")
    elif request.method != "GET":
        return openai_error(405, "Use GET or POST.")
    return web.json_response(engine.config.public())


# --- Running it --------------------------------------------------------------------------------


def config_build(*, api_key: str | None = None, **knobs: Any) -> EngineConfig:
    """An EngineConfig whose key defaults to the web app's own OPENAI_API_KEY setting."""
    if api_key is None:
        from django.conf import settings

        api_key = settings.OPENAI_API_KEY
    return EngineConfig(api_key=api_key, **knobs)


async def engine_serve(
    *,
    config: EngineConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set (the command sets it on SIGINT/SIGTERM)."""
    runner = web.AppRunner(Engine(config).app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("local realtime engine on http://%s:%s/v1", host, port)
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


class EngineThread:
    """The engine on its own event loop in a daemon thread, for tests and benchmarks."""

    def __init__(self, *, config: EngineConfig, host: str, port: int) -> None:
        self.engine = Engine(config)
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="realtime-engine", daemon=True)
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def config(self) -> EngineConfig:
        return self.engine.config

    def start(self) -> EngineThread:
        self.thread.start()
        if not self.ready.wait(10) or self.failure is not None:
            raise RuntimeError(f"the realtime engine did not start: {self.failure}")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.engine.app(), access_log=None)
        try:
            self.loop.run_until_complete(runner.setup())
            self.loop.run_until_complete(web.TCPSite(runner, self.host, self.port).start())
            self.port = runner.addresses[0][1]  # the real port when 0 was asked for
        except BaseException as exc:  # reported to start() in the caller's thread
            self.failure = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def engine_run(
    *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, api_key: str | None = None, **knobs: Any
) -> EngineThread:
    """Start the engine in a background thread (port=0 picks a free port); call .stop() after."""
    config = config_build(api_key=api_key, **knobs)
    return EngineThread(config=config, host=host, port=port).start()
