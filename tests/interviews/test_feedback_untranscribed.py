from __future__ import annotations

from interviews.feedback import Turn, answer_text, delivery_metrics

PLACEHOLDER = "[untranscribed speech, 4.0 seconds: the local engine has no transcriber]"


def test_untranscribed_speech_counts_as_speaking_time_but_not_as_words():
    turns = [
        Turn(1, "interviewer", "Tell me about a project.", 0, 2000),
        Turn(1, "candidate", PLACEHOLDER, 3000, 4000),
        Turn(1, "candidate", "I rebuilt the billing pipeline.", 8000, 0, source="typed"),
    ]
    metrics = delivery_metrics(turns)
    assert metrics["speaking_ms"] == 4000
    assert metrics["words"] == 5
    assert metrics["words_per_minute"] is None  # no transcribed spoken words to time
    assert metrics["fillers"] == 0
    assert answer_text(turns) == "I rebuilt the billing pipeline."
