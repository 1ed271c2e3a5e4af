"""Speech to text benchmark for the local engine: word error rate and real-time factor of the
default model on synthesized interview answers, and the engine's added CPU per minute of speech.

    .venv/bin/python bench/stt.py            # needs espeak-ng; prints the figures

The answers are spoken by espeak-ng (numbers, names and fillers included), passed through the
engine's own path (48 kHz stereo frames as aiortc decodes them -> the utterance recorder ->
the transcriber on its worker thread) and compared with what was written. Figures depend on the
machine and its load; the closing note of issue 11 quotes a run on the 2-core dev machine.
"""

from __future__ import annotations

import asyncio
import fractions
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocahire.settings")

import av  # noqa: E402
import django  # noqa: E402

django.setup()

from realtime.engine import audio, stt  # noqa: E402

UTTERANCES = [
    "Um, I led a team of 5 engineers at Acme and we shipped the new checkout in 3 months.",
    "In my last role at Northwind I cut the monthly reporting time from 4 days to 6 hours.",
    "Uh, the main thing I did was rebuild the data pipeline, which saved about $40,000 a year.",
    "I managed a budget of 2 million dollars and delivered the project 2 weeks early.",
    "So, basically, I talked to 12 customers and found that most of them wanted faster support.",
    "My manager, Sarah Chen, asked me to fix the onboarding flow, and sign ups grew by 15%.",
    "I, um, I think the hardest part was convincing the finance team to change their process.",
    "We had a disagreement about the roadmap, so I set up a meeting with both product leads.",
    "I learned Python in about 6 weeks by building small tools for my own team.",
    "The result was that churn dropped from 8% to 5% over the following two quarters.",
    "Like, I would first look at revenue and costs separately, and then split costs by region.",
    "At Globex I was responsible for 3 warehouses and about 120 people on two shifts.",
    "Uh, I made a mistake in the forecast once, and I told my director, Mark Lopez, right away.",
    "I prioritise by impact and effort, and I check with my manager when two things clash.",
    "We launched in Berlin, Paris and Madrid, and the app reached 50,000 users in a year.",
    "Honestly, um, I prefer small teams where people give each other direct feedback.",
    "I wrote the test plan, trained 4 new hires, and reduced defects by about a third.",
    "My goal for the first 90 days would be to meet every stakeholder and learn the numbers.",
    "I negotiated with 3 suppliers and lowered our packaging costs by 11%.",
    "You know, the customer was upset, so I called her the same day and offered a refund.",
    "I analysed 2 years of sales data in SQL and built a dashboard in Tableau for the board.",
    "Uh, so my answer is roughly 200,000 cups a day, based on a population of 3.7 million.",
]
FILLERS = {"um", "uh", "like", "basically", "so", "honestly"}
NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "ninety": "90"}


def normalise(text: str) -> list[str]:
    """Lower-case words, with the spellings Whisper and the reference may differ on aligned."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 40,000 -> 40000
    text = re.sub(r"\$(\d[\d.]*)", r"\1 dollars", text)
    text = text.replace("%", " percent")
    text = re.sub(r"\bprioriti[sz]e\b", "prioritise", text)
    text = re.sub(r"\banaly[sz]ed\b", "analysed", text)
    text = re.sub(r"\bsign ?ups?\b", "signups", text)
    words = re.findall(r"[a-z0-9]+(?:[.'][a-z0-9]+)*", text)
    return [NUMBER_WORDS.get(word, word) for word in words]  # "four days" == "4 days"


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1]


def synthesize(text: str, path: Path) -> bytes:
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(path), text],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


def stereo_frames(pcm48k_mono: bytes) -> list[av.AudioFrame]:
    """20 ms s16 stereo frames at 48 kHz, as aiortc's Opus decoder hands them to the engine."""
    frames = []
    for n, start in enumerate(range(0, len(pcm48k_mono), 1920)):
        chunk = pcm48k_mono[start : start + 1920].ljust(1920, b"\0")
        stereo = b"".join(chunk[i : i + 2] * 2 for i in range(0, len(chunk), 2))
        frame = av.AudioFrame(format="s16", layout="stereo", samples=960)
        frame.planes[0].update(stereo)
        frame.pts, frame.sample_rate = n * 960, 48000
        frame.time_base = fractions.Fraction(1, 48000)
        frames.append(frame)
    return frames


def main() -> None:
    if not shutil.which("espeak-ng"):
        sys.exit("bench/stt.py needs espeak-ng (apt-get install espeak-ng)")
    transcriber = stt.transcriber()
    started = time.perf_counter()
    if not transcriber.preload():
        sys.exit(f"no model: {transcriber.failure}")
    print(f"model: {transcriber.describe()}")
    print(f"load (sha256 check + model): {time.perf_counter() - started:.2f} s")
    transcriber.transcribe(b"\0\0" * 16000)  # warm-up

    errors = ref_words = fillers_said = fillers_heard = 0
    audio_s = wall_s = cpu_recorder = cpu_stt = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in enumerate(UTTERANCES):
            wav = synthesize(text, Path(tmp) / f"u{n}.wav")
            frames = stereo_frames(audio.wav_to_pcm48k(wav))
            # What the engine adds per frame while it listens: resampling into the recorder.
            recorder = audio.UtteranceRecorder()
            cpu = time.process_time()
            recorder.start(already_ms=0)
            for frame in frames:
                recorder.feed(frame)
            pcm = recorder.stop()
            cpu_recorder += time.process_time() - cpu

            cpu, wall = time.process_time(), time.perf_counter()
            heard = asyncio.run(transcriber.transcribe_async(pcm))
            wall_s += time.perf_counter() - wall
            cpu_stt += time.process_time() - cpu  # all threads of this process (CTranslate2's)
            audio_s += heard.seconds

            ref, hyp = normalise(text), normalise(heard.text)
            errors += edit_distance(ref, hyp)
            ref_words += len(ref)
            fillers_said += sum(w in FILLERS for w in ref)
            fillers_heard += min(sum(w in FILLERS for w in hyp), sum(w in FILLERS for w in ref))
            print(f"{n + 1:2d} {edit_distance(ref, hyp) / len(ref):5.0%}  {heard.text}")

    minutes = audio_s / 60
    print()
    print(f"utterances: {len(UTTERANCES)}, {audio_s:.1f} s of speech, {ref_words} words")
    print(f"word error rate: {errors / ref_words:.1%}")
    print(f"real-time factor: {wall_s / audio_s:.3f} (wall {wall_s:.2f} s for {audio_s:.1f} s)")
    print(f"filler words kept: {fillers_heard}/{fillers_said}")
    print(
        "engine's added CPU per minute of candidate speech: "
        f"{(cpu_recorder + cpu_stt) / minutes:.1f} s "
        f"(transcription {cpu_stt / minutes:.1f} s, recording {cpu_recorder / minutes:.2f} s; "
        f"{transcriber.cpu_threads} threads)"
    )


if __name__ == "__main__":
    main()
