"""Money around minting: a job interview is charged once, a failed first mint is refunded in the
same request, reconnects are free, the ledger audits clean, and the secret is never kept."""

from __future__ import annotations

import json
import logging
import threading
from io import StringIO

import httpx
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from billing import services as billing
from billing.models import LedgerEntry
from interviews import services as lifecycle
from interviews.models import Interview
from realtime.models import RealtimeSession
from tests.factories import job_interview_draft, jwt_client
from tests.payloads import CLIENT_SECRET as SECRET
from tests.payloads import openai_json, session_url, upstream_error
from vocahire.lib.breaker import mint_breaker

pytestmark = pytest.mark.usefixtures("realtime_settings")

OK = httpx.Response(200, json=openai_json("client_secret_created.json"))


def _ledger(user) -> list[tuple[str, int]]:
    return list(
        LedgerEntry.objects.filter(user=user)
        .exclude(kind=LedgerEntry.Kind.STAFF_GRANT)
        .order_by("id")
        .values_list("kind", "delta")
    )


def _audit_passes() -> bool:
    out = StringIO()
    call_command("billing_audit", stdout=out)
    return out.getvalue().startswith("OK")


def test_failed_first_mint_refunds_then_a_retry_charges_once_and_reconnects_are_free(
    candidate, upstream
):
    route = upstream.post("/realtime/client_secrets").mock(
        return_value=upstream_error(500, "error_server.json")
    )
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)

    failed = client.post(session_url(interview))

    assert failed.status_code == 502
    assert failed.json()["code"] == "upstream_error"
    assert failed.json()["detail"].endswith("No credits were used.")
    assert "upstream;dur=" in failed["Server-Timing"]
    assert billing.credits_balance(user_id=candidate.pk) == 3
    interview.refresh_from_db()
    assert (interview.status, interview.first_minted_at) == (Interview.Status.DRAFT, None)
    assert _ledger(candidate) == [("interview_debit", -1), ("refund", 1)]

    route.mock(return_value=OK)
    assert client.post(session_url(interview)).status_code == 200
    assert client.post(session_url(interview)).status_code == 200  # reconnect

    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert _ledger(candidate) == [("interview_debit", -1), ("refund", 1), ("interview_debit", -1)]
    interview.refresh_from_db()
    assert interview.status == Interview.Status.IN_PROGRESS
    assert interview.first_minted_at is not None
    assert (interview.credits_charged, interview.credits_refunded) == (2, 1)
    assert list(interview.realtime_sessions.values_list("outcome", flat=True)) == [
        "minted",
        "minted",
        "upstream_error",
    ]
    assert _audit_passes()


def test_breaker_open_on_the_first_mint_charges_nothing(candidate, mint_route):
    mint_breaker().open()
    interview = job_interview_draft(candidate)

    response = jwt_client(candidate).post(session_url(interview))

    assert response.status_code == 503
    assert response.json()["code"] == "upstream_unavailable"
    assert response.json()["detail"].endswith("No credits were used.")
    assert int(response["Retry-After"]) >= 1
    assert mint_route.call_count == 0
    assert billing.credits_balance(user_id=candidate.pk) == 3
    interview.refresh_from_db()
    assert interview.status == Interview.Status.DRAFT
    assert _audit_passes()


def test_a_failed_reconnect_refunds_nothing(candidate, upstream):
    route = upstream.post("/realtime/client_secrets").mock(return_value=OK)
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    assert client.post(session_url(interview)).status_code == 200
    route.mock(return_value=upstream_error(503, "error_server.json"))

    response = client.post(session_url(interview))

    assert response.status_code == 502
    assert "No credits were used" not in response.json()["detail"]
    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert _ledger(candidate) == [("interview_debit", -1)]


def test_without_credits_nothing_is_minted(broke_candidate, mint_route):
    interview = job_interview_draft(broke_candidate)

    response = jwt_client(broke_candidate).post(session_url(interview))

    assert response.status_code == 402
    assert response.json()["code"] == "insufficient_credits"
    assert mint_route.call_count == 0
    assert not RealtimeSession.objects.exists()


