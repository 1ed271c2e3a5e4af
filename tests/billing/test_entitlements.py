"""The one answer to "may this person start an interview of this kind, and what does it cost"."""

from __future__ import annotations

import pytest

from billing.entitlements import SUBSCRIPTION_REQUIRED, credit_cost, entitlement


def test_a_job_interview_costs_the_setting_and_is_allowed_while_the_balance_covers_it(
    candidate, settings
):
    settings.INTERVIEW_CREDIT_COST = 2
    answer = entitlement(user_id=candidate.pk, kind="job")
    assert (answer.cost, answer.allowed, answer.reason, answer.balance) == (2, True, "", 3)


def test_a_job_interview_with_too_few_credits_is_refused_with_the_ledgers_own_wording(
    broke_candidate,
):
    answer = entitlement(user_id=broke_candidate.pk, kind="job")
    assert (answer.allowed, answer.reason, answer.balance) == (False, "insufficient_credits", 0)
    assert answer.message == "You need 1 credit but have 0. Buy a credit pack to continue."


def test_free_job_interviews_never_read_the_balance(
    broke_candidate, settings, django_assert_num_queries
):
    settings.INTERVIEW_CREDIT_COST = 0
    with django_assert_num_queries(0):
        answer = entitlement(user_id=broke_candidate.pk, kind="job")
    assert (answer.cost, answer.allowed, answer.balance) == (0, True, None)


@pytest.mark.parametrize(
    ("persona", "staff", "free", "allowed"),
    [
        ("candidate", False, False, False),
        ("candidate", False, True, True),
        ("candidate", True, False, True),
        ("subscriber", False, False, True),
    ],
)
def test_a_case_interview_needs_a_subscription_unless_staff_or_a_free_sample(
    request, persona, staff, free, allowed
):
    user = request.getfixturevalue(persona)
    answer = entitlement(user_id=user.pk, kind="case", staff=staff, free=free)
    assert (answer.cost, answer.allowed) == (0, allowed)
    assert answer.reason == ("" if allowed else "subscription_required")
    assert answer.message == ("" if allowed else SUBSCRIPTION_REQUIRED)


def test_cost_by_kind(settings):
    settings.INTERVIEW_CREDIT_COST = 3
    assert (credit_cost("job"), credit_cost("case")) == (3, 0)
