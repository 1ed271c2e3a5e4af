"""Minting benchmark: what our server adds on top of the upstream's own minting time.

Starts the local realtime engine and gunicorn (4 sync workers) on PostgreSQL + Redis, creates
users with live interviews, then at concurrency 1, 8 and 32 measures requests/s and p50/p95/p99 of
  (a) minting straight against the engine (POST /v1/realtime/client_secrets), and
  (b) our endpoints: the case token (GET .../questions/1/token) and the job reconnect
      (POST .../realtime-session),
and prints a table and the server overhead (b minus a). Loopback only, bounded, stops by itself.

    make bench            # or: .venv/bin/python bench/mint.py
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/vocahire_bench, dropped
and re-created), BENCH_REDIS_URL (default redis://127.0.0.1:6379/3, flushed), BENCH_REQUESTS
(per target and level, default 400), BENCH_WEB_PORT / BENCH_ENGINE_PORT (8791 / 8792).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vocahire_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8791"))
ENGINE_PORT = int(os.environ.get("BENCH_ENGINE_PORT", "8792"))
WORKERS = 4
LEVELS = (1, 8, 32)
WEB = f"http://127.0.0.1:{WEB_PORT}"
ENGINE = f"http://127.0.0.1:{ENGINE_PORT}/v1"
LOG_DIR = Path(os.environ.get("BENCH_LOG_DIR", "/tmp"))


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="vocahire.settings",
        DATABASE_URL=DB_URL,
        REDIS_URL=REDIS_URL,
        REALTIME_BASE_URL=ENGINE,
        # The benchmark measures minting, not the per-user throttle.
        REALTIME_MINT_RATE="1000000/min",
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


def start(name: str, args: list[str]) -> subprocess.Popen:
    log = open(LOG_DIR / f"vocahire-bench-{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(args, cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT)


def wait_until(ready: Callable[[], bool], what: str, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not become ready within {timeout:.0f} s (see {LOG_DIR}).")


@dataclass
class Fixtures:
    engine_key: str
    session_body: dict
    case_urls: list[str]  # one per user: GET token for question 1
    job_urls: list[str]  # one per user: POST realtime-session (already minted once: reconnects)
    tokens: list[str]  # JWT access tokens, same order


def fixtures_create(users: int) -> Fixtures:
    """Users with a subscription, a started case interview and a live job interview."""
    os.environ.update(child_env())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import Profile, User
    from billing import services as billing
    from billing.models import LedgerEntry, Plan, Subscription
    from interviews import services as lifecycle
    from interviews.models import Case, CaseQuestion
    from realtime.services import realtime_session_config

    case = Case.objects.create(
        title="Bench coffee chain",
        slug="bench-coffee-chain",
        case_type="profitability",
        lead_type="interviewer_led",
        difficulty="medium",
        industry="Retail",
        summary="Profits fell.",
        prompt="Our client, a coffee chain, saw profits fall 20% last year. " * 10,
        published=True,
    )
    for number in (1, 2, 3):
        CaseQuestion.objects.create(
            case=case,
            number=number,
            kind="framework",
            prompt="How would you approach it?",
            evaluator_context="Revenue and costs.",
        )
    plan = Plan.objects.create(name="Bench", slug="bench", price_cents=100)
    fixtures = Fixtures(settings.OPENAI_API_KEY, {}, [], [], [])
    for i in range(users):
        user = User.objects.create_user(f"bench{i}@example.com", None)
        Profile.objects.create(user=user, display_name=f"Bench {i}")
        Subscription.objects.create(
            user=user,
            plan=plan,
            status="active",
            current_period_end=timezone.now() + timedelta(days=30),
        )
        billing.credits_grant(
            user_id=user.pk,
            amount=5,
            kind=LedgerEntry.Kind.STAFF_GRANT,
            idempotency_key=f"bench:{user.pk}",
        )
        case_interview = lifecycle.interview_start(
            interview=lifecycle.interview_create(owner=user, kind="case", case=case), actor=user
        )
        job = lifecycle.interview_create(owner=user, kind="job", job_title="Data analyst")
        fixtures.case_urls.append(f"{WEB}/api/v1/interviews/{case_interview.pk}/questions/1/token")
        fixtures.job_urls.append(f"{WEB}/api/v1/interviews/{job.pk}/realtime-session")
        fixtures.tokens.append(str(AccessToken.for_user(user)))
    instructions = case_interview.instructions_snapshot["1"]
    fixtures.session_body = {
        "expires_after": {"anchor": "created_at", "seconds": 3600},
        "session": realtime_session_config(instructions=instructions, thinking_time="normal"),
    }
    return fixtures


@dataclass
class Result:
    target: str
    concurrency: int
    latencies_ms: list[float]
    errors: int
    wall_s: float

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else 0.0


RequestFn = Callable[[httpx.Client, int], httpx.Response]


def run_level(target: str, concurrency: int, send: RequestFn) -> Result:
    per_thread = math.ceil(REQUESTS / concurrency)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(concurrency + 1)

    def worker(slot: int) -> None:
        with httpx.Client(timeout=30) as client:
            try:
                send(client, slot)  # warm the connection (and the first, charging mint) untimed
            except httpx.HTTPError:
                pass
            barrier.wait(timeout=120)
            for _ in range(per_thread):
                started = time.perf_counter()
                try:
                    ok = send(client, slot).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors[0] += 1

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=300)
    return Result(target, concurrency, latencies, errors[0], time.perf_counter() - started)


def senders(fx: Fixtures) -> dict[str, RequestFn]:
    engine_headers = {"Authorization": f"Bearer {fx.engine_key}"}

    def engine(client: httpx.Client, slot: int) -> httpx.Response:
        return client.post(
            f"{ENGINE}/realtime/client_secrets", json=fx.session_body, headers=engine_headers
        )

    def token(client: httpx.Client, slot: int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {fx.tokens[slot]}"}
        return client.get(fx.case_urls[slot], headers=headers)

    def session(client: httpx.Client, slot: int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {fx.tokens[slot]}"}
        return client.post(fx.job_urls[slot], headers=headers)

    return {"a engine direct": engine, "b token (case)": token, "b realtime-session": session}


def report(results: list[Result]) -> None:
    print()
    print(
        f"{'target':<22}{'conc':>5}{'ok':>6}{'err':>5}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}  ms"
    )
    for r in results:
        print(
            f"{r.target:<22}{r.concurrency:>5}{len(r.latencies_ms):>6}{r.errors:>5}{r.rps:>9.0f}"
            f"{r.pct(50):>8.1f}{r.pct(95):>8.1f}{r.pct(99):>8.1f}"
        )
    print("\nserver overhead (b minus a), ms:")
    by_key = {(r.target, r.concurrency): r for r in results}
    for level in LEVELS:
        base = by_key[("a engine direct", level)]
        for target in ("b token (case)", "b realtime-session"):
            ours = by_key[(target, level)]
            print(
                f"  c={level:<3} {target:<20} p50 {ours.pct(50) - base.pct(50):+7.1f}"
                f"  p95 {ours.pct(95) - base.pct(95):+7.1f}  p99 {ours.pct(99) - base.pct(99):+7.1f}"
            )


def main() -> None:
    print(f"bench: database {DB_URL}, redis {REDIS_URL}, {REQUESTS} requests per cell")
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    database_recreate()
    redis_flush()
    processes = []
    try:
        engine = start(
            "engine", [sys.executable, "manage.py", "runrealtime", "--port", str(ENGINE_PORT)]
        )
        processes.append(engine)
        web = start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "vocahire.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--log-level",
                "warning",
            ],
        )
        processes.append(web)
        fx = fixtures_create(max(LEVELS))
        wait_until(lambda: httpx.get(f"{WEB}/healthz", timeout=2).status_code == 200, "gunicorn")
        wait_until(
            lambda: (
                httpx.post(
                    f"{ENGINE}/realtime/client_secrets",
                    json=fx.session_body,
                    headers={"Authorization": f"Bearer {fx.engine_key}"},
                    timeout=2,
                ).status_code
                == 200
            ),
            "engine",
        )
        results = []
        for level in LEVELS:
            for target, send in senders(fx).items():
                results.append(run_level(target, level, send))
                print(f"  done: {target} c={level}", flush=True)
        report(results)
        print(
            f"load average {os.getloadavg()[0]:.1f} at the end (client, server and engine share the host)"
        )
        if any(r.errors for r in results):
            raise SystemExit("some requests failed: see the err column")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
