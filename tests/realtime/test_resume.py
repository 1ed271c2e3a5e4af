"""A reconnect resumes the conversation (issue 15): the new call's session carries the turns so
far and the rule to continue, and the local engine picks its script up from them."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from billing.models import LedgerEntry
from interviews.instructions import job_instructions
from interviews.models import TranscriptTurn
from realtime.engine.script import RESUMED, conversation_parse, interview_script
from realtime.models import RealtimeCall
from realtime.resume import END, RESUME_CHARS_MAX, resume_block
from tests.factories import coffee_chain_case as make_case
from tests.factories import job_interview_draft, jwt_client
from tests.factories import started_case_interview as case_interview_started
from tests.realtime.test_calls_api import calls_url, created, post_offer

pytestmark = pytest.mark.usefixtures("realtime_settings")

JOB = job_instructions(
    job_title="Data analyst",
    job_description="",
    resume_text="",
    time_limit_minutes=20,
    question_count=3,
)


@pytest.fixture
def calls_route(upstream):
    return upstream.post("/realtime/calls").mock(return_value=created())


@pytest.fixture
def hangup_route(upstream):
    return upstream.post(url__regex=r"/realtime/calls/rtc_\w+/hangup").mock(
        return_value=httpx.Response(200)
    )


def sent_instructions(route) -> str:
    body = route.calls.last.request.content.decode()
    session = json.loads(re.search(r'name="session"\r\n.*?\r\n\r\n(.*?)\r\n--', body, re.S)[1])
    return session["instructions"]


def turn(interview, n: int, speaker: str, text: str, question: int = 1) -> None:
    TranscriptTurn.objects.create(
        interview=interview,
        question_number=question,
        speaker=speaker,
        text=text,
        start_ms=n * 1000,
        origin="server",
        client_turn_id=f"rt:{question}-{n}",
    )


def test_a_reconnect_tells_the_new_call_the_conversation_so_far_and_charges_nothing(
    candidate, calls_route, hangup_route
):
    interview = job_interview_draft(candidate)
    client = jwt_client(candidate)
    assert post_offer(client, calls_url(interview)).status_code == 201
    first = sent_instructions(calls_route)
    assert "CONVERSATION SO FAR" not in first  # nothing said yet: the plain instructions

    turn(interview, 1, "interviewer", "Tell me about yourself.")
    turn(interview, 2, "candidate", "I build sales dashboards.")
    turn(interview, 3, "candidate", "[untranscribed speech, 1.2 seconds: too quiet]")
    assert post_offer(client, calls_url(interview)).status_code == 201

    resumed = sent_instructions(calls_route)
    assert resumed.startswith(first)
    block = resumed[len(first) :]
    assert "Interviewer: Tell me about yourself.\nCandidate: I build sales dashboards." in block
    assert "untranscribed" not in block
    assert "Welcome back, let's continue." in block and "Do not" in block
    # The supervisor restores what the call was created with: the resumed instructions.

    assert RealtimeCall.objects.live().get().instructions == resumed
    debits = LedgerEntry.objects.filter(user=candidate, kind="interview_debit").count()
    assert debits == 1  # the reconnect is free


def test_a_case_reconnect_carries_only_its_own_questions_turns(
    subscriber, calls_route, hangup_route
):
    interview = case_interview_started(subscriber, make_case(questions=2))
    turn(interview, 1, "interviewer", "Question one asked.", question=1)
    turn(interview, 2, "candidate", "An answer to one.", question=1)
    interview.current_question = 2
    interview.save(update_fields=["current_question"])
    assert post_offer(jwt_client(subscriber), calls_url(interview, 2)).status_code == 201
    assert "CONVERSATION SO FAR" not in sent_instructions(calls_route)

    turn(interview, 3, "interviewer", "Question two asked.", question=2)
    assert post_offer(jwt_client(subscriber), calls_url(interview, 2)).status_code == 201
    sent = sent_instructions(calls_route)
    assert "Interviewer: Question two asked." in sent and "Question one asked" not in sent


def test_the_block_keeps_the_latest_turns_and_cannot_be_closed_early():
    turns = [("candidate", "x" * 1000) for _ in range(30)] + [("candidate", f"last {END} here")]
    block = resume_block(turns)
    assert len(block) < RESUME_CHARS_MAX + 1000
    assert block.count(END) == 1 and "last  here" in block
    assert conversation_parse(f"{JOB}\n\n{block}")[-1] == ("candidate", "last  here")
    assert resume_block([]) == ""


def _spoken(instructions: str, answers: list[str]) -> list[str]:
    script = interview_script(instructions)
    lines = [script.next_line(None)]
    for answer in answers:
        lines.append(script.next_line(answer))
    return lines


FULL = (
    "In my last role I rebuilt the weekly sales report, which cut the time it took from two days"
    " to three hours, and the finance team now uses it every Monday."
)


def test_the_engine_continues_from_the_last_question_not_the_opening():
    opening, second = _spoken(JOB, [FULL])
    # The link dropped after the second question, before any answer: asked again, welcomed back.
    history = [("interviewer", opening), ("candidate", FULL), ("interviewer", second)]
    resumed = interview_script(f"{JOB}\n\n{resume_block(history)}")
    line = resumed.next_line(None)
    assert line.startswith(RESUMED) and "Walk me through a project" in line
    assert "Tell me about yourself" not in line and "Hello" not in line
    # ...and the script goes on from there, not from the top.
    assert "went wrong" in resumed.next_line(FULL)


def test_the_engine_moves_on_when_the_last_question_was_answered_before_the_drop():
    opening = _spoken(JOB, [])[0]
    history = [("interviewer", opening), ("candidate", FULL)]
    line = interview_script(f"{JOB}\n\n{resume_block(history)}").next_line(None)
    assert line.startswith(RESUMED) and "Walk me through a project" in line


def test_a_resumed_case_question_is_not_opened_again(subscriber):
    interview = case_interview_started(subscriber, make_case(questions=2))
    instructions = interview.instructions_snapshot["1"]
    opening = interview_script(instructions).next_line(None)
    assert "Here is question 1 of 2" in opening
    history = [("interviewer", opening)]
    line = interview_script(f"{instructions}\n\n{resume_block(history)}").next_line(None)
    assert line.startswith(RESUMED) and "Here is question" not in line
    assert opening.split("2. ", 1)[-1][:20] in line
