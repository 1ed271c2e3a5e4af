"""The scripted interviewer listens: its next line follows from what the answer lacks."""

from __future__ import annotations

import pytest

from interviews.instructions import case_instructions, job_instructions
from realtime.engine.script import (
    CASE_PROBES,
    PROBES,
    answer_gaps,
    interview_script,
    is_answer,
    probe_choose,
)

JOB = job_instructions(
    job_title="Data analyst",
    job_description="",
    resume_text="",
    time_limit_minutes=20,
    question_count=3,
)
FULL = (
    "In my last role I rebuilt the weekly sales report, which cut the time it took from two days"
    " to three hours, and the finance team now uses it every Monday."
)
ORDER = ("example", "personal", "quantify", "result")


@pytest.mark.parametrize(
    ("answer", "probe"),
    [
        ("A churn dashboard, mostly.", "example"),
        ("Um, uh, like, so, basically I, um, did a dashboard, like, you know.", "example"),
        (
            "The team rebuilt the weekly sales report, which cut the time it took from two days"
            " to three hours for the whole finance department.",
            "personal",
        ),
        (
            "I rebuilt the weekly sales report for the finance team, which cut the time it took"
            " a lot, and they use it every week now.",
            "quantify",
        ),
        (
            "I rebuilt the weekly sales report for the finance team over two weeks, talking to"
            " six analysts about what they needed from it every Monday.",
            "result",
        ),
        (FULL, None),
        (
            "I increased revenue by 12% across 40 stores after I rebuilt our pricing model.",
            "example",
        ),
    ],
    ids=[
        "short",
        "short-with-fillers",
        "no-first-person",
        "no-figures",
        "no-outcome",
        "full",
        "short-but-complete",
    ],
)
def test_the_first_gap_of_an_answer_picks_the_follow_up(answer, probe):
    assert probe_choose(answer, order=ORDER) == probe


def test_figures_count_as_digits_or_number_words():
    assert "quantify" not in answer_gaps("I cut it by 40% for the team")
    assert "quantify" not in answer_gaps("I cut it by forty percent for the team")
    assert "quantify" in answer_gaps("I cut it by a lot for the team")


def test_an_unheard_answer_gets_no_follow_up():
    assert probe_choose(None, order=ORDER) is None
    assert probe_choose("   ", order=ORDER) is None


def test_a_job_interview_follows_up_once_per_star_question_then_moves_on():
    script = interview_script(JOB)

    greeting = script.next_line(None)
    # The opener gets no follow-up, however short the answer.
    second = script.next_line("I like data.")
    follow_up = script.next_line("A churn dashboard.")
    # One follow-up per question: a second thin answer moves on.
    third = script.next_line("It went fine.")
    after_full = script.next_line(FULL)
    again = script.next_line("Anything else?")

    assert "Tell me about yourself" in greeting and "Data analyst" in greeting
    assert "Walk me through a project" in second
    assert follow_up == PROBES["example"]
    assert "went wrong" in third
    assert "last question" in after_full  # a full answer to the last question: no follow-up
    assert again == after_full


def test_the_same_answers_give_the_same_lines():
    answers = [None, "I like data.", "The team built a dashboard.", FULL, "ok"]

    def run() -> list[str]:
        script = interview_script(JOB)
        return [script.next_line(answer) for answer in answers]

    assert run() == run()


def test_untranscribed_answers_move_the_interview_on_as_before():
    script = interview_script(JOB)
    lines = [script.next_line(None) for _ in range(4)]

    assert "Tell me about yourself" in lines[0]
    assert "Walk me through a project" in lines[1]
    assert "went wrong" in lines[2]
    assert "last question" in lines[3]


def test_a_case_question_asks_for_a_number_when_the_estimate_has_none():
    instructions = case_instructions(
        case_snapshot={
            "title": "Coffee",
            "case_type": "market_sizing",
            "lead_type": "interviewer_led",
            "difficulty": "medium",
            "industry": "Retail",
            "prompt": "A coffee chain wants to grow.",
            "questions": [
                {
                    "number": 1,
                    "kind": "estimate",
                    "prompt": "How many cups a day in Berlin?",
                    "evaluator_context": "Population, share, cups.",
                }
            ],
        },
        question_number=1,
    )
    vague, precise = interview_script(instructions), interview_script(instructions)
    vague.next_line(None)
    precise.next_line(None)

    vague_line = vague.next_line(
        "I would start from the population, take the share of coffee drinkers, multiply by"
        " cups per drinker and then split it between home and out of home consumption."
    )
    precise_line = precise.next_line(
        "Berlin has about 3.7 million people, maybe half drink coffee, two cups each, so"
        " roughly 3.7 million cups, and a third of those are bought out of home."
    )

    assert vague_line == CASE_PROBES["quantify"]
    assert precise_line not in CASE_PROBES.values()


def test_fillers_alone_are_not_an_answer():
    assert not is_answer("Mhm.")
    assert not is_answer("Um, uh...")
    assert not is_answer("")
    assert is_answer("Yes.")
    assert is_answer("Um, 40 percent.")
