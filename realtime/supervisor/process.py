"""The supervisor process: claims live calls, follows each on its sideband, writes what it saw.

One event loop holds every sideband; the database work runs on one thread beside it: claims
every half second, lease renewals every few seconds, and the transcript, usage and greeting
flags in small batches as they arrive (a batch is at most three statements however many calls
it covers). `bench/supervisor.py` measures it at 100 and 1,000 calls.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import os
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import aiohttp
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from interviews.services import ServerTurn
from realtime.models import RealtimeCall
from realtime.supervisor import leases
from realtime.supervisor.leases import UsageDelta
from realtime.supervisor.sideband import CallWatch
from vocahire.lib import providers

log = logging.getLogger("vocahire.supervisor")
T = TypeVar("T")
Reason = RealtimeCall.EndReason

CLAIM_EVERY_SECONDS = 0.5
CLAIM_BATCH = 500
WRITE_COALESCE_SECONDS = 0.02  # gather the turns of one burst of events into one insert


def _db_job(fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    # A long-lived thread: drop a connection the database closed or that outlived CONN_MAX_AGE.
    close_old_connections()
    return fn(**kwargs)


class Supervisor:
    """Every sideband this process holds, its leases, and its queue of records to write."""

    def __init__(
        self,
        *,
        owner: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        claim_every: float = CLAIM_EVERY_SECONDS,
        renew_every: float | None = None,
    ) -> None:
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.base_url = (base_url or providers.realtime_provider().base_url).rstrip("/")
        self.api_key = api_key or settings.OPENAI_API_KEY
        self.claim_every = claim_every
        self.renew_every = renew_every or settings.SUPERVISOR_RENEW_SECONDS
        self.watches: dict[uuid.UUID, CallWatch] = {}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="supervisor-db")
        self.http: aiohttp.ClientSession = None  # type: ignore[assignment]  # made in run()
        self.turns: list[tuple[ServerTurn, float]] = []
        self.usage: dict[uuid.UUID, UsageDelta] = {}
        self.greeted: set[uuid.UUID] = set()
        self.pending = asyncio.Event()
        self.tasks: set[asyncio.Future[Any]] = set()
        self.loops: list[asyncio.Task[None]] = []
        # Seen-to-committed delay of recent turns, for `bench/supervisor.py` and the log.
        self.turn_delays_ms: collections.deque[float] = collections.deque(maxlen=200_000)
        self.attaches = 0
        self.closed = False  # shut down (cleanly or not): nothing more to give back

    # URLs upstream

    def sideband_url(self, call_id: str) -> str:
        return re.sub(r"^http", "ws", self.base_url) + f"/realtime?call_id={call_id}"

    def hangup_url(self, call_id: str) -> str:
        return f"{self.base_url}/realtime/calls/{call_id}/hangup"

    # Plumbing

    async def db(self, fn: Callable[..., T], **kwargs: Any) -> T:
        """Run one database function on the supervisor's database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(_db_job, fn, kwargs))

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("supervisor task failed", exc_info=task.exception())

    def attached(self, watch: CallWatch) -> None:
        self.attaches += 1
        log.info("attached to %s", watch.lease.upstream_call_id)

    def forget(self, watch: CallWatch) -> None:
        if self.watches.get(watch.lease.id) is watch:
            del self.watches[watch.lease.id]

    def record_turn(self, turn: ServerTurn) -> None:
        self.turns.append((turn, time.monotonic()))
        self.pending.set()

    def record_greeted(self, call_id: uuid.UUID) -> None:
        self.greeted.add(call_id)
        self.pending.set()

    def record_usage(self, call_id: uuid.UUID, delta: UsageDelta) -> None:
        total = self.usage.setdefault(call_id, UsageDelta())
        total.input_tokens += delta.input_tokens
        total.output_tokens += delta.output_tokens
        total.audio_seconds += delta.audio_seconds
        self.pending.set()

    # Running

    async def run(self, stop: asyncio.Event) -> None:
        """Supervise until `stop` is set, then flush, give up the leases and close."""
        # No pool limit: each sideband holds its connection for the whole call (aiohttp's default
        # of 100 would stall the 101st sideband, and every hang-up behind it).
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=None, connect=5, sock_connect=5, sock_read=None),
        )
        self.loops = [
            asyncio.ensure_future(loop())
            for loop in (self.claim_forever, self.renew_forever, self.write_forever)
        ]
        log.info("supervisor %s watching %s", self.owner, self.base_url)
        try:
            await stop.wait()
        finally:
            # Already shut down (`SupervisorThread.crash`): its loop is gone, nothing to await.
            if not self.closed:
                await self.shutdown()

    async def shutdown(self, *, clean: bool = True) -> None:
        self.closed = True
        for task in self.loops:
            task.cancel()
        watches = list(self.watches.values())
        for watch in watches:
            watch.stopping = True
            if watch.deadline_timer is not None:
                watch.deadline_timer.cancel()
            if watch.task is not None:
                watch.task.cancel()
        if clean:
            await self.write_pending()
            await self.db(leases.calls_release, owner=self.owner, ids=[w.lease.id for w in watches])
        for watch in watches:
            if watch.ws is not None:
                await watch.ws.close()
        self.watches.clear()
        for task in list(self.tasks):
            task.cancel()
        await self.http.close()
        await asyncio.get_running_loop().run_in_executor(self.executor, connections.close_all)
        self.executor.shutdown(wait=True)

    async def claim_forever(self) -> None:
        while True:
            try:
                for lease in await self.db(leases.calls_claim, owner=self.owner, limit=CLAIM_BATCH):
                    if lease.id not in self.watches:
                        log.info("leased call %s", lease.upstream_call_id)
                        watch = CallWatch(self, lease)
                        self.watches[lease.id] = watch
                        watch.start()
            except Exception:  # the database may be restarting: claim again next round
                log.exception("claiming calls failed")
            await asyncio.sleep(self.claim_every)

    async def renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            try:
                await self.renew()
            except Exception:
                log.exception("renewing leases failed")

    async def renew(self) -> None:
        """Extend our leases, and act on what changed: the end, the next question, the time."""
        asked = dict(self.watches)  # calls claimed while we wait are renewed next time
        states = await self.db(leases.calls_renew, owner=self.owner, ids=list(asked))
        now = timezone.now()
        for call_id, watch in asked.items():
            state = states.get(call_id)
            if state is None or not state.mine or not state.live:
                log.info("detached from %s (%s)", watch.lease.upstream_call_id, state)
                self.forget(watch)  # ended elsewhere (end, next question) or taken over
                watch.detach()
            elif state.interview_finished:
                self.spawn(watch.hangup(Reason.ENDED))
            elif (
                watch.lease.question_number and watch.lease.question_number < state.current_question
            ):
                self.spawn(watch.hangup(Reason.NEXT_QUESTION))
            elif state.deadline is not None and now >= state.deadline:
                self.spawn(watch.hangup(Reason.TIME_LIMIT))

    async def write_forever(self) -> None:
        while True:
            await self.pending.wait()
            await asyncio.sleep(WRITE_COALESCE_SECONDS)
            await self.write_pending()

    async def write_pending(self) -> None:
        self.pending.clear()
        turns, usage, greeted = self.turns, self.usage, self.greeted
        if not turns and not usage and not greeted:
            return
        self.turns, self.usage, self.greeted = [], {}, set()
        try:
            await self.db(
                leases.records_write, turns=[t for t, _ in turns], usage=usage, greeted=greeted
            )
        except Exception:
            # Never lose a turn we have seen: keep it for the next write (ids make it idempotent).
            log.exception("writing %d turns failed; retrying", len(turns))
            self.turns = turns + self.turns
            self.greeted |= greeted
            for call_id, delta in usage.items():
                self.record_usage(call_id, delta)
            await asyncio.sleep(1.0)
            self.pending.set()
            return
        done = time.monotonic()
        self.turn_delays_ms.extend((done - seen) * 1000 for _, seen in turns)


