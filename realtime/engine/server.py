"""The engine's HTTP surface: client_secrets, calls, hangup and the test hook (running it: `runner`)."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from .conversation import Interviewer, Sink
from .protocol import (
    EngineConfig,
    bearer,
    key_invalid,
    merge,
    multipart_read,
    new_id,
    openai_error,
    sdp_problem,
    session_build,
    session_problem,
    ttl_parse,
)

log = logging.getLogger("vocahire.engine")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SESSION_CAP_SECONDS = 3600  # upstream caps a realtime session at 60 minutes
RECORD_SECONDS = 7200  # how long GET /_engine/calls/{id} remembers an ended call


# --- The engine: secrets, calls and the HTTP surface -----------------------------------------


@dataclass
class ClientSecret:
    value: str
    expires_at: int
    session: dict[str, Any]


class Sideband(Sink):
    """A server's WebSocket attached to a live call: events are written in order by one task."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.writer = asyncio.ensure_future(self.write_forever())

    def deliver(self, text: str) -> None:
        self.queue.put_nowait(text)

    async def write_forever(self) -> None:
        while (text := await self.queue.get()) is not None:
            if self.ws.closed:
                return
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return

    async def close(self) -> None:
        """Flush what was queued, then close the WebSocket (the call ended)."""
        self.queue.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self.writer), 2)
        except (TimeoutError, asyncio.CancelledError):
            self.writer.cancel()
        await self.ws.close()


@dataclass
class Call:
    id: str
    pc: RTCPeerConnection
    interviewer: Interviewer
    started: float = field(default_factory=time.monotonic)
    created_at: int = field(default_factory=lambda: int(time.time()))
    closed: bool = False
    sidebands: set[Sideband] = field(default_factory=set)
    sideband_attaches: int = 0
    end_reason: str | None = None  # "hangup", "peer_closed", "session_cap", "engine_stopped"
    ended_at: int | None = None
    hung_up: bool = False  # the server's hangup arrived (even after the browser had left)

    async def close(self, reason: str = "peer_closed") -> None:
        if not self.closed:
            self.closed = True
            self.end_reason, self.ended_at = reason, int(time.time())
            await self.interviewer.close()
            await self.pc.close()
            for sideband in list(self.sidebands):
                await sideband.close()

    def record(self) -> dict[str, Any]:
        """What the engine saw of this call, for tests (GET /_engine/calls/{id})."""
        return {
            "id": self.id,
            "status": "ended" if self.closed else "live",
            "created_at": self.created_at,
            "ended_at": self.ended_at,
            "end_reason": self.end_reason,
            "hung_up": self.hung_up,
            "sideband_attaches": self.sideband_attaches,
            "sidebands": len(self.sidebands),
        }


