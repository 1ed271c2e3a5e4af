"""Load benchmark: many live job interviews' control traffic against one small deployment.

Starts gunicorn (BENCH_GUNICORN, default the README's production line) on PostgreSQL + Redis, a
GA-shaped upstream (bench/supervisor.py's fake server: POST /v1/realtime/calls answers 201 with an
SDP answer and a Location, and serves each call's sideband with a turn every BENCH_TURN_SECONDS),
and `manage.py runsupervisor` holding every call's sideband (BENCH_SUPERVISOR=0: none). Then for
each scale (BENCH_SCALES, default 100,300,1000 interviews) each simulated interview does what the
room does on a supervised call, its start spread evenly over BENCH_SPREAD (30) s:
  POST /interviews (job), POST .../start, POST .../calls (the SDP offer), POST .../events (one
  batch: the connect stages; BENCH_CALL_EVENT=1 adds the call id, which the room sends only on the
  ek_ path), a transcript turn every 10 s (client events, ignored by the server while the
  supervisor records), and POST .../end at BENCH_DURATION (45) s. The client turns are the
  issue's traffic model, kept so figures compare with it; the room itself posts none on a
  supervised call (the supervisor records the transcript): BENCH_CLIENT_TURNS=0 leaves them out.
No Celery worker runs: an end's two tasks (the feedback and the hang-up) are published to Redis,
which is the web's share of them, and stay queued, so the upstream's "hangups" count stays near 0
(the supervisor lets go of an ended call at its next renewal).
It prints p50/p95/p99 per endpoint, errors, requests/s, the web's CPU per request (utime + stime
of the gunicorn master and workers from /proc, before and after) and the supervisor's CPU, with
the load average next to every figure. Loopback only, bounded, stops by itself.

    make bench-load       # or: .venv/bin/python bench/load.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vocahire_bench_load,
dropped and re-created), BENCH_REDIS_URL (default redis://127.0.0.1:6379/7, flushed),
BENCH_SCALES, BENCH_SPREAD, BENCH_DURATION, BENCH_TURN_SECONDS (10), BENCH_GUNICORN (the
gunicorn options, default the README's production line; DATABASE_POOL_MAX defaults to 8 and, like
any variable not named BENCH_*, passes through to the web), BENCH_SUPERVISOR (1), BENCH_WEB_PORT / BENCH_FAKE_PORT (8794 / 8795),
BENCH_CONNECTIONS (client connections to the web, default 512), BENCH_KEEPALIVE (seconds
the client keeps an idle connection, default 15: under the server's --keep-alive 20),
BENCH_AUTH (jwt: a Bearer token per interview; session: the room's own, a session cookie with
the CSRF cookie and header), BENCH_LOG_DIR (/tmp),
BENCH_PROFILE (1: run the workers under yappi, bench/gunicorn_profile.py, and print where their
CPU went; BENCH_PROFILE_LINES, default 30, functions by own time and by cumulative time).
Exits 1 when any request failed or a scale's p99 is over BENCH_P99_MS (100).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vocahire_bench_load"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "100,300,1000").split(",") if s.strip()]
SPREAD = float(os.environ.get("BENCH_SPREAD", "30"))
DURATION = float(os.environ.get("BENCH_DURATION", "45"))
TURN_EVERY = float(os.environ.get("BENCH_TURN_SECONDS", "10"))
PROFILE = os.environ.get("BENCH_PROFILE", "0") == "1"
# The README's production line (and DATABASE_POOL_MAX=8 below unless set).
GUNICORN = os.environ.get(
    "BENCH_GUNICORN", "--worker-class gthread --workers 2 --threads 8 --keep-alive 20"
)
SUPERVISOR = os.environ.get("BENCH_SUPERVISOR", "1") != "0"
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8794"))
FAKE_PORT = int(os.environ.get("BENCH_FAKE_PORT", "8795"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "512"))
# A browser keeps an idle socket for minutes; the client keeps it a little less than the
# server's --keep-alive, so it never sends on a socket the server is closing.
KEEPALIVE = float(os.environ.get("BENCH_KEEPALIVE", "15"))
# The room reports no call id on a supervised call (the server made it); the ek_ path did.
CALL_EVENT = os.environ.get("BENCH_CALL_EVENT", "0") == "1"
# The model posts a client turn every BENCH_TURN_SECONDS; the room does not (above).
CLIENT_TURNS = os.environ.get("BENCH_CLIENT_TURNS", "1") != "0"
# How each interview signs its requests: "jwt" (an API client's Bearer token, the model)
# or "session" (the room's own: the session cookie, with the CSRF cookie and header).
AUTH = os.environ.get("BENCH_AUTH", "jwt")
if AUTH not in ("jwt", "session"):
    raise SystemExit(f"BENCH_AUTH is jwt or session, not {AUTH!r}")
P99_LIMIT_MS = float(os.environ.get("BENCH_P99_MS", "100"))
WARM_UP = 40  # interviews run untimed before the first scale
LOG_DIR = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))
WEB = f"http://127.0.0.1:{WEB_PORT}"
FAKE = f"http://127.0.0.1:{FAKE_PORT}"

# The helpers of the other benchmarks read their settings at import: point them at ours first.
os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ["BENCH_REDIS_URL"] = REDIS_URL
os.environ["BENCH_FAKE_PORT"] = str(FAKE_PORT)
os.environ["BENCH_TURN_SECONDS"] = str(TURN_EVERY)
sys.path.insert(0, str(ROOT / "bench"))
import mint  # noqa: E402 - bench/mint.py: database, Redis and readiness helpers
import supervisor as sideband  # noqa: E402 - bench/supervisor.py: the fake upstream

CALL_PREFIX = "rtc_load"
OFFER_SDP = (
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "a=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
    "a=fingerprint:sha-256 " + ":".join(["AB"] * 32) + "\r\na=setup:actpass\r\na=mid:0\r\n"
    "a=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
)
STAGES = ("requesting_mic", "testing_api", "fetching_token", "creating_offer", "exchanging_sdp")
STAGES += ("connecting_webrtc", "data_channel_open", "active")
ENDPOINTS = ("create", "start", "calls", "events stages", "events turn", "end")


def child_env() -> dict[str, str]:
    """The web's and the supervisor's environment: the fake upstream, its key, no feedback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    env.setdefault("DATABASE_POOL_MAX", "8")
    if PROFILE:
        env["VOCAHIRE_PROFILE_DIR"] = str(LOG_DIR)  # where bench/gunicorn_profile.py saves
    env.update(
        DJANGO_SETTINGS_MODULE="vocahire.settings",
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,  # tasks are queued (no worker runs), as in production
        CELERY_TASK_ALWAYS_EAGER="0",
        OPENAI_API_KEY=sideband.API_KEY,
        REALTIME_BASE_URL=f"{FAKE}/v1",
        OPENAI_BASE_URL=f"{FAKE}/v1",  # nothing may reach api.openai.com
        FEEDBACK_PROVIDER="none",
        LOG_LEVEL="WARNING",
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def start(name: str, args: list[str]) -> subprocess.Popen:
    log = open(LOG_DIR / f"vocahire-bench-load-{name}.log", "w")  # noqa: SIM115 - closed with it
    return subprocess.Popen(args, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)


def process_tree_cpu(root_pid: int) -> float:
    """utime + stime in seconds of a process and its live children (gunicorn master, workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def auth_headers(user: object, origin: str) -> dict[str, str]:
    """The headers one user's requests carry (BENCH_AUTH): a Bearer access token, or what the
    room sends, a signed-in session's cookie with the CSRF cookie and header and the page's
    Origin (a browser sends it on every POST). Needs Django set up."""
    if AUTH == "jwt":
        from rest_framework_simplejwt.tokens import AccessToken

        return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    from importlib import import_module

    from allauth.account.auth_backends import AuthenticationBackend
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)  # as django.contrib.auth.login() leaves it
    # The backend allauth's sign-in records: the first that is (or extends) allauth's own.
    session[BACKEND_SESSION_KEY] = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), AuthenticationBackend)
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = get_random_string(32)  # a CSRF secret, as the csrftoken cookie holds it
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Origin": origin,
    }


def users_create(count: int) -> list[dict[str, str]]:
    """Users with credits for every scale; the headers each one's requests carry."""
    os.environ.update(child_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from billing import services as billing
    from billing.models import LedgerEntry

    password = make_password(None)
    users = User.objects.bulk_create(
        [User(email=f"load{i}@example.com", password=password) for i in range(count)],
        batch_size=500,
    )
    for user in users:
        billing.credits_grant(
            user_id=user.pk,
            amount=len(SCALES) + 2,  # one interview per scale, and the warm-up
            kind=LedgerEntry.Kind.STAFF_GRANT,
            idempotency_key=f"load:{user.pk}",
        )
    return [auth_headers(user, WEB) for user in users]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e in ENDPOINTS})
    errors: dict[str, int] = field(default_factory=lambda: {e: 0 for e in ENDPOINTS})
    first_errors: list[str] = field(default_factory=list)

    def record(self, endpoint: str, started: float, ok: bool, detail: str = "") -> None:
        self.latencies[endpoint].append((time.perf_counter() - started) * 1000)
        if not ok:
            self.errors[endpoint] += 1
            if len(self.first_errors) < 8:
                self.first_errors.append(f"{endpoint}: {detail[:200]}")


