"""Supervisor benchmark: CPU and transcript delay of one supervisor holding many sidebands.

For each scale (100, then 1,000 simultaneous calls) a fake sideband server (aiohttp, its own
process, so its CPU is not counted) answers `GET /v1/realtime?call_id=...` with a WebSocket,
sends `session.created` (the same instructions, voice and tools as the RealtimeCall row, so no
restore happens) and then a GA event stream: per call a turn every BENCH_TURN_SECONDS (speech
started/stopped, committed, input transcription deltas then `...completed`, then the
interviewer's response.created / conversation.item.added / 20 transcript deltas over 2 s /
`...done` / response.done with a usage block), plus the greeting the supervisor asks for. The
real supervisor (`SupervisorThread`, the code `runsupervisor` runs) leases the RealtimeCall rows
from PostgreSQL and attaches. Once every call is attached, for BENCH_SECONDS it prints:
  - the supervisor's CPU share of one core (this process holds only the supervisor's event loop
    and its database thread; the checks run after the measured window),
  - p50/p95/p99 of the delay from the fake server sending `...completed` to the turn's commit
    (the supervisor's write, timed right after its transaction), to the row's created_at, and
    the supervisor's own seen-to-committed delays (Supervisor.turn_delays_ms),
  - calls attached and attach time, turns expected vs stored (no loss, no duplicates), usage
    expected vs stored, hang-ups, reconnects and supervisor warnings/errors,
  - where the database thread's time went (each of the supervisor's lease functions, timed by
    wrapping it in this process) and how many turns were still unwritten at the window's end.
Loopback only, bounded (attach and total time-outs), stops by itself.

    .venv/bin/python bench/supervisor.py
Environment: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/vocahire_bench_supervisor, dropped and re-created),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/4, flushed), BENCH_SCALES (default "100,1000"),
BENCH_SECONDS (measured window per scale, default 60), BENCH_TURN_SECONDS (default 10),
BENCH_ATTACH_TIMEOUT (default 60), BENCH_FAKE_PORT (default 8793), BENCH_CONNECTOR_LIMIT (unset:
the supervisor exactly as written; a number, 0 for none, gives the supervisor's aiohttp session a
TCPConnector with that limit, to measure a fix of aiohttp's default 100-connection pool, which
holds every sideband WebSocket and so caps one supervisor at 100 attached calls).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vocahire_bench_supervisor"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "100,1000").split(",") if s.strip()]
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
TURN_SECONDS = float(os.environ.get("BENCH_TURN_SECONDS", "10"))
ATTACH_TIMEOUT = float(os.environ.get("BENCH_ATTACH_TIMEOUT", "60"))
TIMED_DB_JOBS = ("records_write", "calls_renew", "calls_claim", "call_end")
CONNECTOR_LIMIT = os.environ.get("BENCH_CONNECTOR_LIMIT", "").strip()
FAKE_PORT = int(os.environ.get("BENCH_FAKE_PORT", "8793"))
FAKE = f"http://127.0.0.1:{FAKE_PORT}"
API_KEY = "sk-bench-supervisor"
DRAIN_TIMEOUT = 20.0
LOG_DIR = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))

INSTRUCTIONS = (
    "You are a calm, demanding interviewer for a data analyst position at a retail company. "
    "Ask one question at a time, listen to the whole answer, probe for numbers and trade-offs, "
    "never give the answer away, and keep each reply under forty words. "
) * 24  # about 6 KB, the size of a real job interview's instructions
VOICE = "marin"
# What the fake upstream answers a call's offer with (bench/load.py creates calls through the web).
ANSWER_SDP = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n"
)
TOOLS = [
    {
        "type": "function",
        "name": "note_answer",
        "description": "Note how well the candidate answered the current question.",
        "parameters": {
            "type": "object",
            "properties": {"score": {"type": "integer"}, "comment": {"type": "string"}},
            "required": ["score"],
        },
    }
]
CANDIDATE_WORDS = (
    "In my last role I owned the weekly sales report for two hundred stores and I noticed that "
    "margins fell in the stores that ran the most promotions so I built a simple model of "
    "promotion lift against margin and we cut the weakest promotions which raised margin by "
    "about one point without losing volume"
).split()
INTERVIEWER_WORDS = (
    "Thank you, that is a clear example. How did you separate the effect of the promotions from "
    "seasonality, and what would you have done if the finance team had disagreed with your "
    "numbers? Take a moment and walk me through it."
).split()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    if not values:
        return "n/a (no samples)"
    return (
        f"p50 {pct(values, 50):7.1f}  p95 {pct(values, 95):7.1f}  p99 {pct(values, 99):7.1f}"
        f"  max {max(values):7.1f} ms  (n={len(values)})"
    )


def thread_cpu(native_id: int) -> float:
    """User + system CPU seconds of one thread of this process."""
    with open(f"/proc/self/task/{native_id}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def connector_limit_patch() -> None:
    """BENCH_CONNECTOR_LIMIT: the supervisor's ClientSession gets a connector with that limit."""
    import aiohttp

    real = aiohttp.ClientSession

    def session(*args, **kwargs):
        kwargs.setdefault("connector", aiohttp.TCPConnector(limit=int(CONNECTOR_LIMIT)))
        return real(*args, **kwargs)

    aiohttp.ClientSession = session  # type: ignore[misc]  # read by Supervisor.run()
    print(
        f"NOTE: BENCH_CONNECTOR_LIMIT={CONNECTOR_LIMIT}: the supervisor's aiohttp connector is patched"
    )


