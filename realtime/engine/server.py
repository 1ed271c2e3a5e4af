"""The engine's HTTP surface (client_secrets, calls, hangup, the test hook) and how to run it."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from .conversation import Interviewer
from .protocol import (
    EngineConfig,
    bearer,
    key_invalid,
    new_id,
    openai_error,
    session_build,
    session_problem,
    ttl_parse,
)

log = logging.getLogger("vocahire.engine")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SESSION_CAP_SECONDS = 3600  # upstream caps a realtime session at 60 minutes


# --- The engine: secrets, calls and the HTTP surface -----------------------------------------


@dataclass
class ClientSecret:
    value: str
    expires_at: int
    session: dict[str, Any]
    used: bool = False


@dataclass
class Call:
    id: str
    pc: RTCPeerConnection
    interviewer: Interviewer
    started: float = field(default_factory=time.monotonic)
    closed: bool = False

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self.interviewer.close()
            await self.pc.close()


class Engine:
    """In-memory state of the engine: live client secrets and calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.secrets: dict[str, ClientSecret] = {}
        self.calls: dict[str, Call] = {}
        self.sweeper: asyncio.Task[None] | None = None

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[cors_middleware, faults_middleware], client_max_size=2**20
        )
        app[ENGINE_KEY] = self
        app.router.add_post("/v1/realtime/client_secrets", client_secrets_create)
        app.router.add_post("/v1/realtime/calls", call_create)
        app.router.add_post("/v1/realtime/calls/{call_id}/hangup", call_hangup)
        app.router.add_get("/_engine/health", engine_health)
        app.router.add_route("*", "/_engine/config", engine_config)
        app.on_startup.append(self.startup)
        app.on_shutdown.append(self.shutdown)
        return app

    async def startup(self, app: web.Application) -> None:
        self.sweeper = asyncio.ensure_future(self.sweep_forever())

    async def shutdown(self, app: web.Application) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
        for call in list(self.calls.values()):
            await call.close()
        self.calls.clear()

    def secret_create(self, *, session: dict[str, Any], ttl: int) -> ClientSecret:
        secret = ClientSecret(
            value=new_id("ek_", 32), expires_at=int(time.time()) + ttl, session=session
        )
        self.secrets[secret.value] = secret
        return secret

    def secret_usable(self, value: str) -> ClientSecret | None:
        secret = self.secrets.get(value)
        if secret is None or secret.used or secret.expires_at <= time.time():
            return None
        return secret

    async def call_open(self, *, offer_sdp: str, session: dict[str, Any]) -> tuple[str, str]:
        """Answer an SDP offer; returns (call id, answer SDP). Raises ValueError on a bad offer."""
        call_id = new_id("rtc_")
        # No STUN: aiortc would otherwise ask Google's server, and the engine must work offline.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        interviewer = Interviewer(session=copy.deepcopy(session), call_id=call_id)
        pc.on(
            "datachannel",
            lambda channel: channel.label == "oai-events" and interviewer.channel_attach(channel),
        )
        pc.on(
            "track",
            lambda track: track.kind == "audio" and interviewer.spawn(interviewer.listen(track)),
        )
        call = Call(id=call_id, pc=pc, interviewer=interviewer)

        @pc.on("connectionstatechange")
        async def connection_change() -> None:
            if pc.connectionState in ("failed", "closed"):
                await call.close()

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            if any(t.kind == "audio" for t in pc.getTransceivers()):
                pc.addTrack(interviewer.voice)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:  # aiortc raises assorted types for a malformed offer
            await pc.close()
            raise ValueError(str(exc) or exc.__class__.__name__) from exc
        self.calls[call_id] = call
        return call_id, pc.localDescription.sdp

    async def sweep_forever(self, every: float = 5.0) -> None:
        while True:
            await asyncio.sleep(every)
            await self.sweep()

    async def sweep(self) -> None:
        """Forget expired secrets; end calls past the 60-minute session cap."""
        now = time.time()
        for value in [v for v, s in self.secrets.items() if s.expires_at <= now]:
            del self.secrets[value]
        for call in [
            c for c in self.calls.values() if time.monotonic() - c.started > SESSION_CAP_SECONDS
        ]:
            del self.calls[call.id]
            await call.close()


ENGINE_KEY = web.AppKey("engine", Engine)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Location",
    "Access-Control-Max-Age": "600",
}


