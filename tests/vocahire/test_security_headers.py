"""Content-Security-Policy and Permissions-Policy on every page type, and no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import job_interview

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Data blocks (json_script: type="application/json") are never executed, so CSP allows them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    pairs = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {pair[0]: (pair[1].split() if len(pair) > 1 else []) for pair in pairs}


def _pages(candidate, staff) -> dict[str, tuple[Client, str]]:
    anonymous, signed_in, admin = Client(), Client(), Client()
    signed_in.force_login(candidate)
    admin.force_login(staff)
    interview = job_interview(candidate)
    return {
        "landing": (anonymous, "/"),
        "login": (anonymous, "/accounts/login/"),
        "signup": (anonymous, "/accounts/signup/"),
        "pricing": (anonymous, "/billing/pricing/"),
        "not found": (anonymous, "/no-such-page/"),
        "dashboard": (signed_in, "/dashboard/"),
        "profile": (signed_in, "/profile/"),
        "new interview": (signed_in, "/interviews/new/"),
        "interview": (signed_in, f"/interviews/{interview.pk}/"),
        "room": (signed_in, f"/interviews/{interview.pk}/room/"),
        "billing": (signed_in, "/billing/"),
        "cases": (signed_in, "/cases/"),
        "admin": (admin, "/admin/"),
        "admin login": (anonymous, "/admin/login/"),
        "api": (signed_in, "/api/v1/me"),
        "api docs": (anonymous, "/api/v1/docs/"),
        "healthz": (anonymous, "/healthz"),
    }


PAGE_NAMES = [
    "landing", "login", "signup", "pricing", "not found", "dashboard", "profile",
    "new interview", "interview", "room", "billing", "cases", "admin", "admin login", "api",
    "api docs", "healthz",
]  # fmt: skip


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_type_sends_a_strict_csp(name, candidate, staff, settings):
    client, path = _pages(candidate, staff)[name]

    response = client.get(path)

    assert response.status_code in (200, 404), response.status_code
    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert "http://127.0.0.1:8765" in csp["connect-src"]  # the realtime base URL's origin
    if "html" in response["Content-Type"]:
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body).group(0)
        assert not INLINE_HANDLER.search(body), INLINE_HANDLER.search(body).group(0)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_only_the_room_may_use_the_microphone(name, candidate, staff):
    client, path = _pages(candidate, staff)[name]

    policy = client.get(path)["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))

    assert features["camera"] == "()"
    assert features["geolocation"] == "()"
    assert features["microphone"] == ("(self)" if name == "room" else "()")


def test_connect_src_follows_the_realtime_base_url(client, db, settings):
    settings.REALTIME_BASE_URL = "https://api.openai.com/v1"
    connect = _directives(client.get("/"))["connect-src"]
    assert connect == ["'self'", "https://api.openai.com"]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_no_template_has_inline_script_or_handlers(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), f"{template}: move the script to static/js/"
    assert not INLINE_HANDLER.search(text), f"{template}: use a listener in static/js/"
