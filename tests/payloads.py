"""Payloads tests build or read that are not model rows: the mocked OpenAI upstream's (GA shapes from
tests/data/openai/), Stripe's (recorded events from tests/data/stripe/, signed webhook posts) and
resume files built in the test, so what we extract is known exactly."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import time
import zipfile
from pathlib import Path

import docx
import httpx
from django.test import Client
from fpdf import FPDF
from PIL import Image

from billing.models import Payment
from interviews.models import Interview

# --- The realtime upstream (mocked at the HTTP layer with GA payloads from tests/data/openai/) ----

OPENAI_DATA = Path(__file__).resolve().parent / "data" / "openai"
OPENAI_BASE = "https://api.openai.com/v1"
SERVER_KEY = "sk-test-server-key"
CLIENT_SECRET = "ek_68af296e8e408191a1120ab6383263c2"


def openai_json(name: str) -> dict:
    return json.loads((OPENAI_DATA / name).read_text())


def upstream_error(status: int, name: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=openai_json(name), headers=headers)


def token_url(interview: Interview | str, question: int, query: str = "") -> str:
    pk = interview.pk if isinstance(interview, Interview) else interview
    return f"/api/v1/interviews/{pk}/questions/{question}/token{query}"


def session_url(interview: Interview | str, query: str = "") -> str:
    pk = interview.pk if isinstance(interview, Interview) else interview
    return f"/api/v1/interviews/{pk}/realtime-session{query}"


# --- Stripe (recorded payloads from tests/data/stripe/, signed webhook posts) ----------------------

STRIPE_DATA = Path(__file__).resolve().parent / "data" / "stripe"
WEBHOOK_SECRET = "whsec_test_vocahire_0123456789"
WEBHOOK_URL = "/billing/webhooks/stripe"


def stripe_json(name: str, **placeholders: str) -> dict:
    """A recorded Stripe payload with our ids filled in (PAYMENT_ID, USER_ID, PLAN_ID)."""
    text = (STRIPE_DATA / f"{name}.json").read_text()
    for placeholder, value in placeholders.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def stripe_signature(
    body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """The Stripe-Signature header: t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<body>")."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def post_event(client: Client, event: dict, *, signature: str | None = None):
    body = json.dumps(event).encode()
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature if signature is not None else stripe_signature(body),
    )


def stripe_payment(user, *, pack=None, plan=None, reference: str) -> Payment:
    item = pack or plan
    return Payment.objects.create(
        user=user,
        provider="stripe",
        provider_reference=reference,
        pack=pack,
        plan=plan,
        amount_cents=item.price_cents,
        currency=item.currency,
    )


# --- Resume files, built in the test so what we extract is known exactly -------------------------


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
