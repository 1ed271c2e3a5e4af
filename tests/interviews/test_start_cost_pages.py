"""Where the candidate decides (the new-interview form, a case page): what starting costs, and
for someone who may not start, a buy-first offer before any field to fill (billing.entitlements)."""

from __future__ import annotations

from interviews.models import Interview
from tests.conftest import make_user
from tests.factories import make_case

BUY_FIRST = 'data-role="buy-first"'


def test_the_form_says_what_starting_costs_and_the_balance(client, candidate, settings):
    settings.INTERVIEW_CREDIT_COST = 2
    client.force_login(candidate)

    html = client.get("/interviews/new/").content.decode()

    assert "Starting this interview costs 2 credits; you have 3." in html
    assert 'name="job_title"' in html and BUY_FIRST not in html


def test_a_broke_candidate_is_offered_to_buy_before_the_form(client, broke_candidate):
    client.force_login(broke_candidate)

    html = client.get("/interviews/new/").content.decode()

    assert BUY_FIRST in html and "<h2" in html.split(BUY_FIRST)[1][:200]
    assert "Not enough credits to start" in html
    assert "You need 1 credit but have 0." in html
    assert 'href="/billing/pricing/?next=%2Finterviews%2Fnew%2F"' in html
    assert 'name="job_title"' not in html  # nothing to fill in before paying
    assert "Something went wrong" not in html and "reference" not in html.lower()


def test_a_broke_candidate_posting_anyway_creates_nothing(client, broke_candidate):
    client.force_login(broke_candidate)

    response = client.post("/interviews/new/", {"job_title": "Buyer"})

    assert response.status_code == 200 and BUY_FIRST in response.content.decode()
    assert not Interview.objects.exists()


def test_free_interviews_say_so(client, broke_candidate, settings):
    settings.INTERVIEW_CREDIT_COST = 0
    client.force_login(broke_candidate)

    html = client.get("/interviews/new/").content.decode()

    assert "Starting this interview is free." in html and BUY_FIRST not in html


def test_a_case_page_offers_a_non_subscriber_the_plans_with_a_way_back(client, candidate):
    make_case("bakery")
    client.force_login(candidate)

    html = client.get("/cases/bakery/").content.decode()

    assert "A subscription is needed for this case" in html
    assert 'href="/billing/pricing/?next=%2Fcases%2Fbakery%2F"' in html
    assert "See the plans" in html


def test_a_case_page_tells_a_subscriber_it_costs_no_credits(client, subscriber):
    make_case("bakery")
    client.force_login(subscriber)

    html = client.get("/cases/bakery/").content.decode()

    assert "Included in your subscription: starting this case costs no credits." in html
    assert BUY_FIRST not in html


def test_a_free_case_costs_nothing_for_anyone(client, broke_candidate):
    make_case("sample", free=True)
    client.force_login(broke_candidate)

    html = client.get("/cases/sample/").content.decode()

    assert "free sample: starting it costs nothing" in html and BUY_FIRST not in html


def test_the_case_confirm_page_offers_to_buy_and_has_no_start_button(client, candidate):
    make_case("bakery")
    client.force_login(candidate)

    html = client.get("/interviews/new/?case=bakery").content.decode()

    assert BUY_FIRST in html and "Go to the interview room" not in html
    assert 'href="/billing/pricing/?next=%2Finterviews%2Fnew%2F%3Fcase%3Dbakery"' in html


def test_pricing_states_the_cost_from_the_entitlements(client, settings, db):
    settings.INTERVIEW_CREDIT_COST = 2

    html = client.get("/billing/pricing/").content.decode()

    assert "each interview you start costs 2 credits" in html


def test_staff_start_cases_without_a_subscription(client, db):
    make_case("bakery")
    client.force_login(make_user("boss@example.com", is_staff=True))

    html = client.get("/cases/bakery/").content.decode()

    assert "Staff run cases at no cost." in html and 'data-action="start-case"' in html


def test_practise_again_without_credits_offers_to_buy_before_the_room(client, db):
    from tests.factories import finished_job_interview

    user = make_user("spent@example.com")
    interview = finished_job_interview(user)
    client.force_login(user)

    response = client.post(f"/interviews/{interview.pk}/again/")

    assert response.status_code == 302
    assert response["Location"] == (
        f"/billing/pricing/?next=%2Finterviews%2F{interview.pk}%2F%23report"
    )
    assert Interview.objects.filter(owner=user).count() == 1  # no new draft
    page = client.get(response["Location"]).content.decode()
    assert "You need 1 credit but have 0." in page and 'data-role="return-path"' in page