def fd_limit_raise() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- The fake sideband server (its own process) ----------------------------------------------


def fake_server(port: int, prefix: str, calls: int, turn_seconds: float) -> None:
    """OpenAI's sideband as far as the supervisor sees it, for `calls` ids `<prefix><n>`."""
    from aiohttp import web

    fd_limit_raise()
    ids = itertools.count()
    sent: list[tuple[str, str, float]] = []  # (item id, speaker, time.time() ms at send)
    lags: list[float] = []  # how late each candidate turn started against its schedule, ms
    usage_sent = {"input_tokens": 0, "output_tokens": 0}
    stats = {"connections": 0, "open": 0, "greetings": 0, "hangups": 0, "active_turns": 0}
    stats.update(refused=0, send_errors=0)
    stopping = asyncio.Event()
    cpu_started, wall_started = time.process_time(), time.monotonic()

    def event_id() -> str:
        return f"event_{next(ids)}"

    async def emit(ws: web.WebSocketResponse, type_: str, **fields: object) -> None:
        await ws.send_str(json.dumps({"type": type_, "event_id": event_id(), **fields}))

    def session_object(call_id: str) -> dict:
        created = created_sessions.get(call_id, {})
        return {
            "type": "realtime",
            "object": "realtime.session",
            "id": f"sess_{call_id}",
            "model": "gpt-realtime",
            "output_modalities": ["audio"],
            "instructions": created.get("instructions", INSTRUCTIONS),
            "tools": created.get("tools", TOOLS),
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "tracing": None,
            "truncation": "auto",
            "prompt": None,
            "expires_at": int(time.time()) + 3600,
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "transcription": {"model": "gpt-4o-transcribe", "language": None},
                    "noise_reduction": None,
                    "turn_detection": {
                        "type": "server_vad",
                        "threshold": 0.5,
                        "prefix_padding_ms": 300,
                        "silence_duration_ms": 800,
                        "idle_timeout_ms": None,
                        "create_response": True,
                        "interrupt_response": True,
                    },
                },
                "output": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "voice": VOICE,
                    "speed": 1.0,
                },
            },
        }

    def response_object(response_id: str, status: str, output: list, usage: object) -> dict:
        return {
            "object": "realtime.response",
            "id": response_id,
            "status": status,
            "status_details": None,
            "output": output,
            "conversation_id": "conv_bench",
            "output_modalities": ["audio"],
            "max_output_tokens": "inf",
            "audio": {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": VOICE}},
            "usage": usage,
            "metadata": None,
        }

    async def interviewer(ws: web.WebSocketResponse, tag: str) -> None:
        """One assistant turn as GA sends it over a WebRTC call's sideband."""
        response_id, item_id = f"resp_{tag}", f"item_{tag}_a"
        ids_ = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        ids_["content_index"] = 0
        item = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        await emit(
            ws, "response.created", response=response_object(response_id, "in_progress", [], None)
        )
        await emit(
            ws, "response.output_item.added", response_id=response_id, output_index=0, item=item
        )
        await emit(ws, "conversation.item.added", previous_item_id=None, item=item)
        await emit(
            ws, "response.content_part.added", **ids_, part={"type": "audio", "transcript": ""}
        )
        await emit(ws, "output_audio_buffer.started", response_id=response_id)
        words = INTERVIEWER_WORDS
        step = math.ceil(len(words) / 20)
        for i in range(0, len(words), step):
            await emit(
                ws,
                "response.output_audio_transcript.delta",
                **ids_,
                delta=" ".join(words[i : i + step]) + " ",
            )
            await asyncio.sleep(0.1)
        text = " ".join(words)
        await emit(ws, "response.output_audio.done", **ids_)
        sent.append((item_id, "interviewer", time.time() * 1000))
        await emit(ws, "response.output_audio_transcript.done", **ids_, transcript=text)
        await emit(
            ws, "response.content_part.done", **ids_, part={"type": "audio", "transcript": text}
        )
        done = {
            **item,
            "status": "completed",
            "content": [{"type": "output_audio", "transcript": text}],
        }
        await emit(
            ws, "response.output_item.done", response_id=response_id, output_index=0, item=done
        )
        await emit(ws, "conversation.item.done", previous_item_id=None, item=done)
        usage = {
            "total_tokens": 2410,
            "input_tokens": 2050,
            "output_tokens": 360,
            "input_token_details": {
                "text_tokens": 1650,
                "audio_tokens": 400,
                "image_tokens": 0,
                "cached_tokens": 1536,
                "cached_tokens_details": {
                    "text_tokens": 1536,
                    "audio_tokens": 0,
                    "image_tokens": 0,
                },
            },
            "output_token_details": {"text_tokens": 60, "audio_tokens": 300},
        }
        usage_sent["input_tokens"] += usage["input_tokens"]
        usage_sent["output_tokens"] += usage["output_tokens"]
        await emit(
            ws, "response.done", response=response_object(response_id, "completed", [done], usage)
        )
        await emit(
            ws,
            "rate_limits.updated",
            rate_limits=[
                {"name": "tokens", "limit": 40000, "remaining": 37590, "reset_seconds": 3.6}
            ],
        )

    async def candidate(ws: web.WebSocketResponse, tag: str, audio_ms: int) -> None:
        item_id = f"item_{tag}_c"
        await emit(
            ws, "input_audio_buffer.speech_started", audio_start_ms=audio_ms, item_id=item_id
        )
        await asyncio.sleep(3.5)
        await emit(
            ws, "input_audio_buffer.speech_stopped", audio_end_ms=audio_ms + 3500, item_id=item_id
        )
        await emit(ws, "input_audio_buffer.committed", previous_item_id=None, item_id=item_id)
        item = {
            "id": item_id,
            "type": "message",
            "object": "realtime.item",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        await emit(ws, "conversation.item.added", previous_item_id=None, item=item)
        await emit(ws, "conversation.item.done", previous_item_id=None, item=item)
        words = CANDIDATE_WORDS
        step = math.ceil(len(words) / 6)
        for i in range(0, len(words), step):
            await asyncio.sleep(0.05)
            await emit(
                ws,
                "conversation.item.input_audio_transcription.delta",
                item_id=item_id,
                content_index=0,
                delta=" ".join(words[i : i + step]) + " ",
            )
        sent.append((item_id, "candidate", time.time() * 1000))
        await emit(
            ws,
            "conversation.item.input_audio_transcription.completed",
            item_id=item_id,
            content_index=0,
            transcript=" ".join(words),
            usage={
                "type": "tokens",
                "total_tokens": 120,
                "input_tokens": 90,
                "input_token_details": {"text_tokens": 0, "audio_tokens": 90},
                "output_tokens": 30,
            },
        )

    async def conversation(ws: web.WebSocketResponse, call: str, conn: int) -> None:
        rng = random.Random(call)
        begun = time.monotonic()
        first = begun + 3.0 + rng.uniform(0, turn_seconds)  # after the greeting, spread evenly
        for n in itertools.count():
            planned = first + n * turn_seconds
            await asyncio.sleep(max(0.0, planned - time.monotonic()))
            if stopping.is_set() or ws.closed:
                return
            lags.append((time.monotonic() - planned) * 1000)
            stats["active_turns"] += 1
            try:
                tag = f"{call}_{conn}_{n}"
                await candidate(ws, tag, audio_ms=int((planned - begun) * 1000))
                await asyncio.sleep(0.3)
                await interviewer(ws, tag)
            finally:
                stats["active_turns"] -= 1

    async def sideband(request: web.Request) -> web.StreamResponse:
        call = request.query.get("call_id", "")
        number = call.removeprefix(prefix)
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            stats["refused"] += 1
            return web.json_response({"error": {"code": "invalid_api_key"}}, status=401)
        if not call.startswith(prefix) or not number.isdigit() or int(number) >= calls:
            stats["refused"] += 1
            return web.json_response({"error": {"code": "call_not_found"}}, status=404)
        ws = web.WebSocketResponse(max_msg_size=2**22)
        await ws.prepare(request)
        stats["connections"] += 1
        stats["open"] += 1
        conn = stats["connections"]
        tasks: set[asyncio.Task] = set()
        try:
            await emit(ws, "session.created", session=session_object(call))
            tasks.add(asyncio.ensure_future(conversation(ws, call, conn)))
            async for message in ws:
                if message.type != web.WSMsgType.TEXT:
                    continue
                event = json.loads(message.data)
                if event.get("type") == "response.create":
                    stats["greetings"] += 1
                    tasks.add(asyncio.ensure_future(interviewer(ws, f"{call}_{conn}_greeting")))
        except (ConnectionError, RuntimeError):
            stats["send_errors"] += 1
        finally:
            stats["open"] -= 1
            for task in tasks:
                task.cancel()
        return ws

    async def hangup(request: web.Request) -> web.Response:
        stats["hangups"] += 1
        return web.json_response({})

    call_numbers = itertools.count()
    created_sessions: dict[str, dict] = {}  # call id -> the session it was created with

    async def call_create(request: web.Request) -> web.Response:
        """GA's POST /v1/realtime/calls (bench/load.py): 201, the answer SDP and the Location of
        the next call id `<prefix><n>`, whose sideband this server then serves."""
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return web.json_response({"error": {"code": "invalid_api_key"}}, status=401)
        call = f"{prefix}{next(call_numbers)}"
        if request.content_type == "multipart/form-data":  # the server's form: keep its session
            async for part in await request.multipart():
                if part.name == "session":
                    created_sessions[call] = json.loads(await part.text())
        else:
            await request.read()
        stats["calls_created"] = stats.get("calls_created", 0) + 1
        return web.Response(
            status=201,
            text=ANSWER_SDP,
            content_type="application/sdp",
            headers={"Location": f"/v1/realtime/calls/{call}"},
        )

    async def bench_stats(request: web.Request) -> web.Response:
        wall = time.monotonic() - wall_started
        return web.json_response(
            {
                **stats,
                "turns_sent": len(sent),
                "lag_p99_ms": pct(lags, 99) if lags else 0.0,
                "lag_max_ms": max(lags) if lags else 0.0,
                "cpu_share": (time.process_time() - cpu_started) / wall if wall else 0.0,
            }
        )

    async def bench_stop(request: web.Request) -> web.Response:
        stopping.set()
        return web.json_response({})

    async def bench_sent(request: web.Request) -> web.Response:
        return web.json_response({"sent": sent, "usage": usage_sent})

    app = web.Application()
    app.router.add_get("/v1/realtime", sideband)
    app.router.add_post("/v1/realtime/calls/{call_id}/hangup", hangup)
    app.router.add_post("/v1/realtime/calls", call_create)
    app.router.add_get("/_bench/stats", bench_stats)
    app.router.add_post("/_bench/stop", bench_stop)
    app.router.add_get("/_bench/sent", bench_sent)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=2048)


# --- The benchmark (this process: the supervisor and its database thread) --------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="vocahire.settings",
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,
        OPENAI_API_KEY=API_KEY,
        REALTIME_BASE_URL=f"{FAKE}/v1",
        LOG_LEVEL="WARNING",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def database_recreate() -> None:
    import psycopg

    parts = urlsplit(DB_URL)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=child_env(),
        check=True,
        timeout=300,
    )


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()


