"""The supervisor's greeting waits for the room's audio link, and a failed read does not lose it."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import OperationalError
from django.utils import timezone

from realtime.supervisor import leases, sideband
from realtime.supervisor.leases import CallLease


class FakeSocket:
    closed = False

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_str(self, text: str) -> None:
        self.sent.append(json.loads(text))


class FakeSupervisor:
    """The database thread answers from a script: an exception is raised, a value returned."""

    def __init__(self, answers: list[object]) -> None:
        self.answers = answers
        self.asked = 0
        self.greeted: list[uuid.UUID] = []
        self.tasks: list[asyncio.Future[Any]] = []

    async def db(self, fn, **kwargs: Any) -> object:
        assert fn is leases.call_client_live
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        if isinstance(answer, Exception):
            raise answer
        return answer

    def spawn(self, coroutine) -> None:
        self.tasks.append(asyncio.ensure_future(coroutine))

    def record_greeted(self, call_id: uuid.UUID) -> None:
        self.greeted.append(call_id)


def _lease() -> CallLease:
    now = timezone.now()
    return CallLease(
        id=uuid.uuid4(), interview_id=uuid.uuid4(), upstream_call_id="rtc_greet", question_number=None,
        instructions="", voice="marin", tools=[], greeted=False, integrity_restores=0,
        deadline=now + timedelta(minutes=30), created_at=now, offset_ms=0, transcription=None,
    )  # fmt: skip


def _greet(answers: list[object]) -> tuple[FakeSupervisor, FakeSocket]:
    supervisor, socket = FakeSupervisor(answers), FakeSocket()
    watch = sideband.CallWatch(supervisor, _lease())  # type: ignore[arg-type]
    watch.ws = socket  # type: ignore[assignment]

    async def run() -> None:
        await watch.greet()
        await asyncio.gather(*supervisor.tasks)

    asyncio.run(run())
    return supervisor, socket


def test_a_failed_read_of_the_rooms_stages_is_asked_again_and_the_greeting_follows(
    monkeypatch, caplog
):
    monkeypatch.setattr(sideband, "GREETING_POLL_SECONDS", 0.01)
    locked = OperationalError("database table is locked: interviews_stagetiming")
    with caplog.at_level(logging.WARNING, logger="vocahire.supervisor"):
        supervisor, socket = _greet([locked, False, True])
    assert supervisor.asked == 3  # asked again after the failure, until the room was live
    assert socket.sent == [{"type": "response.create"}]
    assert len(supervisor.greeted) == 1
    assert "could not be read (OperationalError)" in caplog.text


def test_with_the_database_down_the_interviewer_still_speaks_at_the_deadline(monkeypatch):
    monkeypatch.setattr(sideband, "GREETING_POLL_SECONDS", 0.01)
    monkeypatch.setattr(sideband, "GREETING_WAIT_SECONDS", 0.1)
    supervisor, socket = _greet([OperationalError("connection refused")])
    assert supervisor.asked > 1
    assert socket.sent == [{"type": "response.create"}]
    assert len(supervisor.greeted) == 1
