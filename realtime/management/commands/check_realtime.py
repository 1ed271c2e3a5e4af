"""Mint one short-lived test secret against the configured upstream and report how it went."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from realtime.engine import stt
from realtime.services import realtime_session_config
from vocahire.lib import openai_gateway as gateway
from vocahire.lib import providers
from vocahire.lib.breaker import breaker_retry_after, breaker_state


class Command(BaseCommand):
    help = "Mint one test client secret upstream; print latency, model and breaker state."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ttl", type=int, default=60, help="secret lifetime (10..7200 s)")

    def handle(self, *args: Any, **options: Any) -> None:
        state = breaker_state()
        provider = providers.realtime_provider()
        self.stdout.write(f"upstream: {provider.base_url} ({provider.name})")
        self.stdout.write(f"breaker:  {state}" + self._retry_note(state))
        self.stdout.write(f"transcriber: {self._transcriber()}")
        session = realtime_session_config(
            instructions="Connectivity check by check_realtime. Say nothing.",
            thinking_time="normal",
        )
        started = time.perf_counter()
        # Straight to the gateway, not through the breaker: an operator checking a suspected
        # outage must see the upstream's real answer even while the breaker is open.
        try:
            secret = gateway.client_secret_create(
                session=session,
                ttl=options["ttl"],
                safety_identifier=gateway.safety_identifier_for(user_id="check_realtime"),
            )
        except gateway.OpenAIError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            raise CommandError(
                f"mint failed after {elapsed:.0f} ms: {exc.code} (HTTP {exc.status or '-'}, "
                f"{'retryable' if exc.retryable else 'not retryable'}): {exc.message}"
            ) from exc
        self.stdout.write(f"latency:  {secret.upstream_ms:.0f} ms")
        self.stdout.write(f"model:    {secret.session.get('model', '?')}")
        self.stdout.write(f"session:  {secret.session_id or '?'} (secret not shown)")
        self.stdout.write(self.style.SUCCESS("OK: the upstream minted a client secret."))

    def _transcriber(self) -> str:
        if not providers.realtime_provider().is_local:
            return f"upstream ({settings.REALTIME_TRANSCRIPTION_MODEL})"
        # The local engine's: the same settings, so the same model it loads (files checked, the
        # weights not loaded here).
        return f"local engine, {stt.Transcriber().describe()}"

    def _retry_note(self, state: str) -> str:
        return f" (trial call in {breaker_retry_after()} s)" if state == "open" else ""
