from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Profile
from tests.payloads import (
    docx_with_text,
    pdf_locked,
    pdf_scanned,
    pdf_with_pages,
    pdf_with_text,
    zip_without_word_document,
)

pytestmark = pytest.mark.django_db


def _upload(client, name: str, data: bytes):
    return client.post("/profile/resume/", {"resume": SimpleUploadedFile(name, data)})


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_real_pdf_is_extracted_and_shown_for_editing(client, candidate, settings):
    client.force_login(candidate)
    response = _upload(client, "jane.pdf", pdf_with_text("Jane Doe", "Pricing lead at Acme"))
    assert response.status_code == 302
    profile = Profile.objects.get(user=candidate)
    assert profile.resume_text == "Jane Doe\nPricing lead at Acme"
    assert profile.resume_filename == "jane.pdf"
    assert profile.resume_file.name.endswith(".pdf")
    assert len(_stored_files(settings)) == 1
    page = client.get("/profile/").content.decode()
    assert "Pricing lead at Acme</textarea>" in page
    assert "jane.pdf" in page


def test_real_docx_is_extracted_with_its_tables(client, candidate):
    client.force_login(candidate)
    response = _upload(client, "jane.docx", docx_with_text("Jane Doe", "Ran the Berlin launch"))
    assert response.status_code == 302
    profile = Profile.objects.get(user=candidate)
    assert profile.resume_text == "Jane Doe\nRan the Berlin launch\nSkills | SQL, Python"
    assert profile.resume_file.name.endswith(".docx")


def test_text_file_is_kept_as_written(client, candidate):
    client.force_login(candidate)
    _upload(client, "cv.txt", "Jane Doe\n\nCafé owner, 6 years\n".encode())
    assert Profile.objects.get(user=candidate).resume_text == "Jane Doe\n\nCafé owner, 6 years"


@pytest.mark.parametrize(
    "data",
    [
        "Jane Doe\r\nCafé owner – 6 years".encode("cp1252"),  # Word's "plain text" export
        "Jane Doe\r\nCafé owner – 6 years".encode("utf-16"),  # Notepad's "Unicode"
        "\ufeffJane Doe\r\nCafé owner – 6 years".encode(),  # UTF-8 with a BOM
    ],
    ids=["windows-1252", "utf-16", "utf-8-bom"],
)
def test_text_files_in_other_encodings_are_read(client, candidate, data):
    client.force_login(candidate)
    assert _upload(client, "cv.txt", data).status_code == 302
    assert Profile.objects.get(user=candidate).resume_text == "Jane Doe\nCafé owner – 6 years"


def test_type_comes_from_content_not_the_name(client, candidate):
    client.force_login(candidate)
    _upload(client, "resume.txt", pdf_with_text("Named like text, really a PDF"))
    profile = Profile.objects.get(user=candidate)
    assert profile.resume_text == "Named like text, really a PDF"
    assert profile.resume_file.name.endswith(".pdf")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", pdf_scanned(), "it looks like a scanned image"),
        ("locked.pdf", pdf_locked(user_password="secret"), "protected by a password"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x13\x37" * 1500, "This PDF is damaged"),
        ("broken.docx", docx_with_text("Jane")[:4000], "This Word document is damaged"),
        ("photo.pdf", PNG, "is not a PDF, Word (DOCX) or plain-text file"),
        ("archive.docx", zip_without_word_document(), "is not a PDF, Word (DOCX) or plain-text"),
        ("data.txt", b"\x01\x02\x03binary\x00", "is not a PDF, Word (DOCX) or plain-text"),
        ("blank.txt", b"   \n\n  ", "We found no text in this file"),
    ],
)
def test_unusable_file_says_why_and_saves_nothing(client, candidate, settings, name, data, message):
    client.force_login(candidate)
    response = _upload(client, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    profile = Profile.objects.get(user=candidate)
    assert (profile.resume_text, profile.resume_filename, profile.resume_file.name) == ("", "", "")
    assert _stored_files(settings) == []


def test_oversized_file_is_refused_before_reading(client, candidate, settings):
    client.force_login(candidate)
    data = b"a" * (settings.RESUME_MAX_BYTES + 1)
    response = _upload(client, "huge.txt", data)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()
    assert Profile.objects.get(user=candidate).resume_text == ""
    assert _stored_files(settings) == []


def test_file_of_exactly_the_limit_is_accepted(client, candidate, settings):
    client.force_login(candidate)
    data = b"x" * settings.RESUME_MAX_BYTES
    assert _upload(client, "big.txt", data).status_code == 302


def test_failed_replacement_keeps_the_previous_resume(client, candidate, settings):
    client.force_login(candidate)
    _upload(client, "first.pdf", pdf_with_text("First resume"))
    response = _upload(client, "second.pdf", pdf_scanned())
    assert response.status_code == 400
    profile = Profile.objects.get(user=candidate)
    assert (profile.resume_text, profile.resume_filename) == ("First resume", "first.pdf")
    assert len(_stored_files(settings)) == 1


def test_replacing_a_resume_deletes_the_old_file(
    client, candidate, settings, django_capture_on_commit_callbacks
):
    client.force_login(candidate)
    _upload(client, "first.pdf", pdf_with_text("First resume"))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, "second.docx", docx_with_text("Second resume"))
    files = _stored_files(settings)
    assert [path.suffix for path in files] == [".docx"]
    assert Profile.objects.get(user=candidate).resume_filename == "second.docx"


