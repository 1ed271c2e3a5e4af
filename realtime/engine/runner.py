"""Running the engine: its configuration from settings and knobs, served in this process (the
`runrealtime` command) or in a thread of its own (tests and the embedded `make run`)."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from aiohttp import web

from .protocol import EngineConfig
from .server import DEFAULT_HOST, DEFAULT_PORT, Engine

log = logging.getLogger("vocahire.engine")

# --- Running it --------------------------------------------------------------------------------


def config_build(*, api_key: str | None = None, **knobs: Any) -> EngineConfig:
    """An EngineConfig whose key defaults to the web app's own OPENAI_API_KEY setting."""
    if api_key is None:
        from django.conf import settings

        api_key = settings.OPENAI_API_KEY
    return EngineConfig(api_key=api_key, **knobs)


async def engine_serve(
    *,
    config: EngineConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set (the command sets it on SIGINT/SIGTERM)."""
    runner = web.AppRunner(Engine(config).app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("local realtime engine on http://%s:%s/v1", host, port)
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


class EngineThread:
    """The engine on its own event loop in a daemon thread, for tests and benchmarks."""

    def __init__(self, *, config: EngineConfig, host: str, port: int) -> None:
        self.engine = Engine(config)
        self.host, self.port = host, port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, name="realtime-engine", daemon=True)
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def config(self) -> EngineConfig:
        return self.engine.config

    def start(self) -> EngineThread:
        self.thread.start()
        if not self.ready.wait(10) or self.failure is not None:
            raise RuntimeError(f"the realtime engine did not start: {self.failure}")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.engine.app(), access_log=None)
        try:
            self.loop.run_until_complete(runner.setup())
            self.loop.run_until_complete(web.TCPSite(runner, self.host, self.port).start())
            self.port = runner.addresses[0][1]  # the real port when 0 was asked for
        except BaseException as exc:  # reported to start() in the caller's thread
            self.failure = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(runner.cleanup())
        self.loop.close()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


def engine_run(
    *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, api_key: str | None = None, **knobs: Any
) -> EngineThread:
    """Start the engine in a background thread (port=0 picks a free port); call .stop() after."""
    config = config_build(api_key=api_key, **knobs)
    return EngineThread(config=config, host=host, port=port).start()