async def interview(
    http: object, auth: dict[str, str], delay: float, stats: Stats, duration: float = DURATION
) -> None:
    """One job interview's control traffic, as the room sends it on a supervised call."""
    import aiohttp

    await asyncio.sleep(delay)
    begun = time.monotonic()

    async def send(endpoint: str, method: str, path: str, want: int, **kw: object) -> object:
        started = time.perf_counter()
        kw["headers"] = {**auth, **kw.get("headers", {})}
        try:
            async with http.request(method, f"{WEB}/api/v1{path}", **kw) as r:
                body = await r.read()
                stats.record(endpoint, started, r.status == want, f"{r.status} {body[:160]!r}")
                return (r, body) if r.status == want else None
        except (aiohttp.ClientError, TimeoutError) as exc:
            stats.record(endpoint, started, False, repr(exc))
            return None

    created = await send("create", "POST", "/interviews", 201, json={"kind": "job", "job_title": "Data analyst"})  # fmt: skip
    if created is None:
        return
    import json

    pk = json.loads(created[1])["id"]
    if await send("start", "POST", f"/interviews/{pk}/start", 200) is None:
        return
    call = await send(
        "calls", "POST", f"/interviews/{pk}/calls", 201,
        data=OFFER_SDP.encode(), headers={"Content-Type": "application/sdp"},
    )  # fmt: skip
    attempt = uuid.uuid4().hex[:12]
    events: list[dict] = [
        {"type": "stage", "attempt": attempt, "stage": s, "elapsed_ms": 40 * n}
        for n, s in enumerate(STAGES)
    ]
    if call is not None and CALL_EVENT:
        events.append({"type": "call", "call_id": call[0].headers["Location"].rsplit("/", 1)[-1]})
    await send("events stages", "POST", f"/interviews/{pk}/events", 200, json={"events": events})
    for n in range(1, int(duration // TURN_EVERY) + 1 if CLIENT_TURNS else 1):
        await asyncio.sleep(max(0.0, begun + n * TURN_EVERY - time.monotonic()))
        turn = {"type": "turn", "id": f"t{n}", "speaker": "candidate", "start_ms": n * 10_000}
        turn.update(text="I would start with revenue and costs, then the customer mix.")
        await send("events turn", "POST", f"/interviews/{pk}/events", 200, json={"events": [turn]})
    await asyncio.sleep(max(0.0, begun + duration - time.monotonic()))
    await send("end", "POST", f"/interviews/{pk}/end", 200)


async def scale_run(
    auths: list[dict[str, str]], count: int, spread: float = SPREAD, duration: float = DURATION
) -> tuple[Stats, float]:
    import aiohttp

    stats = Stats()
    connector = aiohttp.TCPConnector(limit=CONNECTIONS, keepalive_timeout=KEEPALIVE)
    timeout = aiohttp.ClientTimeout(total=60)
    # Each interview's own headers carry its cookies: none kept from a response for another.
    jar = aiohttp.DummyCookieJar()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=jar) as http:
        started = time.monotonic()
        await asyncio.gather(
            *(interview(http, auths[i], spread * i / count, stats, duration) for i in range(count))
        )
    return stats, time.monotonic() - started


def supervised_turns() -> int:
    """Turns the supervisor wrote from the sidebands (the interviews are supervised calls)."""
    from interviews.models import TranscriptTurn

    return TranscriptTurn.objects.filter(origin=TranscriptTurn.Origin.SERVER).count()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f}"


