"""The local engine's case rules, read back from the instructions the web app builds."""

from __future__ import annotations

import json

from interviews.case_library import BUNDLED_CASES_PATH
from interviews.instructions import case_instructions
from realtime.engine.case_script import CaseScript
from realtime.engine.script import interview_script

CASES = {c["slug"]: c for c in json.loads(BUNDLED_CASES_PATH.read_text())["cases"]}
NORDVIK = CASES["nordvik-air-loss-making-route"]


def _script(number: int) -> tuple[CaseScript, str]:
    text = case_instructions(case_snapshot=NORDVIK, question_number=number)
    return CaseScript.from_instructions(text), text


def test_it_reads_the_brief_facts_and_hints_the_instructions_carry() -> None:
    case, _ = _script(1)
    question = NORDVIK["questions"][0]

    assert case.question_number == 1
    assert case.brief == NORDVIK["brief"]
    assert case.facts == question["interviewer_data"].splitlines()
    assert case.hints == question["hints"]


def test_the_brief_is_read_before_question_one_only() -> None:
    first, text = _script(1)
    second, text_2 = _script(2)

    opening = first.opening(interview_script(text).line(0))
    assert opening.startswith("Hello, I'm your interviewer. Here is the case. Nordvik Air is")
    assert "Now, question 1 of 4. What do you want to know about the route?" in opening
    assert second.opening(interview_script(text_2).line(0)) == interview_script(text_2).line(0)


def test_a_clarifying_question_gets_the_fact_its_words_match_and_only_that() -> None:
    case, _ = _script(1)

    reply = case.reply("How many flights a day are there?")

    assert reply == "Good question. 4 flights a day (2 in each direction), 365 days a year."
    assert "load factor" not in reply
    assert "70%" in case.reply("What is the average load factor?")
    assert case.reply("What about the weather in winter?") == (
        "I don't have data on that. What would you assume, and why?"
    )
    assert case.reply("I think the route loses money on fuel.") is None  # not a question


def test_hints_come_one_at_a_time_in_order_then_run_out() -> None:
    case, _ = _script(2)
    hints = NORDVIK["questions"][1]["hints"]

    assert case.reply("Can I have a hint?") == f"Here's a hint: {hints[0]}"
    assert case.reply("could you give me another hint please") == f"Here's a hint: {hints[1]}"
    assert (
        case.reply("Can I get a hint?")
        == "That was my last hint. Tell me how you would go on from here."
    )


def test_line_follows_the_script_unless_a_hint_or_fact_was_asked_for() -> None:
    case, text = _script(1)
    script = interview_script(text)

    assert case.line(heard=None, first=True, scripted=lambda: script.line(0))[1] is True
    assert case.line(heard="What is the fare?", first=False, scripted=lambda: script.line(1)) == (
        "Good question. Average fare EUR 85 plus EUR 15 of ancillary revenue (bags, seats) per passenger.",
        False,
    )
    assert case.line(
        heard="I would start with revenue.", first=False, scripted=lambda: script.line(1)
    ) == (script.line(1), True)
    assert case.line(heard=None, first=False, scripted=lambda: "next")[0] == "next"


def test_new_instructions_keep_the_hints_given_on_the_same_question() -> None:
    case, text = _script(2)
    case.reply("Can I have a hint?")

    assert case.for_instructions(text) is case
    restated = case.for_instructions(text + "\nSTYLE: a restated session.")
    assert restated is case  # the case blocks did not change
    other = case.for_instructions(case_instructions(case_snapshot=NORDVIK, question_number=3))
    assert (other.question_number, other.hints_given) == (3, 0)


def test_a_job_interview_has_no_case_rules() -> None:
    case = CaseScript.from_instructions("You are an experienced hiring manager...")

    assert (case.question_number, case.facts, case.hints) == (0, [], [])
    assert case.reply("Can I have a hint?") is not None  # still answers politely