class Engine:
    """In-memory state of the engine: live client secrets and calls."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.secrets: dict[str, ClientSecret] = {}
        self.calls: dict[str, Call] = {}
        self.records: dict[str, Call] = {}  # every call, live or ended, for the test hook
        self.sweeper: asyncio.Task[None] | None = None

    def app(self) -> web.Application:
        app = web.Application(
            middlewares=[cors_middleware, faults_middleware], client_max_size=2**20
        )
        app[ENGINE_KEY] = self
        app.router.add_post("/v1/realtime/client_secrets", client_secrets_create)
        app.router.add_post("/v1/realtime/calls", call_create)
        app.router.add_post("/v1/realtime/calls/{call_id}/hangup", call_hangup)
        app.router.add_get("/v1/realtime", sideband_connect)
        app.router.add_get("/_engine/health", engine_health)
        app.router.add_get("/_engine/calls/{call_id}", engine_call)
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
            await call.close("engine_stopped")
        self.calls.clear()

    def secret_create(self, *, session: dict[str, Any], ttl: int) -> ClientSecret:
        expires_at = int(time.time()) + ttl
        secret = ClientSecret(
            value=new_id("ek_", 32),
            expires_at=expires_at,
            session={**session, "expires_at": expires_at},
        )
        self.secrets[secret.value] = secret
        return secret

    def secret_usable(self, value: str) -> ClientSecret | None:
        """A secret opens calls until it expires, as upstream (not once)."""
        secret = self.secrets.get(value)
        if secret is None or secret.expires_at <= time.time():
            return None
        return secret

    async def call_open(self, *, offer_sdp: str, session: dict[str, Any]) -> tuple[str, str]:
        """Answer an SDP offer; returns (call id, answer SDP). Raises ValueError on a bad offer."""
        call_id = new_id("rtc_")
        # The call's session lives until the 60-minute cap.
        session = {**session, "expires_at": int(time.time()) + SESSION_CAP_SECONDS}
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
        self.records[call_id] = call
        return call_id, pc.localDescription.sdp

    async def sweep_forever(self, every: float = 5.0) -> None:
        while True:
            await asyncio.sleep(every)
            await self.sweep()

    async def sweep(self) -> None:
        """Forget expired secrets and old records; end calls past the 60-minute session cap."""
        now = time.time()
        for value in [v for v, s in self.secrets.items() if s.expires_at <= now]:
            del self.secrets[value]
        for call in [
            c for c in self.calls.values() if time.monotonic() - c.started > SESSION_CAP_SECONDS
        ]:
            del self.calls[call.id]
            await call.close("session_cap")
        for call_id in [
            i for i, c in self.records.items() if c.ended_at and now - c.ended_at > RECORD_SECONDS
        ]:
            del self.records[call_id]


ENGINE_KEY = web.AppKey("engine", Engine)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
    # OpenAI's own browser clients add headers of their own (the Agents SDK sends
    # X-OpenAI-Agents-SDK); a preflight's requested headers are reflected, as upstream allows them.
    "Access-Control-Allow-Headers": "Authorization, Content-Type, X-OpenAI-Agents-SDK",
    "Access-Control-Expose-Headers": "Location",
    "Access-Control-Max-Age": "600",
}
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


@web.middleware
async def cors_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    """The browser posts its offer straight to the engine from the web origin."""
    headers = dict(CORS_HEADERS)
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
        asked = [
            name.strip()
            for name in request.headers.get("Access-Control-Request-Headers", "").split(",")
            if HEADER_NAME.match(name.strip())
        ]
        if asked:
            headers["Access-Control-Allow-Headers"] = ", ".join(asked)
    else:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = openai_error(exc.status, f"Invalid URL ({request.method} {request.path})")
    if not response.prepared:  # a WebSocket has sent its headers already
        response.headers.update(headers)
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
    for name in body:
        if name not in ("expires_after", "session"):
            message = f"Unknown parameter: '{name}'."
            return openai_error(400, message, param=name, code="unknown_parameter")
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
    """Both GA forms: the offer as application/sdp with an `ek_` secret (or the server key, which
    the openai SDK sends when no session is given), or the unified interface's multipart form
    (parts `sdp` and `session`) with the server key."""
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    server_key = bool(token) and secrets.compare_digest(
        token.encode(), engine.config.api_key.encode()
    )
    secret = None if server_key else engine.secret_usable(token)
    if not server_key and secret is None:
        if token and not token.startswith("ek_"):
            return key_invalid(token)
        return openai_error(401, "The client secret is invalid or expired.", code="invalid_api_key")
    if engine.config.refuse_calls:
        return openai_error(
            503, "The engine is currently overloaded, please try again later.", type_="server_error"
        )
    requested: Any = None
    if request.content_type == "application/sdp":
        offer = await request.text()
    elif request.content_type == "multipart/form-data":
        offer, requested, error = await multipart_read(request)
        if error is not None:
            return error
        assert offer is not None
    else:
        return openai_error(
            400,
            "Send the SDP offer with Content-Type: application/sdp, or a multipart/form-data "
            "body with the parts 'sdp' and 'session'.",
            param="content-type",
            code="invalid_content_type",
        )
    if requested is not None:
        problem = session_problem(requested)
        if problem:
            message, param, code = problem
            return openai_error(400, message, param=param, code=code)
    if secret is not None:
        # The secret's session, with what the form adds on top (as a session.update would).
        session = merge(secret.session, requested) if requested else secret.session
    else:
        session = session_build(requested or {"type": "realtime"})
    error = sdp_problem(offer)
    if error is not None:
        return error
    try:
        call_id, answer = await engine.call_open(offer_sdp=offer, session=session)
    except ValueError as exc:
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
    call.hung_up = True
    await call.close("hangup")
    log.info("call %s hung up", call.id)
    return web.Response(status=200)


async def sideband_connect(request: web.Request) -> web.StreamResponse:
    """GET /v1/realtime?call_id=rtc_... upgraded to a WebSocket with the server key: the server's
    own line into a live call. It hears every server event from now on and may send client events,
    handled as if they came on the data channel. The engine closes it when the call ends."""
    engine = request.app[ENGINE_KEY]
    token = bearer(request)
    if not secrets.compare_digest(token.encode(), engine.config.api_key.encode()):
        return key_invalid(token)
    call_id = request.query.get("call_id")
    if not call_id:
        message = (
            "The local engine serves realtime sessions over WebRTC only; "
            "pass call_id to attach to a call."
        )
        return openai_error(400, message, param="call_id", code="missing_required_parameter")
    call = engine.calls.get(call_id)
    if call is None or call.closed:
        return openai_error(404, "Call not found.", param="call_id", code="not_found")
    ws = web.WebSocketResponse(max_msg_size=2**20)
    await ws.prepare(request)
    sideband = Sideband(ws)
    call.sidebands.add(sideband)
    call.sideband_attaches += 1
    call.interviewer.sink_attach(sideband)
    log.info("sideband attached to call %s", call.id)
    try:
        async for message in ws:
            if message.type == WSMsgType.TEXT and not call.closed:
                call.interviewer.message_receive(message.data)
    finally:
        call.interviewer.sink_detach(sideband)
        call.sidebands.discard(sideband)
        sideband.queue.put_nowait(None)
    return ws


def loopback(remote: str | None) -> bool:
    return bool(remote) and (remote.startswith("127.") or remote in ("::1", "::ffff:127.0.0.1"))


async def engine_health(request: web.Request) -> web.Response:
    engine = request.app[ENGINE_KEY]
    live_calls = sum(not call.closed for call in engine.calls.values())
    return web.json_response({"status": "ok", "secrets": len(engine.secrets), "calls": live_calls})


async def engine_call(request: web.Request) -> web.Response:
    """What the engine saw of one call (hung up? how many sidebands?); loopback only."""
    if not loopback(request.remote):
        return openai_error(
            403, "The engine's test hook answers loopback clients only.", code="forbidden"
        )
    call = request.app[ENGINE_KEY].records.get(request.match_info["call_id"])
    if call is None:
        return openai_error(404, "Call not found.", param="call_id", code="not_found")
    return web.json_response(call.record())


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
