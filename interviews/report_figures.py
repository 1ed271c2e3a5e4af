"""Talk time, as measured: each kind of turn counted for what it is.

- The candidate's speech has measured time (untranscribed speech too: it was heard, not read).
- Typed answers have words but no talk time; a share of *talk* time leaves them out and says so.
- The interviewer's lines count with the time the room measured. A line whose recorded duration
  is shorter than its words could be spoken (the transcript streamed faster than the audio) was
  not timed: it is counted as untimed, and with any untimed line there is no honest share of talk
  time, so none is given (rather than one made up from a guessed speaking rate).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

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


def interviewer_line_timed(turn: TurnLike) -> bool:
    """Whether an interviewer line's recorded duration can be the time it took to say it."""
    return turn.duration_ms > 0 and turn.duration_ms >= _words(turn.text) * 60000 / FASTEST_WPM


def span_ms(turns: Sequence[TurnLike]) -> int:
    """From the first turn's start to the last turn's end: the measured length of a stretch."""
    if not turns:
        return 0
    return max(t.start_ms + t.duration_ms for t in turns) - min(t.start_ms for t in turns)


def talk_figures(turns: Sequence[TurnLike], *, speaking_ms: int) -> dict:
    """Interviewer time as measured, typed words, span, and the candidate's share of talk time."""
    lines = [t for t in turns if t.speaker == "interviewer"]
    timed = [t for t in lines if interviewer_line_timed(t)]
    interviewer_ms = sum(t.duration_ms for t in timed)
    untimed = len(lines) - len(timed)
    typed_words = sum(
        _words(t.text) for t in turns if t.speaker != "interviewer" and t.source == "typed"
    )
    if not speaking_ms:
        share, basis = None, ("typed" if typed_words else None)
    elif untimed:
        share, basis = None, "interviewer_untimed"
    else:
        share, basis = round(speaking_ms / (speaking_ms + interviewer_ms), 3), "measured"
    return {
        "interviewer_ms": interviewer_ms,
        "interviewer_untimed": untimed,
        "typed_words": typed_words,
        "span_ms": span_ms(turns),
        "talk_share": share,
        "talk_share_basis": basis,
    }
