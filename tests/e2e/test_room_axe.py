"""The interview room under axe-core, idle (before Start) and live (the call up), light and dark,
at phone and desktop widths: no serious or critical violation. Only adds tests: the room's own
markup and script belong to the room's work (issue 15, the room)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.conftest import make_user
from tests.e2e.test_interview_room import expect_state, new_job_interview, sign_in
from tests.e2e.test_pages_layout import BLOCKING, SCHEMES, WIDTHS


def _violations(page: Page, label: str) -> list[str]:
    """Serious and critical axe findings in both schemes at both widths, without reloading."""
    found = []
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        for scheme in SCHEMES:
            page.emulate_media(color_scheme=scheme)
            scroll = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
            if scroll[0] > scroll[1]:
                found.append(f"{label} at {width} px, {scheme}: scrolls sideways {scroll}")
            found += [
                f"{label} at {width} px, {scheme}: {v['id']} ({v['impact']}) {v['help']}: "
                + "; ".join(node["target"][0] for node in v["nodes"][:3])
                for v in Axe().run(page).response["violations"]
                if v["impact"] in BLOCKING
            ]
    return found


def test_the_room_idle_and_live_passes_axe(page: Page, live_server, room_env, db):
    user = make_user("axe-room@example.com", credits=2)
    sign_in(page, live_server.url, user.email)
    new_job_interview(page, live_server.url, "Data Analyst")

    problems = _violations(page, "room idle")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click('[data-action="start"]')
    expect_state(page, "active")
    problems += _violations(page, "room live")

    assert not problems, "\n".join(problems)