def report(count: int, stats: Stats, wall: float, web_cpu: float, sup_cpu: float | None) -> bool:
    requests = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values())
    every = sorted(x for v in stats.latencies.values() for x in v)
    print(f"\n{count} interviews: {requests} requests in {wall:.0f} s ({requests / wall:.0f}/s)")
    print(f"  {'endpoint':<15}{'n':>6}{'err':>5}{'p50':>8}{'p95':>8}{'p99':>8}  ms")
    for endpoint in ENDPOINTS:
        values = stats.latencies[endpoint]
        if not values and not stats.errors[endpoint]:
            continue  # not sent in this model (BENCH_CLIENT_TURNS=0)
        print(
            f"  {endpoint:<15}{len(values):>6}{stats.errors[endpoint]:>5}"
            f"{sideband.pct(values, 50):>8.1f}{sideband.pct(values, 95):>8.1f}"
            f"{sideband.pct(values, 99):>8.1f}"
        )
    p99 = sideband.pct(every, 99)
    print(
        f"  {'all':<15}{requests:>6}{errors:>5}{sideband.pct(every, 50):>8.1f}"
        f"{sideband.pct(every, 95):>8.1f}{p99:>8.1f}"
    )
    print(
        f"  web CPU {web_cpu:.1f} s: {web_cpu / max(requests, 1) * 1000:.2f} ms per request"
        f" ({web_cpu / wall * 100:.0f}% of one core)"
        + (f"; supervisor CPU {sup_cpu / wall * 100:.0f}% of one core" if sup_cpu else "")
        + f"; {load()}"
    )
    for line in stats.first_errors:
        print(f"  error: {line}")
    return errors == 0 and p99 < P99_LIMIT_MS


