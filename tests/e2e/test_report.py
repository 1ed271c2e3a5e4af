"""The report page in a browser: the share link's Copy button, and a revoked link saying so."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from interviews.feedback import feedback_generate
from tests.factories import PASSWORD, finished_job_interview, make_user


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/dashboard/$"))


def test_copy_a_share_link_then_revoke_it(page: Page, live_server, db):
    user = make_user("share@example.com", credits=1)
    interview = finished_job_interview(user)
    feedback_generate(interview_id=interview.pk)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/interviews/{interview.pk}/")

    page.click('[data-action="create-share"]')
    link = page.locator('[data-role="share-link"] input[aria-label="Share link"]').input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/r/[\w-]{{40,}}/", link)
    page.click('[data-action="copy-share"]')

    expect(page.locator('[data-action="copy-share"]')).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    page.click('[data-action="revoke-share"]')
    response = page.goto(link)
    assert response.status == 410
    expect(page.locator('[data-role="share-gone"]')).to_contain_text(
        "This link was revoked or has expired."
    )
