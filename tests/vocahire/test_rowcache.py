"""vocahire/lib/rowcache.PkLookup: the row the ORM returns, from a SELECT compiled once."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile
from interviews.models import Interview
from tests.factories import started_job_interview
from vocahire.lib.rowcache import PkLookup


def _narrowed():
    return Interview.objects.select_related("owner__profile").only(
        "id",
        "owner_id",
        "status",
        "owner__id",
        "owner__profile__id",
        "owner__profile__thinking_time",
    )


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_the_row_is_what_the_orm_returns(candidate):
    interview = started_job_interview(candidate)
    lookup = PkLookup(Interview)
    for _ in range(2):  # compiled on the first, reused on the second
        found = lookup.get(interview.pk)
        assert _fields(found) == _fields(Interview.objects.filter(pk=interview.pk).first())
        assert found._state.adding is False and found._state.db == "default"
    assert lookup.get(uuid.uuid4()) is None


@pytest.mark.django_db
def test_a_narrowed_queryset_fills_its_related_rows_and_defers_the_rest(
    candidate, django_assert_num_queries
):
    Profile.objects.update_or_create(
        user=candidate, defaults={"thinking_time": Profile.ThinkingTime.LONG}
    )
    interview = started_job_interview(candidate)
    lookup = PkLookup(Interview, queryset=_narrowed)
    expected = _narrowed().filter(pk=interview.pk).first()
    with django_assert_num_queries(1):
        found = lookup.get(interview.pk)
        # select_related()'s rows are filled from the same row, as the ORM fills them.
        assert found.owner.pk == candidate.pk
        assert found.owner.profile.thinking_time == Profile.ThinkingTime.LONG
        assert found.status == expected.status == Interview.Status.IN_PROGRESS
    assert found.get_deferred_fields() == expected.get_deferred_fields() != set()
    with django_assert_num_queries(1):  # a deferred column loads on first access, as only() does
        assert found.job_title == interview.job_title


@pytest.mark.django_db
def test_a_queryset_with_its_own_parameters_is_refused(candidate):
    interview = started_job_interview(candidate)
    lookup = PkLookup(Interview, queryset=lambda: Interview.objects.filter(status="in_progress"))
    with pytest.raises(ValueError, match="plain pk filter"):
        lookup.get(interview.pk)
    annotated = PkLookup(Interview, queryset=lambda: Interview.objects.annotate(one=Value(1)))
    with pytest.raises(ValueError, match="plain pk filter"):
        annotated.get(interview.pk)


@pytest.mark.django_db(transaction=True)
def test_a_locked_lookup_needs_a_transaction(candidate):
    interview = started_job_interview(candidate)
    lookup = PkLookup(Interview, for_update=True)
    with pytest.raises(TransactionManagementError):
        lookup.get(interview.pk)
    with transaction.atomic():
        assert lookup.get(interview.pk).pk == interview.pk


@pytest.mark.django_db(transaction=True)
def test_a_lookup_by_a_unique_field_finds_the_row_the_orm_does(candidate):
    from billing.models import CreditAccount, LedgerEntry
    from billing.services import credits_grant

    credits_grant(user_id=candidate.pk, amount=2, kind="staff_grant", idempotency_key="rowcache-1")
    by_user = PkLookup(CreditAccount, field="user", for_update=True)  # a one-to-one key
    with pytest.raises(TransactionManagementError):
        by_user.get(candidate.pk)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = by_user.get(str(candidate.pk))  # as the ORM, a UUID's text is the UUID
        assert _fields(found) == _fields(CreditAccount.objects.get(user=candidate))
    # The ledger's lock: the row locked where the database has row locks (PostgreSQL, in CI).
    if connection.features.has_select_for_update:
        assert queries.captured_queries[0]["sql"].rstrip().endswith("FOR UPDATE")
    with transaction.atomic():
        assert by_user.get(uuid.uuid4()) is None
    by_key = PkLookup(LedgerEntry, field="idempotency_key")  # a unique column
    assert _fields(by_key.get("rowcache-1")) == _fields(
        LedgerEntry.objects.get(idempotency_key="rowcache-1")
    )
    assert by_key.get("rowcache-unknown") is None


def test_a_lookup_by_a_field_that_is_not_unique_is_refused():
    with pytest.raises(ValueError, match="unique field: Interview.status"):
        PkLookup(Interview, field="status")
