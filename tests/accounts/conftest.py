"""Resume files built in the test, so what we extract is known exactly."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from fpdf import FPDF
from PIL import Image


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_with_text(*lines: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def pdf_with_pages(count: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for number in range(1, count + 1):
        pdf.add_page()
        pdf.cell(text=f"Page {number} of {count}")
    return bytes(pdf.output())


def pdf_locked(*, user_password: str) -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-only", user_password=user_password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Locked resume")
    return bytes(pdf.output())


def pdf_scanned() -> bytes:
    """A page that is only a picture, like a scanner makes: no text layer at all."""
    picture = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=180)
    return bytes(pdf.output())


def docx_with_text(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Skills"
    table.rows[0].cells[1].text = "SQL, Python"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_without_word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()
