"""Interview recordings: numbered chunks in, one assembled file out, range reads, deletion, purge.

The browser mixes both sides of the conversation and uploads what MediaRecorder produces every few
seconds as chunk 0, 1, 2, ... (idempotent by number). `complete` joins them in order into one file
per interview in the "recordings" storage (STORAGES): local files by default, any django-storages
backend in production. Nothing here trusts the declared type or size: the assembled bytes are
checked (WebM/EBML or Ogg/Opus signature, byte count).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.models import User
from interviews.models import Interview, Recording, RecordingChunk
from interviews.services import InterviewError
from vocahire.lib.types import InterviewId

logger = logging.getLogger(__name__)

CHUNK_MAX_BYTES = 1024 * 1024
# Opus at 128 kbit/s, twice what the room's recorder asks for: the size cap that
# RECORDING_MAX_MINUTES implies, checked on the bytes actually received.
BYTES_PER_MINUTE = 128_000 // 8 * 60
# A chunk every second at the very least: anything past this cannot be a real recording.
SEQ_PER_MINUTE = 60
# Uploads never completed (tab closed mid-interview) are dropped after this.
UNFINISHED_AFTER = timedelta(days=1)
READ_BLOCK = 64 * 1024

# Container signatures: WebM is EBML whose DocType is "webm"; Ogg pages start "OggS" and the first
# one of an Opus stream carries "OpusHead".
_EBML = b"\x1a\x45\xdf\xa3"
CONTENT_TYPES = {"audio/webm": ".webm", "audio/ogg": ".ogg"}


class RecordingError(InterviewError):
    """A recording rule refused the request; `extra` adds fields to the API's error body."""

    def __init__(
        self, message: str, code: str, status: int, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, code, status, extra=extra)


def recording_storage() -> Storage:
    """The storage recordings live in (STORAGES["recordings"])."""
    return storages["recordings"]


def max_bytes() -> int:
    return settings.RECORDING_MAX_MINUTES * BYTES_PER_MINUTE


def base_content_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def content_looks_like(content_type: str, head: bytes) -> bool:
    """True if the first bytes are the container the type names (WebM/EBML or Ogg with Opus)."""
    kind = base_content_type(content_type)
    if kind == "audio/webm":
        return head.startswith(_EBML) and b"webm" in head[:64]
    if kind == "audio/ogg":
        return head.startswith(b"OggS") and b"OpusHead" in head[:128]
    return False


# --- Access ----------------------------------------------------------------------------------------


def interview_for_recording(*, interview_id: InterviewId, actor: User) -> Interview:
    """The interview if the actor owns it or is staff; 404 for anyone else, signed in or not."""
    # Unlike the other interview endpoints, someone else's interview is a 404, not a 403: a
    # recording is a person's voice, and even its existence is theirs.
    try:
        interview = Interview.objects.filter(pk=interview_id).first()
    except (ValueError, TypeError):
        interview = None
    if interview is None or not interview.is_visible_to(actor):
        raise RecordingError("There is no interview with that id.", "interview_not_found", 404)
    return interview


def _locked(interview: Interview) -> Interview:
    return Interview.objects.select_for_update().get(pk=interview.pk)


def _enabled_check(interview: Interview) -> None:
    if not interview.record:
        raise RecordingError(
            "Recording is not switched on for this interview.", "recording_not_enabled", 409
        )


# --- The choice ------------------------------------------------------------------------------------


@transaction.atomic
def interview_record_set(*, interview: Interview, record: bool) -> Interview:
    """Switch recording on or off before the interview has finished; off drops what was uploaded."""
    interview = _locked(interview)
    if interview.record == record:
        return interview
    if interview.is_finished:
        raise RecordingError(
            "This interview has ended; the recording choice can no longer change.",
            "interview_finished",
            409,
        )
    interview.record = record
    interview.save(update_fields=["record", "updated_at"])
    if not record:
        Recording.objects.filter(interview=interview).delete()  # files go on commit
    return interview


# --- Chunks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkResult:
    seq: int
    stored: bool
    chunks: int
    bytes: int