def test_a_finished_job_interview_cannot_mint(candidate, mint_route):
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    client.post(session_url(interview))
    client.post(f"/api/v1/interviews/{interview.pk}/end")

    response = client.post(session_url(interview))

    assert response.status_code == 400
    assert response.json()["code"] == "interview_not_in_progress"
    assert mint_route.call_count == 1


def test_reconnect_mint_costs_at_most_8_queries(
    candidate, mint_route, django_assert_max_num_queries
):
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    assert client.post(session_url(interview)).status_code == 200

    # JWT user, interview + owner + profile, minted mark, RealtimeSession insert.
    with django_assert_max_num_queries(8):
        assert client.post(session_url(interview)).status_code == 200


def test_the_secret_is_never_logged_nor_stored(candidate, upstream, caplog):
    caplog.set_level(logging.DEBUG)
    route = upstream.post("/realtime/client_secrets").mock(return_value=OK)
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)

    assert client.post(session_url(interview)).json()["client_secret"]["value"] == SECRET
    route.mock(return_value=upstream_error(500, "error_server.json"))
    client.post(session_url(interview))

    mint_lines = [r for r in caplog.records if r.getMessage().startswith("realtime_mint ")]
    assert [r.outcome for r in mint_lines] == ["minted", "upstream_error"]
    line = mint_lines[0].getMessage()
    for key in ("user=", "interview=", "db_ms=", "upstream_ms=", "total_ms=", "outcome=minted"):
        assert key in line
    assert SECRET not in caplog.text
    assert "ek_" not in caplog.text
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert "sess_C9CiUVUzUzYIssh3ELY1d" in dump.getvalue()  # the dump does hold realtime rows
    assert SECRET not in dump.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_mints_charge_once(postgres_only, upstream):
    from tests.factories import make_user

    user = make_user("racer@example.com", credits=3)
    upstream.post("/realtime/client_secrets").mock(return_value=OK)
    interview = job_interview_draft(user)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def mint() -> None:
        try:
            client = jwt_client(user)
            barrier.wait()
            statuses.append(client.post(session_url(interview)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=mint) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 6
    assert billing.credits_balance(user_id=user.pk) == 2
    assert _ledger(user) == [("interview_debit", -1)]
    assert _audit_passes()


def test_no_reconnect_once_the_time_is_up(candidate, mint_route):
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    assert client.post(session_url(interview)).status_code == 200
    interview.refresh_from_db()

    with time_machine.travel(interview.deadline, tick=False):
        response = jwt_client(candidate).post(session_url(interview))  # a fresh, unexpired JWT

    assert response.status_code == 400
    assert response.json()["code"] == "interview_not_in_progress"
    assert mint_route.call_count == 1
    assert billing.credits_balance(user_id=candidate.pk) == 2


def test_a_mint_that_outlives_a_concurrent_failed_first_mint_is_still_paid_for(candidate, upstream):
    interview = job_interview_draft(candidate)

    def mint_while_another_request_fails_and_reverts(request):
        # What a concurrent first mint whose upstream call failed does, mid-flight of this one.
        lifecycle.interview_start_revert(interview=interview, reason="concurrent mint failed")
        return OK

    upstream.post("/realtime/client_secrets").mock(
        side_effect=mint_while_another_request_fails_and_reverts
    )

    response = jwt_client(candidate).post(session_url(interview))

    assert response.status_code == 200
    interview.refresh_from_db()
    assert interview.status == Interview.Status.IN_PROGRESS
    assert interview.first_minted_at is not None
    assert _ledger(candidate) == [("interview_debit", -1), ("refund", 1), ("interview_debit", -1)]
    assert billing.credits_balance(user_id=candidate.pk) == 2
    assert _audit_passes()


def test_first_mint_that_charges_costs_at_most_11_queries(candidate, mint_route):
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(session_url(interview)).status_code == 200
    # Savepoints come from the test's own wrapping transaction, not from the request's work.
    real = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    # JWT user; interview + owner + profile; the start: interview FOR UPDATE, credit account
    # FOR UPDATE, idempotency check, balance UPDATE, ledger INSERT, interview UPDATE; after the
    # upstream answered: interview FOR UPDATE (still started?) and the minted mark under that
    # lock, the RealtimeSession INSERT. The 8 of the issue holds for every other mint (tests
    # above); the charge itself is 6 queries of the lifecycle and billing services.
    assert len(real) <= 11, "\n".join(real)


def test_a_mint_whose_restart_after_a_concurrent_revert_fails_leaves_no_minted_mark(
    candidate, upstream
):
    # Concurrent first mints: another one fails and reverts (refunds) the start while this one is
    # in flight, and the credits are spent elsewhere before this one can start again. The session
    # minted upstream is thrown away unpaid; the interview must not keep a minted mark, or its next
    # failed first mint would never be refunded.
    interview = job_interview_draft(candidate)

    def revert_and_spend_the_credits(request):
        lifecycle.interview_start_revert(interview=interview, reason="concurrent mint failed")
        billing.credits_debit(
            user_id=candidate.pk, amount=3, idempotency_key="elsewhere", reference="elsewhere"
        )
        return OK

    route = upstream.post("/realtime/client_secrets").mock(side_effect=revert_and_spend_the_credits)
    client = jwt_client(candidate)

    response = client.post(session_url(interview))

    assert response.status_code == 402
    assert response.json()["code"] == "insufficient_credits"
    assert SECRET not in response.content.decode()
    interview.refresh_from_db()
    assert (interview.status, interview.first_minted_at) == (Interview.Status.DRAFT, None)

    billing.credits_grant(
        user_id=candidate.pk, amount=1, kind=LedgerEntry.Kind.STAFF_GRANT, idempotency_key="top-up"
    )
    route.side_effect = None
    route.mock(return_value=upstream_error(500, "error_server.json"))
    failed = client.post(session_url(interview))

    assert failed.status_code == 502
    assert failed.json()["detail"].endswith("No credits were used.")
    assert billing.credits_balance(user_id=candidate.pk) == 1
    interview.refresh_from_db()
    assert (interview.status, interview.first_minted_at) == (Interview.Status.DRAFT, None)
    assert _audit_passes()


def test_reconnect_loads_nothing_it_deferred(candidate, mint_route, django_assert_num_queries):
    Profile.objects.filter(user=candidate).update(thinking_time=Profile.ThinkingTime.LONG)
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    assert client.post(session_url(interview)).status_code == 200

    # JWT user; interview + owner + profile (only the columns a mint reads); RealtimeSession
    # INSERT. One more would be a deferred column loaded on its own.
    with django_assert_num_queries(3):
        response = client.post(session_url(interview))
    assert response.status_code == 200
    sent = json.loads(mint_route.calls.last.request.content)["session"]
    assert sent["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 1400


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_mints_some_failing_leave_exactly_one_paid_start(postgres_only, upstream):
    # Real threads on PostgreSQL: half the first mints fail upstream (and revert what they may),
    # half succeed. Whatever the interleaving, the interview ends up started, minted and paid
    # for exactly once, and every failed mint was answered as a failure.
    from tests.factories import make_user

    user = make_user("racer2@example.com", credits=3)
    interview = job_interview_draft(user)

    def answer(request):
        if threading.current_thread().name.startswith("fail"):
            return upstream_error(500, "error_server.json")
        return OK

    upstream.post("/realtime/client_secrets").mock(side_effect=answer)
    barrier = threading.Barrier(6)
    statuses: dict[str, int] = {}

    def mint() -> None:
        try:
            client = jwt_client(user)
            barrier.wait()
            statuses[threading.current_thread().name] = client.post(
                session_url(interview)
            ).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=mint, name=f"{kind}-{n}")
        for n in range(3)
        for kind in ("ok", "fail")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert {name: code for name, code in statuses.items() if name.startswith("ok")} == {
        f"ok-{n}": 200 for n in range(3)
    }
    assert sorted(code for name, code in statuses.items() if name.startswith("fail")) == [502] * 3
    interview.refresh_from_db()
    assert interview.status == Interview.Status.IN_PROGRESS
    assert interview.first_minted_at is not None
    assert interview.credits_charged - interview.credits_refunded == 1
    assert billing.credits_balance(user_id=user.pk) == 2
    assert _audit_passes()
