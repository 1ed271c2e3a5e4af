"""Measured delivery analytics on a fixed transcript, checked against figures worked by hand."""

from __future__ import annotations

import pytest

from interviews import feedback
from interviews.feedback import Turn
from tests.interviews.feedback_factories import CASE_SNAPSHOT, CASE_TURNS


def _turns(rows) -> list[Turn]:
    return [Turn(*row) for row in rows]


@pytest.fixture
def analytics() -> dict:
    return feedback.analytics_compute(
        kind="case", case_snapshot=CASE_SNAPSHOT, turns=_turns(CASE_TURNS)
    )


def test_key_terms_are_numbers_and_content_words_singularised():
    # "into", "and" are dropped (stopword / short); "costs" -> "cost", "units" -> "unit".
    assert feedback.key_terms(CASE_SNAPSHOT["questions"][0]["evaluator_context"]) == [
        "split", "profit", "revenue", "cost", "segment", "fixed", "variable",
    ]  # fmt: skip
    assert feedback.key_terms(CASE_SNAPSHOT["questions"][1]["evaluator_context"]) == [
        "break", "5000", "unit", "fixed", "cost", "100000", "divided", "margin", "20",
    ]  # fmt: skip


def test_fillers_count_phrases_once_and_single_words():
    assert feedback.fillers_count("Um, I, like, you know, sort of think so. Unlike you.") == 4


def test_question_one_figures(analytics):
    q1 = analytics["questions"][0]
    # 29 spoken words in 30 s -> 58 wpm; um + like + "you know" = 3 fillers -> 6 per minute;
    # silence 4.0 s -> 6.0 s = 2 s; talk share 30 / (30 + 4) s.
    assert q1["words"] == 29
    assert q1["speaking_ms"] == 30000
    assert q1["words_per_minute"] == 58.0
    assert q1["fillers"] == 3
    assert q1["fillers_per_minute"] == 6.0
    assert q1["longest_pause_ms"] == 2000
    assert q1["talk_share"] == 0.882
    assert q1["coverage"] == {
        "terms": 7,
        "covered": ["split", "profit", "revenue", "cost", "fixed", "variable"],
        "missing": ["segment"],
        "share": 0.857,
    }


def test_question_two_counts_typed_words_but_not_in_pace(analytics):
    q2 = analytics["questions"][1]
    # 18 spoken words in 20 s -> 54 wpm; 6 typed words add to length only.
    assert q2["words"] == 24
    assert q2["words_per_minute"] == 54.0
    assert q2["fillers"] == 1
    assert q2["fillers_per_minute"] == 3.0
    assert q2["longest_pause_ms"] == 5000  # 43 s -> 48 s
    assert q2["talk_share"] == 0.87  # 20 / 23
    assert q2["coverage"]["missing"] == ["divided"]
    assert q2["answer"].endswith("Check: 5000 times 20 is 100000.")


def test_overall_figures(analytics):
    overall = analytics["overall"]
    # 47 spoken words in 50 s -> 56.4 wpm; 4 fillers in 50 s -> 4.8 per minute;
    # candidate 50 s of 57 s of talk; 14 of 16 key terms.
    assert analytics["label"] == "measured"
    assert overall == {
        "speaking_ms": 50000,
        "untranscribed_ms": 0,
        "words": 53,
        "words_per_minute": 56.4,
        "fillers": 4,
        "fillers_per_minute": 4.8,
        "longest_pause_ms": 5000,
        "talk_share": 0.877,
        "coverage_share": 0.875,
        "answered_questions": 2,
    }
    assert feedback.analytics_is_enough(analytics)


def test_no_timings_means_no_pace_rather_than_an_invented_one():
    turns = _turns([(1, "candidate", "I led the migration of our billing system.", 0, 0, "speech")])
    metrics = feedback.delivery_metrics(turns)
    assert metrics["words"] == 8
    assert metrics["words_per_minute"] is None
    assert metrics["fillers_per_minute"] is None
    assert metrics["talk_share"] is None


def test_near_empty_transcript_is_not_enough():
    turns = _turns([(1, "interviewer", "Tell me about yourself.", 0, 2000, "speech"),
                    (1, "candidate", "Um, hello?", 3000, 1000, "speech")])  # fmt: skip
    analytics = feedback.analytics_compute(kind="job", case_snapshot={}, turns=turns)
    assert analytics["overall"]["words"] == 2
    assert not feedback.analytics_is_enough(analytics)


def test_job_interview_is_split_into_exchanges():
    turns = _turns(
        [
            (1, "interviewer", "Tell me about yourself.", 0, 2000, "speech"),
            (1, "candidate", "I am a product manager.", 3000, 2000, "speech"),
            (1, "candidate", "For six years.", 5500, 1000, "speech"),
            (1, "interviewer", "Thanks.", 7000, 500, "speech"),
            (1, "interviewer", "Describe a conflict you resolved.", 7600, 2000, "speech"),
            (1, "candidate", "Our design and sales teams disagreed.", 10000, 3000, "speech"),
        ]
    )
    questions = feedback.questions_analytics(kind="job", case_snapshot={}, turns=turns)
    assert [q["prompt"] for q in questions] == [
        "Tell me about yourself.",
        "Thanks. Describe a conflict you resolved.",
    ]
    assert [q["answer"] for q in questions] == [
        "I am a product manager. For six years.",
        "Our design and sales teams disagreed.",
    ]
    assert questions[0]["coverage"] is None


def test_switching_case_questions_is_not_a_pause():
    turns = _turns(
        [
            (1, "candidate", "Revenue and costs.", 0, 3000, "speech"),
            (2, "interviewer", "Next question.", 60000, 2000, "speech"),  # 57 s reconnecting
            (2, "candidate", "Five thousand units.", 64000, 2000, "speech"),
        ]
    )
    analytics = feedback.analytics_compute(kind="case", case_snapshot=CASE_SNAPSHOT, turns=turns)
    assert analytics["overall"]["longest_pause_ms"] == 2000
    assert feedback.longest_pause_ms(turns) == 57000  # what a single session would call it
