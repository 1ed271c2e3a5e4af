"""The embedded database (SQLite, one file for the web, the engine and the supervisor): two
writers at once queue for the lock instead of one failing with "database is locked"."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from accounts.models import User


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_reads_then_writes_waits_for_a_concurrent_writer():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's locking; PostgreSQL has row locks")
    reading = threading.Event()
    other_wrote = threading.Event()
    errors: list[Exception] = []

    def reads_then_writes() -> None:  # as an End does: read the interview, then write it
        try:
            with transaction.atomic():
                User.objects.count()
                reading.set()
                # The other writer's write lands first where nothing queues it (deferred
                # transactions); queued behind this transaction, it cannot, and the wait runs out.
                other_wrote.wait(0.5)
                User.objects.create(email="first@example.com")
        except Exception as exc:  # noqa: BLE001 - the failure is what the test looks for
            errors.append(exc)
        finally:
            reading.set()
            connections.close_all()

    def writes() -> None:  # as the supervisor does: write a turn
        reading.wait(5)
        try:
            with transaction.atomic():
                User.objects.create(email="second@example.com")
                other_wrote.set()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reads_then_writes), threading.Thread(target=writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert set(User.objects.values_list("email", flat=True)) == {
        "first@example.com",
        "second@example.com",
    }
