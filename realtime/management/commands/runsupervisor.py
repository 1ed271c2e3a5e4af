"""Run a call supervisor: holds a sideband to every live call it leases, until Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand

from realtime.supervisor.process import supervisor_run
from vocahire.lib import providers


class Command(BaseCommand):
    help = (
        "Supervise live realtime calls: record the transcript and usage from upstream's own "
        "events, keep the session's instructions, hang up at the time limit. Run one or more."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        logging.basicConfig(level=logging.INFO, format="supervisor %(levelname)s %(message)s")
        self.stdout.write(
            f"Call supervisor for {providers.realtime_provider().base_url} (Ctrl-C stops it)"
        )
        asyncio.run(self._serve())
        self.stdout.write("Call supervisor stopped.")

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await supervisor_run(stop=stop)
