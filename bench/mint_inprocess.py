"""In-process minting cost: the server's own time per mint, without sockets or the upstream.

Runs the real URL through Django's test client (middleware, DRF, auth, throttle, breaker, the
database) against PostgreSQL + Redis, with the upstream answered at once by respx, and prints
p50/p95 per endpoint and the queries per request. Use it to measure a change to the hot path.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/mint_inprocess.py
The database must be migrated; it gets a few bench users and interviews (BENCH_ROUNDS, default
500, requests per endpoint). Add --profile to print the most expensive functions
(BENCH_PROFILE_SORT, default cumulative; BENCH_PROFILE_LINES, default 25).
"""

from __future__ import annotations

import cProfile
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
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocahire.settings")
os.environ["REALTIME_MINT_RATE"] = "1000000/min"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "500"))


def _fixtures() -> tuple[str, str, str]:
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import Profile, User
    from billing import services as billing
    from billing.models import LedgerEntry, Plan, Subscription
    from interviews import services as lifecycle
    from interviews.models import Case, CaseQuestion

    tag = uuid.uuid4().hex[:8]
    case = Case.objects.create(
        title=f"Bench {tag}", slug=f"bench-{tag}", case_type="profitability",
        lead_type="interviewer_led", difficulty="medium", industry="Retail", summary="Profits fell.",
        prompt="Our client, a coffee chain, saw profits fall 20% last year. " * 10, published=True,
    )  # fmt: skip
    for number in (1, 2, 3):
        CaseQuestion.objects.create(
            case=case, number=number, kind="framework", prompt="How would you approach it?",
            evaluator_context="Revenue and costs.",
        )  # fmt: skip
    user = User.objects.create_user(f"bench-{tag}@example.com", None)
    Profile.objects.create(user=user, display_name="Bench")
    plan, _ = Plan.objects.get_or_create(slug="bench", defaults={"name": "B", "price_cents": 1})
    Subscription.objects.create(
        user=user, plan=plan, status="active", current_period_end=timezone.now() + timedelta(days=9)
    )
    billing.credits_grant(
        user_id=user.pk, amount=5, kind=LedgerEntry.Kind.STAFF_GRANT, idempotency_key=f"b:{tag}"
    )
    started = lifecycle.interview_start(
        interview=lifecycle.interview_create(owner=user, kind="case", case=case), actor=user
    )
    job = lifecycle.interview_create(owner=user, kind="job", job_title="Data analyst")
    return str(AccessToken.for_user(user)), str(started.pk), str(job.pk)


def _queries_of(send: Callable[[], object], connection: object) -> list[str]:
    queries: list[str] = []

    def record(run: Callable, sql: str, *args: object) -> object:
        queries.append(sql)
        return run(sql, *args)

    with connection.execute_wrapper(record):
        send()
    return queries


def main() -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("vocahire.realtime.mint").setLevel(logging.WARNING)  # one line per mint
    import httpx
    import respx
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    token, case_pk, job_pk = _fixtures()
    secret = json.loads((ROOT / "tests/data/openai/client_secret_created.json").read_text())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    targets = {
        "token (case)": lambda: client.get(f"/api/v1/interviews/{case_pk}/questions/1/token"),
        "realtime-session": lambda: client.post(f"/api/v1/interviews/{job_pk}/realtime-session"),
    }
    base = settings.REALTIME_BASE_URL.rstrip("/")
    profile = cProfile.Profile() if "--profile" in sys.argv else None
    with respx.mock(assert_all_mocked=True) as router:
        router.post(f"{base}/realtime/client_secrets").mock(
            return_value=httpx.Response(200, json=secret)
        )
        for name, send in targets.items():
            assert send().status_code == 200  # the job's first (charging) mint, untimed
            queries = _queries_of(send, connection)
            times, cpu = [], []
            for _ in range(ROUNDS):
                started, cpu_started = time.perf_counter(), time.thread_time()
                if profile:
                    profile.enable()
                response = send()
                if profile:
                    profile.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - cpu_started) * 1000)
                assert response.status_code == 200, response.content
            times.sort()
            print(
                f"{name:<18} p50 {statistics.median(times):6.2f} ms  "
                f"p95 {times[int(len(times) * 0.95)]:6.2f} ms  cpu p50 {statistics.median(cpu):6.2f} ms  "
                f"queries {len(queries)}"
            )
    if profile:
        pstats.Stats(profile).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(int(os.environ.get("BENCH_PROFILE_LINES", "25")))


if __name__ == "__main__":
    main()