class SupervisorThread:
    """A supervisor on its own event loop in a daemon thread, for tests and benchmarks."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.supervisor: Supervisor | None = None
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._serve, name="supervisor", daemon=True)
        self.ready = threading.Event()
        self.crashed = False

    def start(self) -> SupervisorThread:
        self.thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the supervisor did not start")
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def main() -> None:
            self.supervisor = Supervisor(**self.options)
            self.stop_event = asyncio.Event()
            self.ready.set()
            await self.supervisor.run(self.stop_event)

        try:
            self.loop.run_until_complete(main())
        except (asyncio.CancelledError, RuntimeError):  # RuntimeError: stopped by crash()
            pass
        finally:
            self.loop.close()

    def call(self, fn: Callable[[], Coroutine[Any, Any, T]], timeout: float = 10) -> T:
        return asyncio.run_coroutine_threadsafe(fn(), self.loop).result(timeout)

    def stop(self) -> None:
        """A clean stop: pending turns written, leases given back."""
        if self.thread.is_alive() and self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
            self.thread.join(15)

    def crash(self) -> None:
        """Die as a killed process would: no flush, leases left to lapse, sockets dropped."""
        if self.supervisor is None or not self.thread.is_alive():
            return
        supervisor = self.supervisor
        self.call(lambda: supervisor.shutdown(clean=False))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.crashed = True


def supervisor_run(*, stop: asyncio.Event, **options: Any) -> Coroutine[Any, Any, None]:
    """The coroutine `manage.py runsupervisor` runs until SIGINT/SIGTERM sets `stop`."""
    return Supervisor(**options).run(stop)
