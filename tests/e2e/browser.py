"""What the browser tests share besides fixtures: Debian's Chromium, its flags, the stage report."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-background-networking",
    "--disable-component-update",
]

# Start-to-active per stage, collected by the tests and printed at the end of the run.
STAGE_REPORT: list[tuple[str, list[tuple[str, int]]]] = []
