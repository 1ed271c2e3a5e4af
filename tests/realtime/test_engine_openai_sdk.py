"""OpenAI's own Python SDK (a test-only dependency), pointed at the local engine, works unchanged:
client_secrets.create, calls.create with a real aiortc offer, the sideband through
realtime.connect(call_id=...), and calls.hangup."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiortc import RTCSessionDescription
from openai import AsyncOpenAI, AuthenticationError, BadRequestError

from realtime.engine import engine_run
from tests.realtime.test_engine_call import JOB_INSTRUCTIONS, KEY, WAIT, Candidate

SESSION = {
    "type": "realtime",
    "model": "gpt-realtime-2.1",
    "instructions": JOB_INSTRUCTIONS,
    "audio": {
        "input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": 600}},
        "output": {"voice": "marin"},
    },
    "max_output_tokens": "inf",
}


@pytest.fixture(scope="module")
def engine():
    running = engine_run(port=0, api_key=KEY)
    yield running
    running.stop()


def client(engine, key: str = KEY) -> AsyncOpenAI:
    return AsyncOpenAI(api_key=key, base_url=engine.base_url, max_retries=0)


def test_sdk_mints_a_client_secret(engine):
    async def mint():
        async with client(engine) as openai:
            return await openai.realtime.client_secrets.create(
                expires_after={"anchor": "created_at", "seconds": 600}, session=SESSION
            )

    secret = asyncio.run(mint())

    assert secret.value.startswith("ek_")
    assert secret.session.type == "realtime"
    assert secret.session.instructions == JOB_INSTRUCTIONS
    assert secret.session.audio.output.voice == "marin"
    assert secret.expires_at > 0


def test_sdk_errors_are_the_sdks_own_exceptions(engine):
    async def attempts():
        async with client(engine, key="sk-wrong") as openai:
            with pytest.raises(AuthenticationError) as denied:
                await openai.realtime.client_secrets.create(session=SESSION)
        async with client(engine) as openai:
            with pytest.raises(BadRequestError) as refused:
                await openai.realtime.client_secrets.create(
                    session={**SESSION, "audio": {"output": {"voice": "onyx"}}}
                )
        return denied.value, refused.value

    denied, refused = asyncio.run(attempts())

    assert denied.code == "invalid_api_key" and denied.status_code == 401
    assert refused.code == "invalid_value" and refused.param == "session.audio.output.voice"


def test_sdk_creates_a_call_attaches_a_sideband_and_hangs_up(engine):
    async def supervised() -> dict:
        candidate = Candidate()
        try:
            await candidate.pc.setLocalDescription(await candidate.pc.createOffer())
            async with client(engine) as openai:
                raw = await openai.realtime.calls.with_raw_response.create(
                    sdp=candidate.pc.localDescription.sdp, session=SESSION
                )
                answer = raw.parse()
                location = raw.headers["location"]
                await candidate.pc.setRemoteDescription(
                    RTCSessionDescription(answer.text, "answer")
                )
                call_id = location.rsplit("/", 1)[1]
                await candidate.next("session.created")

                async with openai.realtime.connect(call_id=call_id) as sideband:
                    created = await asyncio.wait_for(sideband.recv(), WAIT)
                    await sideband.response.create()
                    transcript = None
                    while True:
                        event = await asyncio.wait_for(sideband.recv(), WAIT)
                        if event.type == "response.output_audio_transcript.done":
                            transcript = event.transcript
                        if event.type == "response.done":
                            done = event
                            break
                    await sideband.session.update(
                        session={"type": "realtime", "instructions": "Be brief."}
                    )
                    while (event := await asyncio.wait_for(sideband.recv(), WAIT)).type != (
                        "session.updated"
                    ):
                        pass
                    updated = event
                    await openai.realtime.calls.hangup(call_id)
                    ended = []
                    async for event in sideband:  # the engine closes the sideband
                        ended.append(event.type)
            record = engine.engine.records[call_id].record()
            return {
                "status": raw.status_code,
                "content_type": raw.headers["content-type"],
                "location": location,
                "created": created,
                "transcript": transcript,
                "done": done,
                "updated": updated,
                "record": record,
            }
        finally:
            await candidate.close()

    seen = asyncio.run(supervised())

    assert seen["status"] == 201 and seen["content_type"].startswith("application/sdp")
    assert re.fullmatch(r"/v1/realtime/calls/rtc_\w+", seen["location"])
    assert seen["created"].type == "session.created"
    assert seen["created"].session.instructions == JOB_INSTRUCTIONS
    assert "Data analyst" in seen["transcript"]
    assert seen["done"].response.status == "completed"
    assert seen["done"].response.usage.total_tokens > 0
    assert seen["updated"].session.instructions == "Be brief."
    assert seen["record"]["hung_up"] is True and seen["record"]["sideband_attaches"] == 1


def test_sdk_call_with_an_unknown_session_field_is_a_bad_request(engine):
    async def attempt():
        candidate = Candidate()
        try:
            await candidate.pc.setLocalDescription(await candidate.pc.createOffer())
            async with client(engine) as openai:
                with pytest.raises(BadRequestError) as refused:
                    await openai.realtime.calls.create(
                        sdp=candidate.pc.localDescription.sdp,
                        session={**SESSION, "temperature": 0.8},
                    )
            return refused.value
        finally:
            await candidate.close()

    refused = asyncio.run(attempt())

    assert refused.code == "unknown_parameter" and refused.param == "session.temperature"
