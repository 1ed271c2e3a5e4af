"""Synthesized speech for the tests that make the engine hear: espeak-ng WAVs and word shares."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ESPEAK_MISSING = (
    "espeak-ng is not installed: it synthesizes the answers these tests speak to the engine"
    " (CI installs it; apt-get install espeak-ng)"
)


def espeak_wav(
    text: str,
    path: Path,
    *,
    words_per_minute: int = 150,
    pad_seconds: float = 0.0,
    lead_seconds: float = 0.0,
    voice: str = "en-us",
) -> Path:
    """Write `text` spoken by espeak-ng to `path` (skips the test when espeak-ng is missing).

    `lead_seconds` of silence come before the speech and `pad_seconds` after it; `voice` is an
    espeak-ng voice (`espeak-ng --voices`), "es" for Spanish speech.
    """
    espeak = shutil.which("espeak-ng")
    if not espeak:
        pytest.skip(ESPEAK_MISSING)
    command = [espeak, "-v", voice, "-s", str(words_per_minute), "-w", str(path), text]
    subprocess.run(command, check=True, timeout=60, capture_output=True)
    if pad_seconds or lead_seconds:
        wav_pad(path, after=pad_seconds, before=lead_seconds)
    return path


def wav_pad(path: Path, *, after: float = 0.0, before: float = 0.0) -> None:
    """Add silence around the audio of a PCM WAV file (espeak-ng writes 22.05 kHz mono s16)."""
    import wave

    with wave.open(str(path), "rb") as source:
        params = source.getparams()
        frames = source.readframes(source.getnframes())
    frame_bytes = params.sampwidth * params.nchannels

    def silence(seconds: float) -> bytes:
        return b"\0" * int(params.framerate * seconds) * frame_bytes

    with wave.open(str(path), "wb") as target:
        target.setparams(params)
        target.writeframes(silence(before) + frames + silence(after))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def heard_share(expected: str, heard: str) -> float:
    """Share of the expected words (of 3+ letters) that appear in what was heard."""
    wanted = {w for w in words(expected) if len(w) >= 3}
    return len(wanted & set(words(heard))) / len(wanted)
