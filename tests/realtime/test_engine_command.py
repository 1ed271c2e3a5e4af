"""`manage.py runrealtime`: its flags reach the engine's config, the key is the web app's own, and
SIGTERM stops it cleanly (the command is run in-process with a signal sent to itself)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from io import StringIO

import httpx
import pytest
from django.core.management import CommandError, call_command

from realtime.management.commands import runrealtime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_flags_reach_the_engine_and_sigterm_stops_it(settings, monkeypatch):
    settings.OPENAI_API_KEY = "sk-command-key"
    port = free_port()
    seen: dict = {}
    serve = runrealtime.engine_serve

    async def serve_then_probe(*, config, host, port, stop):
        seen["config"] = config
        loop = asyncio.get_running_loop()

        def probe() -> None:  # from another thread while the engine serves
            base = f"http://{host}:{port}"
            try:
                seen["hook"] = httpx.get(f"{base}/_engine/config", timeout=5).json()
                seen["mint_status"] = httpx.post(
                    f"{base}/v1/realtime/client_secrets",
                    json={"session": {"type": "realtime"}},
                    headers={"Authorization": "Bearer sk-command-key"},
                    timeout=5,
                ).status_code
            finally:
                # What `make run` sends on Ctrl-C; raised from the loop so that it can never
                # reach pytest itself once the command has returned.
                loop.call_soon_threadsafe(os.kill, os.getpid(), signal.SIGTERM)

        threading.Timer(0.3, probe).start()
        await serve(config=config, host=host, port=port, stop=stop)

    monkeypatch.setattr(runrealtime, "engine_serve", serve_then_probe)
    out = StringIO()

    call_command(
        "runrealtime", "--port", str(port), "--latency-ms", "5", "--failure-rate", "0",
        "--refuse", "--drop-media", stdout=out,
    )  # fmt: skip

    assert seen["config"].api_key == "sk-command-key"
    assert seen["hook"] == {
        "latency_ms": 5.0,
        "failure_rate": 0.0,
        "refuse": True,
        "refuse_calls": False,
        "drop_media": True,
    }
    assert seen["mint_status"] == 503  # --refuse
    assert f"127.0.0.1:{port}/v1" in out.getvalue()
    assert "stopped" in out.getvalue()


def test_failure_rate_outside_0_to_1_is_refused():
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("runrealtime", "--failure-rate", "1.5")
