"""Run the local realtime engine (the OpenAI Realtime GA surface, offline) until Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from realtime.engine import DEFAULT_HOST, DEFAULT_PORT, config_build, engine_serve, stt


class Command(BaseCommand):
    help = "Run the local realtime engine that stands in for OpenAI Realtime (HTTP + WebRTC)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=DEFAULT_HOST)
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument(
            "--latency-ms", type=float, default=0.0, help="added delay per HTTP request"
        )
        parser.add_argument(
            "--failure-rate", type=float, default=0.0, help="share of requests (0..1) failing 500"
        )
        parser.add_argument(
            "--refuse", action="store_true", help="answer client_secrets with 503 (upstream down)"
        )
        parser.add_argument(
            "--refuse-calls", action="store_true", help="answer calls (the SDP exchange) with 503"
        )
        parser.add_argument(
            "--drop-media",
            action="store_true",
            help="answer calls but never connect the audio (the browser's ICE fails)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["failure_rate"] <= 1:
            raise CommandError("--failure-rate must be between 0 and 1")
        logging.basicConfig(level=logging.INFO, format="engine %(levelname)s %(message)s")
        config = config_build(
            latency_ms=max(options["latency_ms"], 0.0),
            failure_rate=options["failure_rate"],
            refuse=options["refuse"],
            refuse_calls=options["refuse_calls"],
            drop_media=options["drop_media"],
        )
        # Loaded before serving, so the first answer is not slow; logs one line either way.
        stt.transcriber().preload()
        self.stdout.write(
            f"Local realtime engine on http://{options['host']}:{options['port']}/v1 "
            "(Ctrl-C stops it)"
        )
        asyncio.run(self._serve(config, options["host"], options["port"]))

    async def _serve(self, config: Any, host: str, port: int) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await engine_serve(config=config, host=host, port=port, stop=stop)
        self.stdout.write("Local realtime engine stopped.")