def main() -> None:
    limit = sideband.fd_limit_raise()
    print(f"bench: database {DB_URL}, redis {REDIS_URL}, scales {SCALES}, gunicorn {GUNICORN}")
    print(
        f"  each interview {DURATION:.0f} s, starts spread over {SPREAD:.0f} s, a turn every"
        f" {TURN_EVERY:.0f} s (client turns {'on' if CLIENT_TURNS else 'off'}), supervisor"
        f" {'on' if SUPERVISOR else 'off'}, {AUTH} auth, open files {limit}"
    )
    print(f"host: {os.cpu_count()} CPUs, {load()} at start")
    mint.database_recreate()
    mint.redis_flush()
    auths = users_create(max(SCALES))
    processes: list[subprocess.Popen] = []
    try:
        args = [sys.executable, sideband.__file__, "--fake-server", str(FAKE_PORT), CALL_PREFIX]
        processes.append(start("upstream", [*args, str(10**9)]))
        gunicorn = [sys.executable, "-m", "gunicorn", "vocahire.wsgi:application"]
        gunicorn += [*shlex.split(GUNICORN), "--bind", f"127.0.0.1:{WEB_PORT}"]
        if PROFILE:
            for stale in LOG_DIR.glob("yappi.*.pstat"):
                stale.unlink()
            gunicorn += ["--config", str(ROOT / "bench" / "gunicorn_profile.py")]
        web = start("web", [*gunicorn, "--log-level", "warning", "--backlog", "2048"])
        processes.append(web)
        sup = None
        if SUPERVISOR:
            sup = start("supervisor", [sys.executable, "manage.py", "runsupervisor"])
            processes.append(sup)
        import httpx

        mint.wait_until(lambda: httpx.get(f"{WEB}/healthz", timeout=2).status_code == 200, "web")
        mint.wait_until(lambda: httpx.get(f"{FAKE}/_bench/stats", timeout=2).is_success, "fake")
        # Warm-up, not counted: every worker imports and connects on its first requests.
        warm = min(WARM_UP, len(auths))
        asyncio.run(scale_run(auths[-warm:], warm, spread=2.0, duration=TURN_EVERY + 1))
        passed = True
        for count in SCALES:
            web_cpu, sup_cpu = process_tree_cpu(web.pid), sup and process_tree_cpu(sup.pid)
            stats, wall = asyncio.run(scale_run(auths, count))
            web_cpu = process_tree_cpu(web.pid) - web_cpu
            sup_cpu = sup and process_tree_cpu(sup.pid) - sup_cpu
            passed = report(count, stats, wall, web_cpu, sup_cpu) and passed
            time.sleep(3)  # let the supervisor notice the ended calls
        upstream = sideband.fake_get("/_bench/stats")
        print(f"\nupstream: {upstream}")
        print(f"supervisor: {supervised_turns()} turns stored of {upstream['turns_sent']} sent")
        print(f"{load()} at the end (client, web, supervisor, upstream and databases share it)")
        if not passed:
            raise SystemExit(f"failed: errors, or a p99 over {P99_LIMIT_MS:.0f} ms")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if PROFILE:
            profile_print()


def profile_print() -> None:
    """Where the workers' CPU went (yappi's CPU clock, all threads, saved as each worker exits)."""
    import pstats

    files = sorted(LOG_DIR.glob("yappi.*.pstat"))
    if not files:
        print("profile: no worker saved its profile (was a worker killed?)")
        return
    stats = pstats.Stats(str(files[0]), stream=sys.stdout)
    for other in files[1:]:
        stats.add(str(other))
    lines = int(os.environ.get("BENCH_PROFILE_LINES", "30"))
    print(
        f"\nprofile of {len(files)} workers (yappi CPU clock; profiling slows them several times)"
    )
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)


if __name__ == "__main__":
    main()
