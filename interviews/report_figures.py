"""Talk time, as measured: each kind of turn counted for what it is.

- The candidate's speech has measured time (untranscribed speech too: it was heard, not read).
- Typed answers have words but no talk time; a share of *talk* time leaves them out and says so.
- The interviewer's turns have the time the room measured, but a line whose recorded duration is
  shorter than its words could be spoken (the transcript streams faster than the audio) was not
  timed: it is estimated from its words at a typical speaking rate and labelled "estimated".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

SPOKEN_WPM = 150  # a typical speaking rate: only to estimate interviewer lines that were not timed
FASTEST_WPM = 300  # nobody speaks faster: a shorter duration was not the line's audio
_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")


class TurnLike(Protocol):
    speaker: str
    text: str
    start_ms: int
    duration_ms: int
    source: str


def _words(text: str) -> int:
    return len(_WORD_RE.findall(text.lower()))


def interviewer_line_ms(turn: TurnLike) -> tuple[int, bool]:
    """How long an interviewer line took, and whether that was estimated from its words."""
    words = _words(turn.text)
    if turn.duration_ms > 0 and turn.duration_ms >= words * 60000 / FASTEST_WPM:
        return turn.duration_ms, False
    return round(words * 60000 / SPOKEN_WPM), True


def span_ms(turns: Sequence[TurnLike]) -> int:
    """From the first turn's start to the last turn's end: the measured length of a stretch."""
    if not turns:
        return 0
    return max(t.start_ms + t.duration_ms for t in turns) - min(t.start_ms for t in turns)


def talk_figures(turns: Sequence[TurnLike], *, speaking_ms: int) -> dict:
    """Interviewer time (measured or estimated), typed words, span, and the candidate's share."""
    interviewer = [interviewer_line_ms(t) for t in turns if t.speaker == "interviewer"]
    interviewer_ms = sum(ms for ms, _ in interviewer)
    estimated_ms = sum(ms for ms, estimated in interviewer if estimated)
    typed_words = sum(
        _words(t.text) for t in turns if t.speaker != "interviewer" and t.source == "typed"
    )
    talk_ms = speaking_ms + interviewer_ms
    if not speaking_ms or not talk_ms:
        share, basis = None, ("typed" if typed_words else None)
    else:
        share, basis = (
            round(speaking_ms / talk_ms, 3),
            ("estimated" if estimated_ms else "measured"),
        )
    return {
        "interviewer_ms": interviewer_ms,
        "interviewer_estimated_ms": estimated_ms,
        "typed_words": typed_words,
        "span_ms": span_ms(turns),
        "talk_share": share,
        "talk_share_basis": basis,
    }
