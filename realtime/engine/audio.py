"""The engine's ears and voice: espeak-ng (or a tone) on an aiortc track, and an energy detector."""

from __future__ import annotations

import asyncio
import fractions
import io
import logging
import math
import shutil
import time
from array import array
from dataclasses import dataclass
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

log = logging.getLogger("vocahire.engine")

SAMPLE_RATE = 48000
FRAME_SAMPLES = 960  # 20 ms, what aiortc's Opus encoder expects
FRAME_BYTES = FRAME_SAMPLES * 2


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
    return wav_to_pcm(wav, rate=SAMPLE_RATE)


def wav_to_pcm(wav: bytes, *, rate: int) -> bytes:
    """Decode a WAV file to mono s16 bytes at `rate` Hz."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    out = bytearray()
    with av.open(io.BytesIO(wav)) as container:
        for frame in container.decode(audio=0):
            for resampled in resampler.resample(frame):
                out += bytes(resampled.planes[0])[: resampled.samples * 2]
    for resampled in resampler.resample(None):
        out += bytes(resampled.planes[0])[: resampled.samples * 2]
    return bytes(out)


async def speech_synthesize(text: str, *, voice: str = "en-us") -> bytes:
    """PCM for a line in an espeak-ng voice when installed, a short tone otherwise or on any
    failure."""
    espeak = shutil.which("espeak-ng")
    if not espeak:
        return tone_pcm()
    try:
        process = await asyncio.create_subprocess_exec(
            espeak, "-v", voice, "-s", "170", "--stdout", text,
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


# --- Keeping what was said: the candidate's audio at 16 kHz for the transcriber ---------------


class UtteranceRecorder:
    """The microphone at 16 kHz mono s16: a short look-back always, plus the turn being spoken.

    Speech is detected only after prefix_padding_ms of it, so the look-back holds the start of the
    turn that came before the detector said so.
    """

    RATE = 16000
    BYTES_PER_MS = RATE * 2 // 1000

    def __init__(self, *, lookback_ms: int = 1500, max_seconds: int = 300) -> None:
        self.resampler = av.AudioResampler(format="s16", layout="mono", rate=self.RATE)
        self.lookback = lookback_ms * self.BYTES_PER_MS
        self.limit = max_seconds * self.RATE * 2
        self.recent = bytearray()
        self.current: bytearray | None = None

    @property
    def recording(self) -> bool:
        return self.current is not None

    def feed(self, frame: av.AudioFrame) -> None:
        pcm = b"".join(
            bytes(out.planes[0])[: out.samples * 2] for out in self.resampler.resample(frame)
        )
        self.recent += pcm
        if len(self.recent) > self.lookback:
            del self.recent[: len(self.recent) - self.lookback]
        if self.current is not None:
            self.current += pcm
            if len(self.current) > self.limit:
                del self.current[: len(self.current) - self.limit]

    def start(self, *, already_ms: float) -> None:
        """A turn began `already_ms` ago (the speech the detector needed, plus a margin)."""
        keep = min(int(already_ms) * self.BYTES_PER_MS, len(self.recent))
        self.current = bytearray(self.recent[len(self.recent) - keep :])

    def stop(self, *, trailing_quiet_ms: float = 0) -> bytes:
        """The turn's audio without most of the silence that ended it."""
        pcm, self.current = bytes(self.current or b""), None
        cut = max(int(trailing_quiet_ms) - 200, 0) * self.BYTES_PER_MS
        return pcm[: len(pcm) - cut] if 0 < cut < len(pcm) else pcm

    def cancel(self) -> None:
        self.current = None
