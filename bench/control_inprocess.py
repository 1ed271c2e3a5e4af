"""In-process control traffic: the server's own CPU per request of each endpoint load.py drives.

Each simulated interview does what bench/load.py's does (create, start, calls with the SDP offer,
one events batch of stage timings, BENCH_TURNS transcript turns, end), through the real WSGI
application (every middleware, DRF, JWT, throttles, breaker, PostgreSQL, Redis, the Celery
publish on end) with no sockets, and the upstream's POST /realtime/calls answered at once by
respx. Prints per endpoint the CPU (thread time) p50 and mean, the wall p50 and the queries of
one request, and the mean CPU over the whole mix: the figure load.py's "ms per request" is, less
gunicorn's own share. Use it to measure a change to the hot path before running load.py.

    make bench-control     # or: .venv/bin/python bench/control_inprocess.py [--profile]
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vocahire_bench_control,
dropped, re-created and migrated), BENCH_REDIS_URL (redis://127.0.0.1:6379/6, flushed),
BENCH_INTERVIEWS (300), BENCH_TURNS (4), BENCH_AUTH (load.py's: jwt or session), BENCH_POOL (0: Django's persistent connection; N: the
production line's psycopg pool of N), BENCH_SQL (1: print each endpoint's statements once).
--profile: cProfile on the thread's CPU clock over the timed requests (BENCH_PROFILE_ENDPOINT:
one endpoint's), the BENCH_PROFILE_LINES (30) most expensive functions by BENCH_PROFILE_SORT
(tottime). The first interviews warm the process up untimed; each endpoint's first timed-phase
request is the one whose statements are counted, and is not timed.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vocahire_bench_control"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
INTERVIEWS = int(os.environ.get("BENCH_INTERVIEWS", "300"))
TURNS = int(os.environ.get("BENCH_TURNS", "4"))
PROFILED = os.environ.get("BENCH_PROFILE_ENDPOINT", "")  # --profile only this endpoint
SQL = os.environ.get("BENCH_SQL", "0") == "1"  # print the statements of one request each
WARM_UP = 20
FAKE_BASE = "http://127.0.0.1:9/v1"  # never reached: respx answers

os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ["BENCH_REDIS_URL"] = REDIS_URL
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import mint  # noqa: E402 - bench/mint.py: database and Redis helpers
from load import AUTH, ENDPOINTS, OFFER_SDP, STAGES, auth_headers  # noqa: E402 - load.py's traffic

ANSWER_SDP = (
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
)


def environment() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="vocahire.settings",
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        CELERY_BROKER_URL=REDIS_URL,  # tasks are queued (no worker runs), as in production
        CELERY_TASK_ALWAYS_EAGER="0",
        OPENAI_API_KEY="sk-bench-control",
        REALTIME_BASE_URL=FAKE_BASE,
        OPENAI_BASE_URL=FAKE_BASE,
        FEEDBACK_PROVIDER="none",
        LOG_LEVEL="WARNING",
        DEBUG="0",
    )
    # BENCH_POOL=N: a psycopg pool of N, as the README's production line (default: none, Django's
    # own persistent connection).
    os.environ["DATABASE_POOL_MAX"] = os.environ.get("BENCH_POOL", "0")


class Wsgi:
    """Requests straight into the WSGI application, as gunicorn hands them over."""

    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(
        self,
        method: str,
        path: str,
        auth: dict[str, str],
        body: bytes = b"",
        content_type: str = "",
    ) -> tuple[int, dict[str, str], bytes]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_ACCEPT": "*/*",
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": content_type,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{f"HTTP_{name.upper().replace('-', '_')}": value for name, value in auth.items()},
        }
        answer: dict = {}

        def start_response(status: str, headers: list, exc_info: object = None) -> None:
            answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

        result = self.application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], content


def users_create(count: int) -> list[dict[str, str]]:
    from accounts.models import Profile, User
    from billing import services as billing
    from billing.models import LedgerEntry

    auths = []
    for n in range(count):
        user = User.objects.create_user(f"control-{n}@example.com", None)
        Profile.objects.create(user=user, display_name=f"Control {n}")
        billing.credits_grant(
            user_id=user.pk, amount=5, kind=LedgerEntry.Kind.STAFF_GRANT, idempotency_key=f"c:{n}"
        )
        auths.append(auth_headers(user, "http://127.0.0.1:8000"))
    return auths


def interview(send: Callable, auth: dict[str, str], timed: Callable) -> None:
    """One interview's requests in load.py's order; `timed` measures and checks each."""
    body = json.dumps({"kind": "job", "job_title": "Data analyst"}).encode()
    created = timed("create", 201, lambda: send("POST", "/api/v1/interviews", auth, body, "application/json"))  # fmt: skip
    pk = json.loads(created)["id"]
    timed("start", 200, lambda: send("POST", f"/api/v1/interviews/{pk}/start", auth))
    timed(
        "calls", 201,
        lambda: send("POST", f"/api/v1/interviews/{pk}/calls", auth, OFFER_SDP.encode(), "application/sdp"),  # fmt: skip
    )  # fmt: skip
    attempt = uuid.uuid4().hex[:12]
    stages = [
        {"type": "stage", "attempt": attempt, "stage": s, "elapsed_ms": 40 * n}
        for n, s in enumerate(STAGES)
    ]
    events = f"/api/v1/interviews/{pk}/events"
    body = json.dumps({"events": stages}).encode()
    timed("events stages", 200, lambda: send("POST", events, auth, body, "application/json"))
    for n in range(1, TURNS + 1):
        turn = {"type": "turn", "id": f"t{n}", "speaker": "candidate", "start_ms": n * 10_000}
        turn.update(text="I would start with revenue and costs, then the customer mix.")
        body = json.dumps({"events": [turn]}).encode()
        timed("events turn", 200, lambda: send("POST", events, auth, body, "application/json"))  # noqa: B023 - called at once
    timed("end", 200, lambda: send("POST", f"/api/v1/interviews/{pk}/end", auth))


def main() -> None:
    environment()
    mint.database_recreate()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import httpx
    import respx
    from django.db import connection

    from vocahire.wsgi import application

    send = Wsgi(application)
    auths = users_create(INTERVIEWS + WARM_UP)
    # Creating a user leaves the API user cache's tombstone for a minute (accounts/tokens.py):
    # the candidates of a live deployment signed up long before, so Redis starts empty here.
    mint.redis_flush()
    cpu: dict[str, list[float]] = {e: [] for e in ENDPOINTS}
    wall: dict[str, list[float]] = {e: [] for e in ENDPOINTS}
    queries: dict[str, int] = {}
    profile = cProfile.Profile(time.thread_time) if "--profile" in sys.argv else None
    timing = False  # the warm-up's interviews are not measured

    def timed(endpoint: str, want: int, request: Callable) -> bytes:
        if not timing:
            status, _, content = request()
        elif endpoint not in queries:
            seen: list[str] = []

            def record(run: Callable, sql: str, *args: object) -> object:
                seen.append(sql)
                return run(sql, *args)

            with connection.execute_wrapper(record):
                status, _, content = request()
            queries[endpoint] = len(seen)
            if SQL:
                print(f"{endpoint}:", *(f"  {q[:220]}" for q in seen), sep="\n")
        else:
            started, cpu_started = time.perf_counter(), time.thread_time()
            profiled = profile is not None and PROFILED in ("", endpoint)
            if profiled:
                profile.enable()
            status, _, content = request()
            if profiled:
                profile.disable()
            cpu[endpoint].append((time.thread_time() - cpu_started) * 1000)
            wall[endpoint].append((time.perf_counter() - started) * 1000)
        if status != want:
            raise SystemExit(f"{endpoint}: {status} {content[:300]!r}")
        return content

    created = httpx.Response(
        201,
        text=ANSWER_SDP,
        headers={"Content-Type": "application/sdp", "Location": "/v1/realtime/calls/rtc_bench"},
    )
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        router.post(f"{FAKE_BASE}/realtime/calls").mock(return_value=created)
        router.post(url__regex=r"/realtime/calls/rtc_\w+/hangup").mock(
            return_value=httpx.Response(200)
        )
        for auth in auths[:WARM_UP]:
            interview(send, auth, timed)
        timing = True
        for auth in auths[WARM_UP:]:
            interview(send, auth, timed)
    print(
        f"{INTERVIEWS} interviews in-process on {connection.vendor}, {TURNS} turns each,"
        f" {AUTH} auth"
    )
    print(f"  {'endpoint':<15}{'n':>6}{'cpu p50':>9}{'cpu mean':>10}{'wall p50':>10}{'queries':>9}")
    for endpoint in ENDPOINTS:
        print(
            f"  {endpoint:<15}{len(cpu[endpoint]):>6}{statistics.median(cpu[endpoint]):>9.2f}"
            f"{statistics.mean(cpu[endpoint]):>10.2f}{statistics.median(wall[endpoint]):>10.2f}"
            f"{queries[endpoint]:>9}"
        )
    every = [x for values in cpu.values() for x in values]
    print(f"  all requests {len(every)}: CPU mean {statistics.mean(every):.2f} ms per request")
    if profile:
        pstats.Stats(profile).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "tottime")
        ).print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "30")))


if __name__ == "__main__":
    main()