def _chunk_checks(*, interview: Interview, seq: int, content_type: str, data: bytes) -> None:
    _enabled_check(interview)
    if interview.status == Interview.Status.DRAFT:
        raise RecordingError(
            "Start the interview before uploading its recording.", "interview_not_in_progress", 409
        )
    if base_content_type(content_type) not in CONTENT_TYPES:
        raise RecordingError(
            "Upload the recording as audio/webm or audio/ogg (Opus).", "unsupported_media_type", 415
        )
    if len(data) > CHUNK_MAX_BYTES:
        raise chunk_too_large()
    if not data:
        raise RecordingError("This chunk is empty.", "empty_chunk", 400)
    if not 0 <= seq <= settings.RECORDING_MAX_MINUTES * SEQ_PER_MINUTE:
        raise RecordingError(
            "The chunk number (seq) is outside this recording.", "invalid_seq", 400
        )
    if seq == 0 and not content_looks_like(content_type, data[:128]):
        raise RecordingError(
            "This does not look like a WebM or Ogg Opus recording.", "unsupported_media_type", 415
        )


def chunk_too_large() -> RecordingError:
    return RecordingError(
        f"Send at most {CHUNK_MAX_BYTES // (1024 * 1024)} MB per chunk; record shorter slices.",
        "chunk_too_large",
        413,
    )


def _recording_for_upload(*, interview: Interview, content_type: str) -> Recording:
    recording, _ = Recording.objects.get_or_create(
        interview=interview, defaults={"content_type": base_content_type(content_type)}
    )
    if recording.status == Recording.Status.READY:
        raise RecordingError(
            "This recording is already complete. Delete it to record again.",
            "recording_complete",
            409,
        )
    if recording.content_type != base_content_type(content_type):
        raise RecordingError(
            f"This recording is {recording.content_type}; send every chunk with that type.",
            "unsupported_media_type",
            415,
        )
    return recording


@transaction.atomic
def recording_chunk_store(
    *,
    interview: Interview,
    seq: int,
    content_type: str,
    data: bytes,
    elapsed_ms: int | None = None,
) -> ChunkResult:
    """Store chunk `seq`; the same chunk again is a no-op, different bytes for it a 409.

    `elapsed_ms` (with chunk 0): how long the recorder had been running when the browser sent it,
    by the browser's own stopwatch. With the server's arrival time it places the recording on the
    transcript's clock (`offset_ms`) without trusting the browser's wall clock.
    """
    interview = _locked(interview)
    _chunk_checks(interview=interview, seq=seq, content_type=content_type, data=data)
    recording = _recording_for_upload(interview=interview, content_type=content_type)
    digest = hashlib.sha256(data).hexdigest()
    totals = recording.chunks.aggregate(n=Count("id"), size=Sum("size"))
    count, size = totals["n"], totals["size"] or 0
    existing = recording.chunks.filter(seq=seq).first()
    if existing is not None:
        if existing.sha256 != digest:
            raise RecordingError(
                f"Chunk {seq} was already received with different content.", "chunk_conflict", 409
            )
        return ChunkResult(seq=seq, stored=False, chunks=count, bytes=size)
    if size + len(data) > max_bytes():
        raise RecordingError(
            f"Recordings are limited to {settings.RECORDING_MAX_MINUTES} minutes.",
            "recording_too_large",
            413,
        )
    name = recording_storage().save(
        f"chunks/{interview.pk}/{seq:06d}-{secrets.token_hex(4)}.part", ContentFile(data)
    )
    try:
        RecordingChunk.objects.create(
            recording=recording, seq=seq, size=len(data), sha256=digest, file_name=name
        )
    except Exception:
        _files_delete([name])  # the row is the record of a chunk: no row, no file
        raise
    if seq == 0 and elapsed_ms is not None:
        _offset_from_arrival(recording=recording, interview=interview, elapsed_ms=elapsed_ms)
    return ChunkResult(seq=seq, stored=True, chunks=count + 1, bytes=size + len(data))


def _offset_from_arrival(*, recording: Recording, interview: Interview, elapsed_ms: int) -> None:
    if interview.started_at is None:
        return
    since_start = (timezone.now() - interview.started_at).total_seconds() * 1000
    recording.offset_ms = max(0, round(since_start) - elapsed_ms)
    recording.save(update_fields=["offset_ms"])


# --- Complete --------------------------------------------------------------------------------------


@transaction.atomic
def recording_complete(
    *, interview: Interview, chunks: int, offset_ms: int | None = None
) -> Recording:
    """Join chunks 0..chunks-1 into one checked file; the first missing one is a 409 to resend.

    `offset_ms`, when given, replaces the offset measured from chunk 0's arrival.
    """
    interview = _locked(interview)
    _enabled_check(interview)
    recording = Recording.objects.filter(interview=interview).first()
    if recording is not None and recording.status == Recording.Status.READY:
        return recording  # completing twice (a retried request) is harmless
    present = set(recording.chunks.values_list("seq", flat=True)) if recording else set()
    missing = next((seq for seq in range(max(chunks, 1)) if seq not in present), None)
    if missing is not None:
        raise RecordingError(
            f"Chunk {missing} has not arrived; upload it and complete again.",
            "recording_chunk_missing",
            409,
            extra={"missing_seq": missing},
        )
    return _assemble(recording=recording, chunks=chunks, offset_ms=offset_ms)


