"""A throwaway redis-server on a free port, for tests that stop Redis or need one of their own."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable

import pytest

needs_redis_server = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs redis-server"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_start() -> tuple[str, Callable[[], None]]:
    """Start a redis-server that keeps nothing on disk: its URL, and a function that stops it."""
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    ping = ["redis-cli", "-p", str(port), "ping"]
    for _ in range(100):
        if subprocess.run(ping, capture_output=True, text=True).stdout.strip() == "PONG":
            break
        time.sleep(0.05)  # polling a subprocess's port, not waiting on the code under test

    def stop() -> None:
        if server.poll() is None:
            subprocess.run(
                ["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True
            )
            server.wait(timeout=10)

    return f"redis://127.0.0.1:{port}/0", stop