@web.middleware
async def cors_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """The browser posts its offer straight to the engine from the web origin."""
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = openai_error(exc.status, f"Invalid URL ({request.method} {request.path})")
    response.headers.update(CORS_HEADERS)
    return response


@web.middleware
async def faults_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """Injected latency and random 5xx on the /v1 surface, for tests and benchmarks."""
    config = request.app[ENGINE_KEY].config
    if not request.path.startswith("/v1/"):
        return await handler(request)
    if config.latency_ms:
        await asyncio.sleep(config.latency_ms / 1000)
    if config.failure_rate and random.random() < config.failure_rate:
        message = "The server had an error while processing your request. Sorry about that!"
        return openai_error(500, message, type_="server_error")
    return await handler(request)


async def client_secrets_create(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    if not secrets.compare_digest(token.encode(), engine.config.api_key.encode()):
        return key_invalid(token)
    if engine.config.refuse:
        message = "The engine is currently overloaded, please try again later."
        return openai_error(503, message, type_="server_error")
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return openai_error(
            400, "We could not parse the JSON body of your request.", code="invalid_json"
        )
    ttl, ttl_error = ttl_parse(body.get("expires_after"))
    if ttl_error is not None:
        return ttl_error
    problem = session_problem(body.get("session"))
    if problem:
        message, param, code = problem
        return openai_error(400, message, param=param, code=code)
    secret = engine.secret_create(session=session_build(body["session"]), ttl=ttl)
    return web.json_response(
        {"value": secret.value, "expires_at": secret.expires_at, "session": secret.session}
    )


async def call_create(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    secret = engine.secret_usable(token)
    if secret is None:
        return openai_error(
            401, "The client secret is invalid, expired or already used.", code="invalid_api_key"
        )
    if engine.config.refuse_calls:
        return openai_error(
            503, "The engine is currently overloaded, please try again later.", type_="server_error"
        )
    if request.content_type != "application/sdp":
        return openai_error(
            400,
            "Send the SDP offer with Content-Type: application/sdp.",
            param="content-type",
            code="invalid_content_type",
        )
    offer = await request.text()
    if not offer.lstrip().startswith("v=0") or "\nm=" not in offer:
        message = "The body is not an SDP offer with at least one media section."
        return openai_error(400, message, param="sdp", code="invalid_offer")
    secret.used = True  # claimed before the await so a concurrent post cannot reuse it
    try:
        call_id, answer = await engine.call_open(offer_sdp=offer, session=secret.session)
    except ValueError as exc:
        secret.used = False
        return openai_error(
            400, f"The SDP offer could not be applied: {exc}", param="sdp", code="invalid_offer"
        )
    if engine.config.drop_media:
        # The call exists (hang-up finds it) but its media side is gone before ICE can connect.
        await engine.calls[call_id].close()
    log.info("call %s opened", call_id)
    return web.Response(
        status=201,
        text=answer,
        content_type="application/sdp",
        headers={"Location": f"/v1/realtime/calls/{call_id}"},
    )


async def call_hangup(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    if not secrets.compare_digest(token.encode(), engine.config.api_key.encode()):
        return key_invalid(token)
    call = engine.calls.pop(request.match_info["call_id"], None)
    if call is None:
        return openai_error(404, "Call not found.", param="call_id", code="not_found")
    await call.close()
    log.info("call %s hung up", call.id)
    return web.Response(status=200)


def loopback(remote: str | None) -> bool:
    return bool(remote) and (remote.startswith("127.") or remote in ("::1", "::ffff:127.0.0.1"))


async def engine_health(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    live_calls = sum(not call.closed for call in engine.calls.values())
    return web.json_response({"status": "ok", "secrets": len(engine.secrets), "calls": live_calls})


async def engine_config(request: web.Request) -> web.Response:
    """GET shows and POST changes the fault knobs; loopback only, as there is no other auth."""
    if not loopback(request.remote):
        return openai_error(
            403, "The engine's test hook answers loopback clients only.", code="forbidden"
        )
    engine = request.app[ENGINE_KEY]
    if request.method == "POST":
        try:
            changes = await request.json()
            if not isinstance(changes, dict):
                raise ValueError("send a JSON object of settings")
            engine.config.update(changes)
        except ValueError as exc:
            return openai_error(400, str(exc), code="invalid_value")
    elif request.method != "GET":
        return openai_error(405, "Use GET or POST.")
    return web.json_response(engine.config.public())


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