def _assemble(*, recording: Recording, chunks: int, offset_ms: int | None) -> Recording:
    storage = recording_storage()
    parts = list(recording.chunks.filter(seq__lt=chunks).order_by("seq"))
    extension = CONTENT_TYPES[recording.content_type]
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as joined:
        for part in parts:
            with storage.open(part.file_name, "rb") as source:
                while block := source.read(READ_BLOCK):
                    joined.write(block)
        size = joined.tell()
        joined.seek(0)
        if not content_looks_like(recording.content_type, joined.read(128)) or size > max_bytes():
            raise RecordingError(
                "The uploaded audio is not a WebM or Ogg Opus recording within the size limit.",
                "invalid_recording",
                422,
            )
        joined.seek(0)
        name = storage.save(
            f"{recording.interview_id}/{secrets.token_hex(8)}{extension}", File(joined)
        )
    recording.chunks.all().delete()  # their files go on commit (recording_file_on_delete)
    recording.status, recording.file_name, recording.size = Recording.Status.READY, name, size
    if offset_ms is not None:
        recording.offset_ms = offset_ms
    recording.completed_at = timezone.now()
    recording.save()
    return recording


def _files_delete(names: list[str]) -> None:
    storage = recording_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # a missing file is already gone; others are logged, not raised
            logger.exception("recording file %s could not be deleted", name)


# --- Read ------------------------------------------------------------------------------------------


def recording_ready(*, interview: Interview) -> Recording | None:
    """The interview's assembled recording, or None."""
    return Recording.objects.ready().filter(interview=interview).first()


def recording_ready_or_404(*, interview: Interview) -> Recording:
    recording = recording_ready(interview=interview)
    if recording is None:
        raise RecordingError("This interview has no recording.", "recording_not_found", 404)
    return recording


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `Range: bytes=` header; None if it cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if not match or size == 0 or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the final N bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length > 0 else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None


def recording_read(*, recording: Recording, first: int, last: int) -> Iterator[bytes]:
    """The bytes first..last (inclusive) of the file, in blocks."""
    with recording_storage().open(recording.file_name, "rb") as source:
        source.seek(first)
        remaining = last - first + 1
        while remaining > 0:
            block = source.read(min(READ_BLOCK, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block


# --- Delete and purge ------------------------------------------------------------------------------


@transaction.atomic
def recording_delete(*, interview: Interview) -> bool:
    """Remove the interview's recording (and any unfinished upload); False if there was none."""
    interview = _locked(interview)
    recording = Recording.objects.filter(interview=interview).first()
    if recording is None:
        return False
    recording.delete()  # with its chunks; the files go on commit (recording_file_on_delete)
    return True


def recording_file_on_delete(
    sender: type, instance: Recording | RecordingChunk, **kwargs: Any
) -> None:
    """post_delete: a recording or chunk row takes its file with it, once the deletion commits."""
    # A receiver, not a step of recording_delete: deleting an interview or a whole account
    # cascades to these rows, and a person's voice must not outlive them on disk or in a bucket.
    name = instance.file_name
    if name:
        transaction.on_commit(lambda: _files_delete([name]))


def recordings_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete recordings older than RECORDING_RETENTION_DAYS and uploads never completed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RECORDING_RETENTION_DAYS)
    expired = Recording.objects.filter(created_at__lt=cutoff)
    stale = Recording.objects.filter(
        status=Recording.Status.UPLOADING, created_at__lt=now - UNFINISHED_AFTER
    )
    counts = {"expired": 0, "unfinished": 0}
    for label, queryset in (("expired", expired), ("unfinished", stale)):
        for interview in Interview.objects.filter(recording__in=queryset):
            counts[label] += int(recording_delete(interview=interview))
    return counts


def recordings_usage(*, since: datetime) -> dict[str, int]:
    """Recordings made since a time: how many, how many bytes, how many still uploading."""
    rows = Recording.objects.filter(created_at__gte=since)
    totals = rows.ready().aggregate(n=Count("id"), size=Sum("size"))
    return {
        "ready": totals["n"],
        "bytes": totals["size"] or 0,
        "uploading": rows.filter(status=Recording.Status.UPLOADING).count(),
    }
