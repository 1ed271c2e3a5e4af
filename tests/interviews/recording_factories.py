"""Recordings for the recording tests: a private storage per test and WebM-looking chunks."""

from __future__ import annotations

from pathlib import Path

from accounts.models import User
from interviews import recordings, services
from interviews.models import Interview, Recording

# The start of a real MediaRecorder WebM file: the EBML header with DocType "webm".
WEBM_HEAD = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
)
OGG_HEAD = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x13OpusHead\x01\x01"
WEBM = "audio/webm;codecs=opus"


def recordings_dir_use(settings, tmp_path: Path) -> Path:
    """Point the "recordings" storage at a directory of the test's own (call from a fixture)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "recordings")},
        },
    }
    return tmp_path / "recordings"


def chunk(seq: int, size: int = 2000) -> bytes:
    """Chunk `seq` of a recording: the first starts with the WebM header, each is distinct."""
    body = bytes([seq % 256]) * size
    return WEBM_HEAD + body if seq == 0 else body


def recorded_interview(owner: User) -> Interview:
    """A started job interview with recording switched on."""
    interview = services.interview_create(owner=owner, kind="job", job_title="Analyst", record=True)
    return services.interview_start(interview=interview, actor=owner)


def upload(interview: Interview, chunks: int = 3, offset_ms: int = 0) -> Recording:
    """A complete recording of `chunks` chunks, through the services."""
    for seq in range(chunks):
        recordings.recording_chunk_store(
            interview=interview, seq=seq, content_type=WEBM, data=chunk(seq)
        )
    return recordings.recording_complete(interview=interview, chunks=chunks, offset_ms=offset_ms)


def recording_bytes(chunks: int = 3) -> bytes:
    return b"".join(chunk(seq) for seq in range(chunks))
