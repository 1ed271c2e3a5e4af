"""Structure signals on fixed answers, each checked against the sentence worked out by hand."""

from __future__ import annotations

from interviews import feedback
from interviews.feedback import Turn
from interviews.report_signals import SIGNAL_NAMES, sentences, signals_measure
from tests.factories import CASE_SNAPSHOT, CASE_TURNS

STAR = (
    "When I was at my last job, our team was losing customers every month. "
    "My task was to find out why. "
    "First, I analysed the churn data, and then I interviewed ten customers. "
    "As a result, churn fell from 8% to 5% in a quarter. "
    "Maybe it was partly the season."
)


def _by_name(answer: str) -> dict[str, dict]:
    return {s["name"]: s for s in signals_measure(answer=answer)}


def test_every_signal_is_reported_in_order_with_its_sentence():
    signals = signals_measure(answer=STAR)
    assert [s["name"] for s in signals] == list(SIGNAL_NAMES)
    said = sentences(STAR)
    assert len(said) == 5
    found = {s["name"]: (s["present"], s["evidence"]) for s in signals}
    assert found == {
        "answer_first": (False, None),
        "signposting": (True, said[2]),  # "First, ..."
        "star_situation": (True, said[0]),  # "When I was at my last job"
        "star_task": (True, said[1]),  # "My task was"
        "star_action": (True, said[2]),  # "I analysed"
        "star_result": (True, said[3]),  # "As a result"
        "quantified_result": (True, said[3]),  # a figure and a change: "fell from 8% to 5%"
        "hedging": (True, said[4]),  # "Maybe"
        # "ten customers" is followed by "As a result ...", and "8% to 5%" carries its own.
        "number_without_implication": (False, None),
    }


def test_answer_first_and_a_number_left_without_its_implication():
    answer = "I would recommend closing at 6 pm. Evening sales are 1.2 million a year. Costs rose."
    found = _by_name(answer)
    assert found["answer_first"] == {
        "name": "answer_first",
        "present": True,
        "evidence": "I would recommend closing at 6 pm.",
    }
    # "6 pm": the next sentence has no "so/which means" either -> the first bare figure.
    assert found["number_without_implication"]["evidence"] == "I would recommend closing at 6 pm."
    assert found["star_result"] == {"name": "star_result", "present": False, "evidence": None}


def test_an_empty_or_untranscribed_answer_has_no_signals():
    assert all(not s["present"] and s["evidence"] is None for s in signals_measure(answer=""))


def test_the_fixed_case_transcript_signals():
    analytics = feedback.analytics_compute(
        kind="case", case_snapshot=CASE_SNAPSHOT, turns=[Turn(*row) for row in CASE_TURNS]
    )
    q1 = {s["name"]: s for s in analytics["questions"][0]["signals"]}
    q2 = {s["name"]: s for s in analytics["questions"][1]["signals"]}
    # Q1 opens with "I would split profit ...": its answer comes first; no figures at all.
    assert q1["answer_first"]["evidence"] == "Um, I would split profit into revenue and costs."
    assert [n for n, s in q1.items() if s["present"]] == ["answer_first"]
    # Q2: "so break-even is 5000 units" is a quantified result with its implication; the typed
    # check "5000 times 20 is 100000." states figures and says nothing about them.
    first = (
        "Basically fixed costs are 100000 and the margin is 20 per unit, so break-even is "
        "5000 units."
    )
    assert q2["star_result"]["evidence"] == first
    assert q2["quantified_result"]["evidence"] == first
    assert q2["number_without_implication"]["evidence"] == "Check: 5000 times 20 is 100000."
    assert [n for n, s in q2.items() if s["present"]] == [
        "star_result", "quantified_result", "number_without_implication",
    ]  # fmt: skip
