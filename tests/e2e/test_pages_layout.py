"""Every page but the room at phone and desktop widths, light and dark: nothing scrolls sideways,
and axe-core (axe-playwright-python bundles it, no network) finds no serious or critical
violation, colour contrast included. Screenshots land in /tmp/i15b/ when VOCAHIRE_SCREENSHOTS=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from interviews import feedback
from interviews.feedback import feedback_generate
from interviews.models import Feedback, Interview
from tests.conftest import make_user
from tests.e2e.test_report import sign_in
from tests.factories import (
    finished_case_interview,
    finished_job_interview,
    job_interview,
    make_case,
)

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
SCHEMES = ("light", "dark")
BLOCKING = {"serious", "critical"}
SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > innerWidth"
SHOTS = Path("/tmp/i15b")
DATA = Path(__file__).resolve().parents[1] / "data" / "openai"

PUBLIC_PAGES = {
    "landing": "/",
    "sign-up": "/accounts/signup/",
    "login": "/accounts/login/",
    "pricing (visitor)": "/billing/pricing/",
}


def _ai_feedback(interview: Interview) -> None:
    """Store the recorded model answer as the assessment (as the report page tests do)."""
    body = json.loads((DATA / "responses_case_feedback.json").read_text())
    answer = json.loads(body["output"][1]["content"][0]["text"])
    Feedback.objects.filter(interview=interview).update(
        assessment=feedback.assessment_summarise(kind="case", assessment=answer),
        source="ai+analytics",
    )


def _candidate_pages() -> tuple[str, dict[str, str]]:
    """A candidate with a history: reports (scored and measured), drafts, cases, ledger rows."""
    user = make_user("pages@example.com", credits=3)
    for n in range(3):
        make_case(f"retail-margin-squeeze-{n}", free=n == 0, industry="Consumer goods and retail")
    scored = finished_case_interview(user)
    feedback_generate(interview_id=scored.pk)
    _ai_feedback(scored)
    measured = finished_job_interview(user)
    feedback_generate(interview_id=measured.pk)
    job_interview(user, title="Senior data analyst with a very long job title for wrapping")
    pages = {
        "dashboard": "/dashboard/",
        "new interview": "/interviews/new/",
        "case library": "/cases/",
        "case page": "/cases/retail-margin-squeeze-1/",
        "report (scored)": f"/interviews/{scored.pk}/",
        "report (measured)": f"/interviews/{measured.pk}/",
        "progress": "/progress/",
        "billing history": "/billing/",
        "pricing": "/billing/pricing/?next=/interviews/new/",
        "onboarding": "/welcome/",
    }
    return user.email, pages


def _check(page: Page, base_url: str, name: str, path: str) -> list[str]:
    """Problems on one page in every width and scheme: sideways scroll and axe violations."""
    problems = []
    axe = Axe()
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            page.goto(base_url + path)
            where = f"{name} at {width} px, {scheme}"
            scroll = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            if scroll[0] > scroll[1]:
                problems.append(f"{where}: scrolls sideways ({scroll[0]} > {scroll[1]})")
            if os.environ.get("VOCAHIRE_SCREENSHOTS") == "1":
                SHOTS.mkdir(exist_ok=True)
                slug = f"{name}-{width_name}-{scheme}".replace(" ", "_").replace("(", "")
                page.screenshot(path=str(SHOTS / f"{slug.replace(')', '')}.png"), full_page=True)
            violations = axe.run(page).response["violations"]
            problems += [
                f"{where}: {v['id']} ({v['impact']}) {v['help']}: "
                + "; ".join(node["target"][0] for node in v["nodes"][:3])
                for v in violations
                if v["impact"] in BLOCKING
            ]
    return problems


def test_public_pages_fit_a_phone_and_pass_axe_in_both_schemes(page: Page, live_server, db):
    problems = []
    for name, path in PUBLIC_PAGES.items():
        problems += _check(page, live_server.url, name, path)
    assert not problems, "\n".join(problems)


def test_candidate_pages_fit_a_phone_and_pass_axe_in_both_schemes(page: Page, live_server, db):
    email, pages = _candidate_pages()
    sign_in(page, live_server.url, email)
    problems = []
    for name, path in pages.items():
        problems += _check(page, live_server.url, name, path)
    assert not problems, "\n".join(problems)


def test_the_phone_nav_is_one_line_and_opens_as_a_menu(page: Page, live_server, db):
    email, _ = _candidate_pages()
    sign_in(page, live_server.url, email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/dashboard/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 70  # one line: the brand and the Menu button
    links = page.locator(".nav-links")
    assert not links.is_visible()
    page.click(".nav-menu > summary")
    assert links.is_visible()
    page.click(".nav-links >> text=Progress")
    page.wait_for_url("**/progress/")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".nav-links").is_visible()  # the full row, no menu button
    assert not page.locator(".nav-menu > summary").is_visible()


def _chart_text_px(page: Page) -> list[float]:
    """The rendered size of every chart label: font size in the drawing's units x its scale."""
    return page.evaluate(
        """() => [...document.querySelectorAll('svg.chart text')].map(
             (t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""
    )


def test_charts_are_legible_on_a_phone(page: Page, live_server, db):
    email, pages = _candidate_pages()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")  # the sample report, for a visitor
    sizes = {"/": _chart_text_px(page)}
    sign_in(page, live_server.url, email)
    for path in (pages["report (scored)"], pages["progress"]):
        page.goto(live_server.url + path)
        sizes[path] = _chart_text_px(page)
    assert all(sizes.values()), sizes
    assert min(min(found) for found in sizes.values()) >= 11, sizes


def test_the_axe_check_reports_poor_contrast(page: Page, live_server, db):
    # The checks above can fail: axe flags text that does not stand out from its background.
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => { const p = document.createElement('p'); p.textContent = 'Hard to read';
                   p.style.color = '#9a9a9a'; p.style.background = '#a0a0a0';
                   document.querySelector('main').append(p); }"""
    )
    violations = Axe().run(page).response["violations"]
    assert "color-contrast" in {v["id"] for v in violations if v["impact"] in BLOCKING}


def test_every_page_fits_the_smallest_phone(page: Page, live_server, db):
    """320 px (an iPhone SE's width): still no sideways scroll; axe runs at 390 px above."""
    email, pages = _candidate_pages()
    page.set_viewport_size({"width": 320, "height": 640})
    wide = []
    for name, path in PUBLIC_PAGES.items():
        page.goto(live_server.url + path)
        wide += [name] if page.evaluate(SCROLLS_SIDEWAYS) else []
    sign_in(page, live_server.url, email)
    for name, path in pages.items():
        page.goto(live_server.url + path)
        wide += [name] if page.evaluate(SCROLLS_SIDEWAYS) else []
    assert not wide, wide


def test_the_onboarding_mic_check_hears_the_microphone(page: Page, live_server, db):
    email, _ = _candidate_pages()
    sign_in(page, live_server.url, email)
    page.goto(live_server.url + "/welcome/")

    page.click('[data-action="mic-check"]')

    # Chromium's fake device plays a steady tone: the check hears it and lets the mic go.
    status = page.locator('[data-role="mic-status"][data-result]')
    expect(status).to_have_attribute("data-result", "heard", timeout=15_000)
    expect(status).to_contain_text("We can hear you.")
    expect(page.locator('[data-action="mic-check"]')).to_have_text("Check again")
