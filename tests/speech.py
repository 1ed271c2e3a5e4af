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
    text: str, path: Path, *, words_per_minute: int = 150, pad_seconds: float = 0.0
) -> Path:
    """Write `text` spoken by espeak-ng to `path` (skips the test when espeak-ng is missing).

    `pad_seconds` of silence follow the speech, as a pause before the next answer.
    """
    espeak = shutil.which("espeak-ng")
    if not espeak:
        pytest.skip(ESPEAK_MISSING)
    command = [espeak, "-v", "en-us", "-s", str(words_per_minute), "-w", str(path), text]
    subprocess.run(command, check=True, timeout=60, capture_output=True)
    if pad_seconds:
        wav_pad(path, pad_seconds)
    return path


def wav_pad(path: Path, seconds: float) -> None:
    """Append silence to a PCM WAV file (espeak-ng writes 22.05 kHz mono s16)."""
    import wave

    with wave.open(str(path), "rb") as source:
        params = source.getparams()
        frames = source.readframes(source.getnframes())
    silence = b"\0" * int(params.framerate * seconds) * params.sampwidth * params.nchannels
    with wave.open(str(path), "wb") as target:
        target.setparams(params)
        target.writeframes(frames + silence)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def heard_share(expected: str, heard: str) -> float:
    """Share of the expected words (of 3+ letters) that appear in what was heard."""
    wanted = {w for w in words(expected) if len(w) >= 3}
    return len(wanted & set(words(heard))) / len(wanted)
