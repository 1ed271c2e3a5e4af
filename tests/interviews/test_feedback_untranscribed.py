"""The local engine's "[untranscribed speech ...]" placeholder: speaking time, never words."""

from __future__ import annotations

from interviews.feedback import Turn, analytics_compute, answer_text, delivery_metrics

PLACEHOLDER = "[untranscribed speech, 4.0 seconds: the local engine has no transcriber]"


def test_untranscribed_speech_counts_as_speaking_time_but_not_as_words():
    turns = [
        Turn(1, "interviewer", "Tell me about a project.", 0, 2000),
        Turn(1, "candidate", PLACEHOLDER, 3000, 4000),
        Turn(1, "candidate", "I rebuilt the billing pipeline.", 8000, 0, source="typed"),
    ]
    metrics = delivery_metrics(turns)
    assert metrics["speaking_ms"] == 4000
    assert metrics["untranscribed_ms"] == 4000
    assert metrics["words"] == 5
    assert metrics["words_per_minute"] is None  # no transcribed spoken words to time
    assert metrics["fillers"] == 0
    assert metrics["fillers_per_minute"] is None  # not "0 per minute": nothing was heard as words
    assert metrics["talk_share"] == 0.667  # 4 s of 6 s: the candidate did speak
    assert answer_text(turns) == "I rebuilt the billing pipeline."


def test_pace_and_fillers_divide_only_by_transcribed_time():
    # 12 words with 1 filler in 12 s transcribed, then 48 s the engine could not transcribe:
    # 60 wpm and 5 fillers per minute, not 12 wpm and 1 per minute over all 60 s.
    said = "Um so the pipeline ran nightly and I made it run every hour."
    turns = [
        Turn(1, "candidate", said, 0, 12000),
        Turn(1, "candidate", PLACEHOLDER, 13000, 48000),
    ]
    metrics = delivery_metrics(turns)
    assert (metrics["speaking_ms"], metrics["untranscribed_ms"]) == (60000, 48000)
    assert metrics["words"] == 13
    assert metrics["words_per_minute"] == 65.0  # 13 words / 0.2 min
    assert metrics["fillers"] == 1
    assert metrics["fillers_per_minute"] == 5.0


def test_untranscribed_speech_covers_no_key_terms():
    snapshot = {"questions": [{"number": 1, "prompt": "Q", "evaluator_context": "revenue costs"}]}
    turns = [Turn(1, "candidate", "[untranscribed speech, revenue costs]", 0, 3000)]
    analytics = analytics_compute(kind="case", case_snapshot=snapshot, turns=turns)
    question = analytics["questions"][0]
    assert question["answer"] == ""
    assert question["coverage"]["covered"] == []
    assert analytics["overall"]["words"] == 0
    assert analytics["overall"]["answered_questions"] == 0
