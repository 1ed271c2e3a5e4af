"""Profiles and resumes: the only way to change what the interviewer may know about a candidate."""

from __future__ import annotations

import codecs
import io
import logging
import re
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile, User
from vocahire.lib.errors import AppError

logger = logging.getLogger(__name__)

# Long enough for any real resume; the instructions builder caps what reaches the model anyway.
RESUME_TEXT_MAX_CHARS = 20_000
# A 2 MB upload can unpack to gigabytes (a "zip bomb"); real resumes stay far below these.
DOCX_MAX_UNPACKED_BYTES = 40 * 1024 * 1024
PDF_MAX_PAGES = 30
# Control characters no text file contains (tab, newlines, \v and \f are kept: Word writes them).
_BINARY_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


class ResumeError(AppError):
    """A resume we cannot use; `message` is shown to the candidate, `code` is for machines."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)


@dataclass(frozen=True)
class ResumeText:
    kind: str  # "pdf", "docx" or "txt"
    text: str


def profile_for(user: User) -> Profile:
    """The user's profile, created on first use (users made outside sign-up have none yet)."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    display_name: str,
    target_role: str,
    thinking_time: str,
    resume_text: str,
    record_interviews: bool | None = None,
    interview_language: str | None = None,
) -> Profile:
    """Save the candidate's own details and their (possibly corrected) resume text."""
    if record_interviews is not None:
        profile.record_interviews = record_interviews
    if interview_language:
        profile.interview_language = interview_language
    profile.display_name = display_name.strip()
    profile.target_role = target_role.strip()
    profile.thinking_time = thinking_time
    new_text = _normalise(resume_text)[:RESUME_TEXT_MAX_CHARS]
    if new_text != profile.resume_text:
        profile.resume_text = new_text
        profile.resume_updated_at = timezone.now()
    profile.full_clean(exclude=["user", "resume_file"])
    profile.save()
    return profile


def resume_extract_text(*, data: bytes) -> ResumeText:
    """Recognise a PDF, DOCX or TXT resume by its content and return its text."""
    if not data:
        raise ResumeError(
            "The file is empty. Choose your resume as a PDF, DOCX or TXT file.", "empty"
        )
    if len(data) > settings.RESUME_MAX_BYTES:
        raise ResumeError(_too_large_message(), "too_large")
    kind = _resume_kind(data)
    text = {"pdf": _pdf_text, "docx": _docx_text, "txt": _txt_text}[kind](data)
    text = _normalise(text)
    if not text:
        raise ResumeError(_no_text_message(kind), "no_text")
    return ResumeText(kind=kind, text=text[:RESUME_TEXT_MAX_CHARS])


@transaction.atomic
def resume_attach(*, profile: Profile, uploaded_file: UploadedFile) -> Profile:
    """Replace the profile's resume with an uploaded file; nothing is saved if it is unusable."""
    if uploaded_file.size is not None and uploaded_file.size > settings.RESUME_MAX_BYTES:
        raise ResumeError(_too_large_message(), "too_large")
    data = uploaded_file.read(settings.RESUME_MAX_BYTES + 1)
    resume = resume_extract_text(data=data)
    old_file = profile.resume_file.name
    profile.resume_file.save(f"{uuid.uuid4().hex}.{resume.kind}", ContentFile(data), save=False)
    profile.resume_filename = (uploaded_file.name or f"resume.{resume.kind}")[:255]
    profile.resume_text = resume.text
    profile.resume_updated_at = timezone.now()
    try:
        profile.save()
    except Exception:
        # The row did not change (e.g. the database went away): keep no file it does not name.
        _storage_delete(profile, profile.resume_file.name)
        raise
    if old_file:
        transaction.on_commit(lambda: _storage_delete(profile, old_file))
    return profile


@transaction.atomic
def resume_remove(*, profile: Profile) -> Profile:
    """Forget the resume: the stored file, its name and its text."""
    old_file = profile.resume_file.name
    profile.resume_file = ""
    profile.resume_filename = ""
    profile.resume_text = ""
    profile.resume_updated_at = timezone.now()
    profile.save()
    if old_file:
        transaction.on_commit(lambda: _storage_delete(profile, old_file))
    return profile


def _storage_delete(profile: Profile, name: str) -> None:
    try:
        profile.resume_file.storage.delete(name)
    except OSError:
        # A leftover file is harmless; a failed request after the row changed is not.
        logger.warning("resume file %s could not be deleted", name)


def _resume_kind(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _docx_or_error(data)
    if _txt_decode(data) is None:
        raise ResumeError(_wrong_type_message(), "wrong_type")
    return "txt"


def _txt_decode(data: bytes) -> str | None:
    """Text as resumes are saved: UTF-8, UTF-16 with a byte-order mark, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        # Word's and older Notepad's "plain text" is Windows-1252, a superset of Latin-1.
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
        return None if _BINARY_CHARACTERS.search(text) else text
    return None


def _docx_or_error(data: bytes) -> str:
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ResumeError(_corrupt_message("Word document"), "corrupt") from None
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise ResumeError(_wrong_type_message(), "wrong_type")
    if sum(entry.file_size for entry in entries) > DOCX_MAX_UNPACKED_BYTES:
        raise ResumeError(
            "This Word document is too large once unpacked. "
            "Save it without embedded pictures, or as a PDF, and upload it again.",
            "too_large",
        )
    return "docx"


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = reader.pages[:PDF_MAX_PAGES]
        return "\n".join(page.extract_text() or "" for page in pages)
    except FileNotDecryptedError:
        # PDFs locked with only an owner password open without one; these need the user's.
        raise ResumeError(
            "This PDF is protected by a password. Save a copy without the password and upload it.",
            "encrypted",
        ) from None
    except Exception as error:  # pypdf raises many types for damaged files; all mean "unreadable"
        logger.info("resume: unreadable PDF (%s)", error.__class__.__name__)
        raise ResumeError(_corrupt_message("PDF"), "corrupt") from None


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, XML and zip errors when damaged
        logger.info("resume: unreadable DOCX (%s)", error.__class__.__name__)
        raise ResumeError(_corrupt_message("Word document"), "corrupt") from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _txt_text(data: bytes) -> str:
    return _txt_decode(data) or ""


def _normalise(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _too_large_message() -> str:
    limit_mb = settings.RESUME_MAX_BYTES / (1024 * 1024)
    return f"The file is larger than {limit_mb:g} MB. Upload a smaller PDF, DOCX or TXT file."


def _wrong_type_message() -> str:
    return (
        "This file is not a PDF, Word (DOCX) or plain-text file. "
        "Save your resume in one of those formats and upload it again."
    )


def _corrupt_message(kind: str) -> str:
    return f"This {kind} is damaged and cannot be read. Export it again and upload the new file."


def _no_text_message(kind: str) -> str:
    if kind == "pdf":
        return (
            "We found no text in this PDF; it looks like a scanned image. "
            "Upload a PDF exported from your editor, a DOCX or a TXT file, or paste the text below."
        )
    return "We found no text in this file. Upload a resume that contains text, or paste it below."
