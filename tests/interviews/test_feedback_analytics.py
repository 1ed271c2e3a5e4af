"""Measured delivery analytics on a fixed transcript, checked against figures worked by hand."""

from __future__ import annotations

import pytest

from interviews import feedback
from interviews.feedback import Turn
from interviews.key_terms import key_phrases, phrases_coverage
from tests.factories import CASE_SNAPSHOT, CASE_TURNS


def _turns(rows) -> list[Turn]:
    return [Turn(*row) for row in rows]


@pytest.fixture
def analytics() -> dict:
    return feedback.analytics_compute(
        kind="case", case_snapshot=CASE_SNAPSHOT, turns=_turns(CASE_TURNS)
    )


def test_key_terms_are_phrases_never_stems_or_bare_numbers():
    # Runs of content words between stopwords and punctuation, "x and y" kept whole; single
    # words ("divided", "margin") and numbers ("5000", "20") are not phrases.
    assert key_phrases(CASE_SNAPSHOT["questions"][0]["evaluator_context"]) == [
        "split profit", "revenue and costs", "segment costs", "fixed and variable",
    ]  # fmt: skip
    assert key_phrases(CASE_SNAPSHOT["questions"][1]["evaluator_context"]) == [
        "break-even", "fixed costs",
    ]  # fmt: skip


def test_curated_key_terms_win_and_what_follows_pitfalls_is_left_out():
    context = "Profit is revenue minus costs. Pitfalls: jumping to cost cutting."
    assert key_phrases(context) == ["revenue minus costs"]
    assert key_phrases(context, curated=["price x volume", " "]) == ["price x volume"]
    coverage = phrases_coverage(
        phrases=["price x volume", "unit costs"], answer="Price times volume.", curated=True
    )
    assert (coverage["covered"], coverage["missing"]) == (["price x volume"], ["unit costs"])
    assert coverage["source"] == "curated"


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
    assert (q1["talk_share_basis"], q1["interviewer_ms"], q1["span_ms"]) == (
        "measured",
        4000,
        36000,
    )
    # "fixed costs and variable costs" covers "fixed and variable"; "segment" was never said.
    assert q1["coverage"] == {
        "terms": 4,
        "covered": ["split profit", "revenue and costs", "fixed and variable"],
        "missing": ["segment costs"],
        "share": 0.75,
        "source": "extracted",
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
    assert q2["typed_words"] == 6  # "Check: 5000 times 20 is 100000." is no talk time
    assert q2["span_ms"] == 30000  # 40 s -> the typed check at 70 s
    assert q2["coverage"]["covered"] == ["break-even", "fixed costs"]
    assert q2["answer"].endswith("Check: 5000 times 20 is 100000.")


def test_overall_figures(analytics):
    overall = analytics["overall"]
    # 47 spoken words in 50 s -> 56.4 wpm; 4 fillers in 50 s -> 4.8 per minute;
    # candidate 50 s of 57 s of talk (both timed); 5 of 6 key phrases; 36 s + 30 s of questions.
    assert analytics["label"] == "measured"
    assert overall == {
        "speaking_ms": 50000,
        "untranscribed_ms": 0,
        "words": 53,
        "words_per_minute": 56.4,
        "fillers": 4,
        "fillers_per_minute": 4.8,
        "longest_pause_ms": 5000,
        "interviewer_ms": 7000,
        "interviewer_untimed": 0,
        "typed_words": 6,
        "span_ms": 66000,
        "talk_share": 0.877,
        "talk_share_basis": "measured",
        "coverage_share": 0.833,
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


def test_an_interviewer_line_too_short_to_be_its_audio_is_untimed_and_gives_no_share():
    # 20 words recorded as 500 ms (the transcript streamed faster than the audio) would be
    # 2400 wpm, past the 300 wpm anyone speaks: not its audio. The 4 s line is timed (90 wpm).
    line = " ".join(["word"] * 20)
    turns = _turns([(1, "interviewer", line, 0, 500, "speech"),
                    (1, "candidate", "I rebuilt the billing pipeline.", 1000, 24000, "speech"),
                    (1, "interviewer", "Thanks, and what did you learn?", 26000, 4000, "speech")])  # fmt: skip
    metrics = feedback.delivery_metrics(turns)
    assert (metrics["interviewer_ms"], metrics["interviewer_untimed"]) == (4000, 1)
    assert (metrics["talk_share"], metrics["talk_share_basis"]) == (None, "interviewer_untimed")
    timed = feedback.delivery_metrics(turns[1:])  # 24 s of 28 s
    assert (timed["talk_share"], timed["talk_share_basis"]) == (0.857, "measured")


def test_typed_answers_are_not_talk_time():
    turns = _turns([(1, "interviewer", "Tell me about yourself.", 0, 2000, "speech"),
                    (1, "candidate", "I am a data analyst.", 3000, 0, "typed")])  # fmt: skip
    metrics = feedback.delivery_metrics(turns)
    assert (metrics["talk_share"], metrics["talk_share_basis"]) == (None, "typed")
    assert (metrics["typed_words"], metrics["words"], metrics["span_ms"]) == (5, 5, 3000)
