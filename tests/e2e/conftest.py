"""Browser tests: Debian's Chromium (fake microphone) driven by Playwright against the live server
and the real local realtime engine on a free loopback port. Marked e2e."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from realtime.supervisor.process import SupervisorThread
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, STAGE_REPORT
from vocahire.lib.breaker import breaker_reset

BASE_DIR = Path(__file__).resolve().parents[2]

ENGINE_DEFAULTS = {
    "refuse": False,
    "refuse_calls": False,
    "drop_media": False,
    "latency_ms": 0,
    "failure_rate": 0,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests run last: Playwright's event loop lives until the session ends, and tests that
    # call asyncio.run() (the engine's) cannot run while it does. Fast feedback comes first too.
    here = Path(__file__).parent
    browser_items = [item for item in items if here in Path(item.fspath).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in browser_items] + browser_items


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001
    if not STAGE_REPORT:
        return
    terminalreporter.section("interview room: Start to active, ms since the Start click")
    for label, marks in STAGE_REPORT:
        previous = 0
        parts = []
        for stage, ms in marks:
            parts.append(f"{stage} {ms} (+{ms - previous})")
            previous = ms
        terminalreporter.write_line(f"{label}: " + ", ".join(parts))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Engine:
    """The local realtime engine in its own process (`manage.py runrealtime`)."""

    def __init__(self, port: int, process: subprocess.Popen) -> None:
        self.port = port
        self.process = process
        self.base_url = f"http://127.0.0.1:{port}/v1"

    def configure(self, **changes: object) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/_engine/config",
            data=json.dumps(changes).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def call_record(self, call_id: str) -> dict:
        """What the engine saw of one call (GET /_engine/calls/{id}): hung_up, sidebands..."""
        url = f"http://127.0.0.1:{self.port}/_engine/calls/{call_id}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)

    def hangup(self, call_id: str) -> None:
        """Hang a call up from the server side, as the time-limit task does."""
        from django.conf import settings

        request = urllib.request.Request(
            f"{self.base_url}/realtime/calls/{call_id}/hangup",
            headers={"Authorization": f"Bearer {settings.OPENAI_API_KEY}"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "REALTIME_BASE_URL")}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runrealtime", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                stderr = process.stderr.read().decode(errors="replace")[-2000:]
                pytest.fail(f"the local realtime engine did not start on port {port}:\n{stderr}")
            time.sleep(0.05)  # polling a subprocess's port, not waiting on the code under test
    yield Engine(port, process)
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        if os.environ.get("VOCAHIRE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (VOCAHIRE_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous code, so Django's async-safety guard is relaxed
    # from here on. Browser tests run last, so no other test runs with it relaxed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def room_env(settings, engine, live_server, transactional_db) -> Engine:
    """Settings for a browser on plain http, the engine as upstream with a call supervisor on its
    sidebands (the same code `runsupervisor` runs, in a thread), and a clean engine config."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.REALTIME_BASE_URL = engine.base_url
    settings.REALTIME_PROVIDER = "local"
    # The breaker's state may live in Redis and outlast other tests: start every room closed.
    breaker_reset()
    engine.configure(**ENGINE_DEFAULTS)
    supervisor = SupervisorThread(claim_every=0.1).start()
    yield engine
    supervisor.stop()
    engine.configure(**ENGINE_DEFAULTS)
    breaker_reset()


@pytest.fixture
def page(browser, room_env):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test also proves the pages work under our Content-Security-Policy: Chromium
    # reports each blocked script, fetch or handler on the console.
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.csp_violations = csp_violations  # a test that provokes one on purpose clears it
    yield page
    # Let the room finish its requests before the test database goes away.
    page.evaluate("() => window.vocahireRoom && window.vocahireRoom.quiesce()")
    page.wait_for_function("() => !window.vocahireRoom || window.vocahireRoom.pending === 0")
    context.close()
    assert not csp_violations, csp_violations