def fake_get(path: str) -> dict:
    import httpx

    return httpx.get(f"{FAKE}{path}", timeout=30).json()


def fake_start(prefix: str, calls: int) -> subprocess.Popen:
    import httpx

    log = open(LOG_DIR / "vocahire-bench-supervisor-fake.log", "w")  # noqa: SIM115
    args = [sys.executable, __file__, "--fake-server", str(FAKE_PORT), prefix, str(calls)]
    process = subprocess.Popen(args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            fake_get("/_bench/stats")
            return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the fake sideband server did not start (see {LOG_DIR}).")


def calls_create(prefix: str, calls: int) -> list:
    """Users, interviews in progress with a long time limit, and one live call each."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from interviews.models import Interview
    from realtime.models import RealtimeCall

    now = timezone.now()
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.com", password=password) for i in range(calls)],
        batch_size=500,
    )
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                owner=user,
                kind=Interview.Kind.JOB,
                status=Interview.Status.IN_PROGRESS,
                job_title="Data analyst",
                instructions_snapshot={"1": INSTRUCTIONS},
                question_count=1,
                time_limit_minutes=600,
                started_at=now,
                supervised=True,
            )
            for user in users
        ],
        batch_size=500,
    )
    RealtimeCall.objects.bulk_create(
        [
            RealtimeCall(
                interview=interview,
                user=interview.owner,
                upstream_call_id=f"{prefix}{i}",
                status=RealtimeCall.Status.LIVE,
                instructions=INSTRUCTIONS,
                voice=VOICE,
                tools=TOOLS,
            )
            for i, interview in enumerate(interviews)
        ],
        batch_size=500,
    )
    return [interview.pk for interview in interviews]


class Counting(logging.Handler):
    """The supervisor's warnings and errors: counted, the first few kept to print."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.levelname] = self.counts.get(record.levelname, 0) + 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.getMessage()[:160]}")


def run_scale(calls: int) -> dict:
    from django.db import connection
    from django.db.models import Sum

    from interviews.models import TranscriptTurn
    from realtime.models import RealtimeCall
    from realtime.supervisor import leases
    from realtime.supervisor.process import SupervisorThread

    prefix = f"rtc_bench{calls}_"
    print(f"\n== {calls} calls ==", flush=True)
    fake = fake_start(prefix, calls)
    handler = Counting()
    logger = logging.getLogger("vocahire.supervisor")
    logger.addHandler(handler)
    logger.propagate = False
    committed: dict[str, float] = {}
    # The database thread's jobs: (name, monotonic start, seconds, turns, usage rows).
    db_jobs: list[tuple[str, float, float, int, int]] = []
    originals = {name: getattr(leases, name) for name in TIMED_DB_JOBS}

    def timed(name: str):
        original = originals[name]

        def job(**kwargs):  # the supervisor's own database function, timed; commit time noted
            began = time.monotonic()
            result = original(**kwargs)
            took = time.monotonic() - began
            turns, usage = kwargs.get("turns") or [], kwargs.get("usage") or {}
            db_jobs.append((name, began, took, len(turns), len(usage)))
            at = time.time() * 1000
            for turn in turns:
                committed.setdefault(turn.item_id, at)
            return result

        return job

    thread = None
    try:
        interview_ids = calls_create(prefix, calls)
        connection.close()  # the main thread stays off the database while measuring
        for name in TIMED_DB_JOBS:
            setattr(leases, name, timed(name))
        started = time.monotonic()
        cpu_started = time.process_time()
        thread = SupervisorThread(claim_every=0.5).start()
        supervisor = thread.supervisor
        loop_tid = thread.thread.native_id
        while supervisor.attaches < calls and time.monotonic() - started < ATTACH_TIMEOUT:
            time.sleep(0.1)
        attach_s = time.monotonic() - started
        attach_cpu = time.process_time() - cpu_started
        attached = supervisor.attaches
        if attached < calls:
            print(f"  WARNING: only {attached} of {calls} attached within {ATTACH_TIMEOUT:.0f} s")
        print(
            f"  attached {attached}/{calls} in {attach_s:.1f} s (CPU {attach_cpu:.1f} s)",
            flush=True,
        )

        window_wall = time.time() * 1000
        db_tid = next(iter(supervisor.executor._threads)).native_id
        loop0, db0 = thread_cpu(loop_tid), thread_cpu(db_tid)
        wall0, cpu0 = time.monotonic(), time.process_time()
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(SECONDS)
        wall1, cpu1 = time.monotonic(), time.process_time()
        loop_share = (thread_cpu(loop_tid) - loop0) / (wall1 - wall0)
        db_share = (thread_cpu(db_tid) - db0) / (wall1 - wall0)
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        window_end = time.time() * 1000
        cpu_share = (cpu1 - cpu0) / (wall1 - wall0)
        user_share = (usage1.ru_utime - usage0.ru_utime) / (wall1 - wall0)
        system_share = (usage1.ru_stime - usage0.ru_stime) / (wall1 - wall0)
        ctx = (usage1.ru_nvcsw - usage0.ru_nvcsw) + (usage1.ru_nivcsw - usage0.ru_nivcsw)

        # After the window: no new turns; let the ones in flight finish and be written.
        import httpx

        httpx.post(f"{FAKE}/_bench/stop", timeout=10)
        drain_deadline = time.monotonic() + DRAIN_TIMEOUT
        server = fake_get("/_bench/stats")
        while server["active_turns"] and time.monotonic() < drain_deadline:
            time.sleep(0.5)
            server = fake_get("/_bench/stats")
        time.sleep(1.0)
        watching = len(supervisor.watches)
        thread.stop()  # a clean stop: what is still queued is written now
        seen_committed = list(supervisor.turn_delays_ms)
        thread = None
        for name, original in originals.items():
            setattr(leases, name, original)
        fake_sent = fake_get("/_bench/sent")
        server = fake_get("/_bench/stats")

        sent = {item: (speaker, at) for item, speaker, at in fake_sent["sent"]}
        rows = list(
            TranscriptTurn.objects.filter(interview_id__in=interview_ids).values_list(
                "client_turn_id", "created_at"
            )
        )
        stored = {cid.removeprefix("rt:"): created.timestamp() * 1000 for cid, created in rows}
        missing = set(sent) - set(stored)
        unexpected = set(stored) - set(sent)
        in_window = {i: v for i, v in sent.items() if window_wall <= v[1] <= window_end}

        def delays(source: dict[str, float], speaker: str) -> list[float]:
            return [
                source[item] - at
                for item, (who, at) in in_window.items()
                if who == speaker and item in source
            ]

        usage_db = RealtimeCall.objects.filter(interview_id__in=interview_ids).aggregate(
            i=Sum("input_tokens"), o=Sum("output_tokens")
        )
        ended = (
            RealtimeCall.objects.filter(interview_id__in=interview_ids)
            .exclude(status=RealtimeCall.Status.LIVE)
            .count()
        )
        candidate_committed = delays(committed, "candidate")
        print(
            f"  supervisor CPU: {cpu_share * 100:.1f}% of one core over {wall1 - wall0:.0f} s"
            f" (user {user_share * 100:.1f}%, system {system_share * 100:.1f}%, "
            f"{ctx / (wall1 - wall0):.0f} context switches/s; event loop thread"
            f" {loop_share * 100:.1f}%, database thread {db_share * 100:.1f}%)"
        )
        print(
            f"  fake server CPU: {server['cpu_share'] * 100:.1f}% of one core over its life;"
            f" its turn start lag p99 {server['lag_p99_ms']:.0f} ms, max {server['lag_max_ms']:.0f} ms"
        )
        print(
            f"  delay, candidate ...completed sent -> turn committed:   {spread(candidate_committed)}"
        )
        print(
            f"  delay, candidate ...completed sent -> row created_at:   {spread(delays(stored, 'candidate'))}"
        )
        print(
            f"  delay, interviewer transcript .done -> turn committed: {spread(delays(committed, 'interviewer'))}"
        )
        print(
            f"  supervisor seen -> committed (turn_delays_ms, all turns): {spread(seen_committed)}"
        )
        print(
            f"  turns: sent {len(sent)}, stored {len(stored)}, missing {len(missing)},"
            f" unexpected {len(unexpected)}, rows {len(rows)} (unique per item by constraint)"
        )
        print(
            f"  usage tokens: sent in {fake_sent['usage']['input_tokens']} out {fake_sent['usage']['output_tokens']},"
            f" stored in {usage_db['i'] or 0} out {usage_db['o'] or 0}"
        )
        print(
            f"  sideband connections {server['connections']} for {calls} calls (reconnects"
            f" {server['connections'] - attached}), greetings {server['greetings']},"
            f" hang-ups {server['hangups']}, calls ended {ended}, still watched at the end {watching}"
        )
        window = [job for job in db_jobs if wall0 <= job[1] < wall1]
        for name in TIMED_DB_JOBS:
            jobs = [job for job in window if job[0] == name]
            if not jobs:
                continue
            took = [job[2] * 1000 for job in jobs]
            extra = ""
            if name == "records_write":
                extra = (
                    f", {sum(j[3] for j in jobs) / len(jobs):.1f} turns and"
                    f" {sum(j[4] for j in jobs) / len(jobs):.1f} usage rows per write"
                )
            print(
                f"  db thread {name}: {len(jobs)} jobs, busy {sum(took) / 10 / (wall1 - wall0):.1f}%"
                f" of the window, p50 {pct(took, 50):.1f} p99 {pct(took, 99):.1f} ms{extra}"
            )
        buckets = {}
        for item, (who, at) in in_window.items():
            if who == "candidate" and item in committed:
                buckets.setdefault(int((at - window_wall) // 10000), []).append(
                    committed[item] - at
                )
        print(
            "  candidate completed -> committed p50 per 10 s of the window: "
            + ", ".join(f"{pct(v, 50):.0f}" for _, v in sorted(buckets.items()))
            + " ms"
        )
        backlog = sum(1 for item in in_window if committed.get(item, math.inf) > window_end)
        print(
            f"  turns sent in the window {len(in_window)}, not yet committed when it ended {backlog}"
        )
        print(f"  supervisor log: {handler.counts or 'no warnings or errors'}")
        for line in handler.first:
            print(f"    {line}")
        if missing:
            print(f"    missing e.g. {sorted(missing)[:5]}")
        return {
            "calls": calls,
            "attached": attached,
            "cpu": cpu_share,
            "p99": pct(candidate_committed, 99),
            "lost": len(missing),
        }
    finally:
        if thread is not None:
            thread.stop()
        for name, original in originals.items():
            setattr(leases, name, original)
        logger.removeHandler(handler)
        logger.propagate = True
        RealtimeCall.objects.filter(status=RealtimeCall.Status.LIVE).update(
            status=RealtimeCall.Status.ENDED
        )
        fake.terminate()
        try:
            fake.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fake.kill()


def main() -> None:
    limit = fd_limit_raise()
    print(
        f"bench: database {DB_URL}, redis {REDIS_URL}, scales {SCALES}, {SECONDS:.0f} s each,"
        f" a turn every {TURN_SECONDS:.0f} s per call, open files limit {limit}"
    )
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    database_recreate()
    redis_flush()
    os.environ.update(child_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if CONNECTOR_LIMIT:
        connector_limit_patch()
    results = [run_scale(calls) for calls in SCALES]
    print("\nsummary:")
    for r in results:
        print(
            f"  {r['calls']:>5} calls: attached {r['attached']}, supervisor CPU {r['cpu'] * 100:.1f}%"
            f" of one core, p99 completed -> committed {r['p99']:.0f} ms, turns lost {r['lost']}"
        )
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end (fake server, PostgreSQL and the"
        " supervisor share the host)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fake-server"]:
        port, prefix, calls = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        fake_server(port, prefix, calls, TURN_SECONDS)
    else:
        main()