def test_remove_resume_forgets_file_name_and_text(
    client, candidate, settings, django_capture_on_commit_callbacks
):
    client.force_login(candidate)
    _upload(client, "jane.pdf", pdf_with_text("Jane Doe"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/profile/resume/remove/")
    assert response.status_code == 302
    profile = Profile.objects.get(user=candidate)
    assert (profile.resume_text, profile.resume_filename, profile.resume_file.name) == ("", "", "")
    assert _stored_files(settings) == []


def test_missing_file_is_a_form_error(client, candidate):
    client.force_login(candidate)
    response = client.post("/profile/resume/", {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_upload_needs_login(client, db):
    response = _upload(client, "cv.txt", b"Jane")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pdf_locked_only_against_editing_is_read(client, candidate):
    client.force_login(candidate)
    assert _upload(client, "cv.pdf", pdf_locked(user_password="")).status_code == 302
    assert Profile.objects.get(user=candidate).resume_text == "Locked resume"


def _docx_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/filler.bin", b"\0" * (41 * 1024 * 1024))
    return buffer.getvalue()


def test_docx_that_unpacks_to_a_huge_size_is_refused_unread(client, candidate, settings):
    data = _docx_bomb()
    assert len(data) < settings.RESUME_MAX_BYTES
    client.force_login(candidate)
    response = _upload(client, "bomb.docx", data)
    assert response.status_code == 400
    assert "too large once unpacked" in response.content.decode()
    assert _stored_files(settings) == []


def test_only_the_first_30_pdf_pages_are_read(client, candidate):
    client.force_login(candidate)
    data = pdf_with_pages(31)
    assert _upload(client, "long.pdf", data).status_code == 302
    text = Profile.objects.get(user=candidate).resume_text
    assert "Page 30 of 31" in text
    assert "Page 31 of 31" not in text


def test_candidate_downloads_their_own_file(client, candidate):
    client.force_login(candidate)
    original = pdf_with_text("Jane Doe")
    _upload(client, "jane.pdf", original)
    response = client.get("/profile/resume/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == original
    assert 'attachment; filename="jane.pdf"' == response["Content-Disposition"]


def test_download_without_a_resume_is_404(client, candidate):
    client.force_login(candidate)
    assert client.get("/profile/resume/file/").status_code == 404


def test_download_needs_login(client, db):
    response = client.get("/profile/resume/file/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_resume_files_are_not_served_from_media_even_in_debug(client, candidate, settings):
    import importlib

    from django.urls import clear_url_caches

    import vocahire.urls

    client.force_login(candidate)
    _upload(client, "cv.txt", b"Jane Doe, private resume")
    stored = Profile.objects.get(user=candidate).resume_file.name
    settings.DEBUG = True
    importlib.reload(vocahire.urls)  # the URL list is built once, when DEBUG is read
    clear_url_caches()
    try:
        assert client.get(f"/media/{stored}").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(vocahire.urls)
        clear_url_caches()


def test_database_failure_while_saving_leaves_no_stored_file(client, candidate, settings):
    from unittest import mock

    from django.db import OperationalError

    client.force_login(candidate)
    client.raise_request_exception = False
    with mock.patch.object(Profile, "save", side_effect=OperationalError("server closed")):
        response = _upload(client, "cv.txt", b"Jane Doe")
    assert response.status_code == 503
    assert _stored_files(settings) == []
    assert Profile.objects.get(user=candidate).resume_text == ""
