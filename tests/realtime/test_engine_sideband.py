"""The server's side of a call to the local engine, over real HTTP, WebSocket and WebRTC: the
unified interface (multipart `sdp` + `session` with the server key) and the sideband WebSocket
(`GET /v1/realtime?call_id=`) that hears every server event and may send client events."""

from __future__ import annotations

import asyncio
import json
import re
import time

import aiohttp
import httpx
import pytest
from aiortc import RTCSessionDescription

from realtime.engine import engine_run
from tests.realtime.test_engine_call import (
    JOB_INSTRUCTIONS,
    KEY,
    WAIT,
    Candidate,
    interviewer_turn,
)


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()


def session_body(**changes) -> dict:
    session = {
        "type": "realtime",
        "model": "gpt-realtime-2.1",
        "instructions": JOB_INSTRUCTIONS,
        "audio": {"output": {"voice": "cedar"}},
    }
    session.update(changes)
    return session


async def post(url: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(url, **kwargs)


async def call_multipart(
    engine, candidate: Candidate, session: dict | None, key: str = KEY
) -> httpx.Response:
    """POST the offer as the openai SDK's calls.create does: parts `sdp` and `session`."""
    await candidate.pc.setLocalDescription(await candidate.pc.createOffer())
    files = {"sdp": (None, candidate.pc.localDescription.sdp.encode(), "application/sdp")}
    if session is not None:
        files["session"] = (None, json.dumps(session).encode(), "application/json")
    response = await post(
        f"{engine.base_url}/realtime/calls",
        files=files,
        headers={"Authorization": f"Bearer {key}", "Accept": "application/sdp"},
    )
    if response.status_code == 201:
        await candidate.pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
    return response


def call_id_of(response: httpx.Response) -> str:
    return response.headers["Location"].rsplit("/", 1)[1]


class Sideband:
    """The supervisor's line into a call: a WebSocket with the server key."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.http, self.ws = http, ws

    @classmethod
    async def attach(cls, engine, call_id: str, key: str = KEY) -> Sideband:
        http = aiohttp.ClientSession()
        url = engine.base_url.replace("http://", "ws://") + f"/realtime?call_id={call_id}"
        try:
            ws = await http.ws_connect(url, headers={"Authorization": f"Bearer {key}"})
        except BaseException:
            await http.close()
            raise
        return cls(http, ws)

    async def next(self, event_type: str) -> dict:
        while True:
            message = await asyncio.wait_for(self.ws.receive(), WAIT)
            assert message.type == aiohttp.WSMsgType.TEXT, message
            event = json.loads(message.data)
            if event["type"] == event_type:
                return event

    async def send(self, event: dict) -> None:
        await self.ws.send_str(json.dumps(event))

    async def closed_by_engine(self) -> bool:
        """True once the engine closes the socket (events still queued are read past)."""
        while True:
            message = await asyncio.wait_for(self.ws.receive(), WAIT)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return True

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


def engine_record(engine, call_id: str) -> dict:
    url = engine.base_url.removesuffix("/v1") + f"/_engine/calls/{call_id}"
    response = httpx.get(url, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def hangup(engine, call_id: str) -> httpx.Response:
    return httpx.post(
        f"{engine.base_url}/realtime/calls/{call_id}/hangup",
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=5,
    )


def test_multipart_call_with_the_server_key_runs_the_session_it_was_given(engine):
    async def conversation() -> tuple[httpx.Response, dict, str]:
        candidate = Candidate()
        try:
            response = await call_multipart(engine, candidate, session_body())
            assert response.status_code == 201, response.text
            created = await candidate.ask_first()
            greeting, _ = await interviewer_turn(candidate)
            return response, created["session"], greeting
        finally:
            await candidate.close()

    response, session, greeting = asyncio.run(conversation())

    assert response.headers["content-type"].startswith("application/sdp")
    assert response.text.startswith("v=0")
    assert re.fullmatch(r"/v1/realtime/calls/rtc_\w+", response.headers["Location"])
    assert session["audio"]["output"]["voice"] == "cedar"
    assert session["instructions"] == JOB_INSTRUCTIONS
    assert session["id"].startswith("sess_")
    assert session["expires_at"] >= int(time.time()) + 3500  # the 60-minute cap
    assert "Data analyst" in greeting
    assert hangup(engine, call_id_of(response)).status_code == 200


def test_sdp_body_with_the_server_key_opens_a_call_with_a_default_session(engine):
    """The openai SDK sends the bare offer (application/sdp) when calls.create has no session."""

    async def connect() -> tuple[httpx.Response, dict]:
        candidate = Candidate()
        try:
            await candidate.pc.setLocalDescription(await candidate.pc.createOffer())
            response = await post(
                f"{engine.base_url}/realtime/calls",
                content=candidate.pc.localDescription.sdp,
                headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/sdp"},
            )
            assert response.status_code == 201, response.text
            await candidate.pc.setRemoteDescription(RTCSessionDescription(response.text, "answer"))
            return response, (await candidate.next("session.created"))["session"]
        finally:
            await candidate.close()

    response, session = asyncio.run(connect())

    assert session["type"] == "realtime" and session["audio"]["output"]["voice"] == "marin"
    assert hangup(engine, call_id_of(response)).status_code == 200


@pytest.mark.parametrize(
    ("session", "param", "code"),
    [
        ({"instructions": "x"}, "session.type", "missing_required_parameter"),
        ({"type": "realtime", "voice": "marin"}, "session.voice", "unknown_parameter"),
        (
            {"type": "realtime", "audio": {"output": {"voice": "onyx"}}},
            "session.audio.output.voice",
            "invalid_value",
        ),
        (
            {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "server_vad", "colour": 1}}}},
            "session.audio.input.turn_detection.colour",
            "unknown_parameter",
        ),
        ({"type": "realtime", "max_output_tokens": 5000}, "session.max_output_tokens", "integer_above_max_value"),
    ],
)  # fmt: skip
def test_multipart_call_validates_the_session_like_a_mint(engine, session, param, code):
    async def connect() -> httpx.Response:
        candidate = Candidate()
        try:
            return await call_multipart(engine, candidate, session)
        finally:
            await candidate.close()

    response = asyncio.run(connect())

    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["param"], error["code"], error["type"]) == (param, code, "invalid_request_error")


def test_multipart_call_refuses_a_wrong_key_and_a_missing_offer(engine):
    async def attempts() -> tuple[httpx.Response, httpx.Response]:
        candidate = Candidate()
        try:
            wrong = await call_multipart(engine, candidate, session_body(), key="sk-wrong")
        finally:
            await candidate.close()
        no_sdp = await post(
            f"{engine.base_url}/realtime/calls",
            files={"session": (None, json.dumps(session_body()).encode(), "application/json")},
            headers={"Authorization": f"Bearer {KEY}"},
        )
        return wrong, no_sdp

    wrong, no_sdp = asyncio.run(attempts())

    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
    assert no_sdp.status_code == 400 and no_sdp.json()["error"]["param"] == "sdp"


def test_sideband_hears_the_call_and_its_client_events_act_on_it(engine):
    async def supervised() -> dict:
        candidate = Candidate()
        sideband = None
        try:
            response = await call_multipart(engine, candidate, session_body())
            call_id = call_id_of(response)
            await candidate.next("session.created")
            sideband = await Sideband.attach(engine, call_id)
            created = await sideband.next("session.created")

            # The server asks for the greeting over the sideband; both sides see the response.
            await sideband.send({"type": "response.create"})
            greeting, _ = await interviewer_turn(candidate)
            heard = await sideband.next("response.output_audio_transcript.done")
            done = await sideband.next("response.done")

            # A typed answer on the data channel reaches the sideband.
            candidate.typed_answer("I build dashboards.")
            added = await sideband.next("conversation.item.added")
            await interviewer_turn(candidate)
            await sideband.next("response.done")

            # The server restores its instructions; the data channel sees the update too.
            await sideband.send(
                {
                    "type": "session.update",
                    "session": {"type": "realtime", "instructions": "Be brief."},
                }
            )
            updated = await sideband.next("session.updated")
            channel_updated = await candidate.next("session.updated")

            # An invalid update from the sideband is an error event on every sink.
            await sideband.send({"type": "session.update", "session": {"instructions": "x"}})
            error = await sideband.next("error")
            channel_error = await candidate.next("error")

            second = await Sideband.attach(engine, call_id)
            await second.next("session.created")
            record_live = engine_record(engine, call_id)
            assert hangup(engine, call_id).status_code == 200
            closed = await sideband.closed_by_engine() and await second.closed_by_engine()
            await second.close()
            return {
                "created": created["session"],
                "greeting": greeting,
                "heard": heard["transcript"],
                "done": done["response"],
                "added": added["item"],
                "updated": updated["session"],
                "channel_updated": channel_updated["session"],
                "error": error["error"],
                "channel_error": channel_error["error"],
                "record_live": record_live,
                "record": engine_record(engine, call_id),
                "closed": closed,
            }
        finally:
            if sideband is not None:
                await sideband.close()
            await candidate.close()

    seen = asyncio.run(supervised())

    assert seen["created"]["instructions"] == JOB_INSTRUCTIONS
    assert seen["heard"] == seen["greeting"]
    assert seen["done"]["status"] == "completed" and seen["done"]["usage"]["total_tokens"] > 0
    assert seen["added"]["content"][0]["text"] == "I build dashboards."
    assert seen["updated"]["instructions"] == seen["channel_updated"]["instructions"] == "Be brief."
    assert seen["error"]["code"] == seen["channel_error"]["code"] == "missing_required_parameter"
    assert seen["error"]["param"] == "session.type"
    assert seen["record_live"]["status"] == "live" and seen["record_live"]["sidebands"] == 2
    assert seen["closed"]
    record = seen["record"]
    assert record["status"] == "ended" and record["hung_up"] is True
    assert record["end_reason"] == "hangup"
    assert record["sideband_attaches"] == 2 and record["sidebands"] == 0


def test_sideband_needs_the_server_key_and_a_live_call(engine):
    async def attempts() -> list[int]:
        candidate = Candidate()
        statuses = []
        try:
            response = await call_multipart(engine, candidate, session_body())
            call_id = call_id_of(response)
            for key, target in (("sk-wrong", call_id), ("", call_id), (KEY, "rtc_unknown")):
                try:
                    sideband = await Sideband.attach(engine, target, key=key)
                except aiohttp.WSServerHandshakeError as exc:
                    statuses.append(exc.status)
                else:
                    await sideband.close()
                    statuses.append(101)
            hangup(engine, call_id)
            try:
                await Sideband.attach(engine, call_id)
            except aiohttp.WSServerHandshakeError as exc:
                statuses.append(exc.status)
            return statuses
        finally:
            await candidate.close()

    assert asyncio.run(attempts()) == [401, 401, 404, 404]


def test_sideband_error_bodies_are_openai_errors(engine):
    no_key = httpx.get(f"{engine.base_url}/realtime?call_id=rtc_x", timeout=5)
    unknown = httpx.get(
        f"{engine.base_url}/realtime?call_id=rtc_x",
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=5,
    )

    assert no_key.status_code == 401 and no_key.json()["error"]["code"] == "invalid_api_key"
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("ending", ["peer_closed", "session_cap"])
def test_the_engine_closes_the_sideband_when_the_call_ends(engine, ending):
    async def call_then_end() -> tuple[bool, dict]:
        candidate = Candidate()
        sideband = None
        try:
            response = await call_multipart(engine, candidate, session_body())
            call_id = call_id_of(response)
            await candidate.next("session.created")
            sideband = await Sideband.attach(engine, call_id)
            await sideband.next("session.created")
            if ending == "peer_closed":
                await candidate.close()
            else:  # the call has run for 60 minutes: the engine's sweep ends it
                call = engine.engine.calls[call_id]
                call.started -= 3601
                asyncio.run_coroutine_threadsafe(engine.engine.sweep(), engine.loop).result(5)
            return await sideband.closed_by_engine(), engine_record(engine, call_id)
        finally:
            if sideband is not None:
                await sideband.close()
            await candidate.close()

    closed, record = asyncio.run(call_then_end())

    assert closed
    assert record["status"] == "ended" and record["end_reason"] == ending
    assert record["hung_up"] is False
    if ending == "peer_closed":
        # The server's hangup after the browser left is still seen (End after a dropped call).
        assert hangup(engine, record["id"]).status_code == 200
        after = engine_record(engine, record["id"])
        assert after["hung_up"] is True and after["end_reason"] == ending
    else:  # the engine ended it: there is nothing left to hang up
        assert hangup(engine, record["id"]).status_code == 404


def test_the_call_record_hook_is_404_for_an_unknown_call(engine):
    url = engine.base_url.removesuffix("/v1") + "/_engine/calls/rtc_unknown"

    assert httpx.get(url, timeout=5).status_code == 404
