"""Measured delivery analytics: pure functions of the transcript (measured, not judged).

Speaking time, words, pace, fillers, pauses, talk share, per-question answers and key-term coverage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviews.feedback.types import Analytics, Coverage, DeliveryMetrics, QuestionAnalytics
from interviews.key_terms import key_phrases, phrases_coverage
from interviews.models import Interview, TranscriptTurn
from interviews.report_figures import talk_figures
from interviews.report_signals import signals_measure

# Below this many words from the candidate there is nothing honest to say about the interview.
NOT_ENOUGH_MIN_WORDS = 25
UNTRANSCRIBED_PREFIX = "[untranscribed speech"


# Filler words and phrases, per interview language (DESIGN section 11). Each list keeps to the
# fillers people use when thinking aloud in that language; ambiguous words ("so", "also" in
# German, "este" in Spanish) are left out so the count stays a floor rather than a guess.
FILLERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # words, phrases
    "en": (
        ("um", "uh", "erm", "er", "hmm", "like", "basically", "actually", "literally"),
        ("you know", "sort of", "kind of", "i mean"),
    ),
    "es": (
        ("eh", "em", "mmm", "pues", "digamos", "básicamente", "literalmente"),
        ("o sea", "en plan", "la verdad es que", "¿sabes?"),
    ),
    "fr": (
        ("euh", "heu", "bah", "ben", "genre", "voilà"),
        ("en fait", "du coup", "tu vois", "tu sais", "je veux dire", "en gros"),
    ),
    "de": (
        ("äh", "ähm", "öhm", "halt", "quasi", "sozusagen", "irgendwie"),
        ("ich meine", "weißt du", "na ja"),
    ),
    "pt": (
        ("hã", "ãh", "hum", "né", "tipo", "basicamente", "literalmente"),
        ("quer dizer", "tipo assim", "sabe?"),
    ),
    "it": (
        ("ehm", "eh", "cioè", "tipo", "praticamente", "insomma", "diciamo", "boh"),
        ("nel senso", "come dire", "in pratica"),
    ),
    "nl": (
        ("eh", "ehm", "uh", "uhm", "nou", "eigenlijk", "gewoon"),
        ("zeg maar", "weet je", "als het ware", "of zo"),
    ),
}
FILLER_WORDS, FILLER_PHRASES = FILLERS["en"]


def _filler_pattern(words: tuple[str, ...], phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "la verdad es que" is one filler, not "la verdad" and more; a phrase may
    # end in punctuation ("¿sabes?"), which \b cannot close.
    fillers = sorted(phrases + words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(f) for f in fillers) + r")(?!\w)")


_FILLER_RES = {code: _filler_pattern(*lists) for code, lists in FILLERS.items()}
# Words are runs of letters and digits in any script ("años" is one word, not two).
_TOKEN_RE = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")


@dataclass(frozen=True)
class Turn:
    question_number: int
    speaker: str  # "interviewer" or "candidate"
    text: str
    start_ms: int
    duration_ms: int
    source: str = "speech"  # "speech" or "typed"

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.duration_ms

    @property
    def is_candidate(self) -> bool:
        return self.speaker == "candidate"


def is_untranscribed(text: str) -> bool:
    """True for the local engine's placeholder for speech it heard but could not transcribe."""
    # Its words are not the candidate's: counting them would invent pace and coverage figures.
    return text.lstrip().startswith(UNTRANSCRIBED_PREFIX)


def words_count(text: str) -> int:
    """Words in a piece of transcript (tokens of letters and digits)."""
    return 0 if is_untranscribed(text) else len(_TOKEN_RE.findall(text.lower()))


def fillers_count(text: str, language: str = "en") -> int:
    """Filler words and phrases (um, uh, like, you know, sort of ...) in a piece of transcript,
    with the lists of the interview's language."""
    if is_untranscribed(text):
        return 0
    pattern = _FILLER_RES.get(language, _FILLER_RES["en"])
    return len(pattern.findall(text.lower().replace("’", "'")))


def _per_minute(count: int, ms: int) -> float | None:
    return round(count / (ms / 60000), 1) if ms > 0 else None


def longest_pause_ms(turns: Sequence[Turn]) -> int:
    """The longest silence between the end of one turn and the start of the next."""
    ordered = sorted(turns, key=lambda t: (t.start_ms, t.end_ms))
    longest, last_end = 0, None
    for turn in ordered:
        if last_end is not None:
            longest = max(longest, turn.start_ms - last_end)
        last_end = turn.end_ms if last_end is None else max(last_end, turn.end_ms)
    return longest


def delivery_metrics(turns: Sequence[Turn], language: str = "en") -> DeliveryMetrics:
    """Speaking time, words, pace, fillers, pauses and talk share for a set of turns."""
    mine = [t for t in turns if t.is_candidate]
    spoken = [t for t in mine if t.source == "speech" and t.duration_ms > 0]
    speaking_ms = sum(t.duration_ms for t in spoken)
    # Untranscribed speech is speaking time, but rates per minute only divide by the time whose
    # words we have: otherwise it would drag pace and fillers per minute down with invented zeros.
    untranscribed_ms = sum(t.duration_ms for t in spoken if is_untranscribed(t.text))
    transcribed_ms = speaking_ms - untranscribed_ms
    spoken_words = sum(words_count(t.text) for t in spoken)
    fillers = sum(fillers_count(t.text, language) for t in spoken)
    return {
        "speaking_ms": speaking_ms,
        "untranscribed_ms": untranscribed_ms,
        "words": sum(words_count(t.text) for t in mine),
        "words_per_minute": _per_minute(spoken_words, transcribed_ms) if spoken_words else None,
        "fillers": fillers,
        "fillers_per_minute": _per_minute(fillers, transcribed_ms),
        "longest_pause_ms": longest_pause_ms(turns),
        **talk_figures(turns, speaking_ms=speaking_ms),
    }


def answer_text(turns: Iterable[Turn]) -> str:
    """Everything the candidate said or typed, in order."""
    return " ".join(
        t.text.strip()
        for t in turns
        if t.is_candidate and t.text.strip() and not is_untranscribed(t.text)
    )


def job_segments(turns: Sequence[Turn]) -> list[list[Turn]]:
    """Split a job interview into exchanges: an interviewer turn and the candidate's reply."""
    segments: list[list[Turn]] = []
    for turn in sorted(turns, key=lambda t: t.start_ms):
        starts_new = not turn.is_candidate and (not segments or segments[-1][-1].is_candidate)
        if starts_new or not segments:
            segments.append([])
        segments[-1].append(turn)
    return segments


def _coverage(question: dict, answer: str) -> Coverage | None:
    curated = question.get("key_terms") or None
    phrases = key_phrases(question.get("evaluator_context", ""), curated=curated)
    return (
        phrases_coverage(phrases=phrases, answer=answer, curated=bool(curated)) if phrases else None
    )


def _question_entry(
    number: int, prompt: str, turns: Sequence[Turn], question: dict, language: str
) -> QuestionAnalytics:
    answer = answer_text(turns)
    entry = {
        "number": number,
        "prompt": prompt,
        "answer": answer,
        **delivery_metrics(turns, language),
    }
    # A case's key terms are in its own words (English): matched against an answer in another
    # language they would report a false 0%, so coverage is not measured there.
    entry["coverage"] = _coverage(question, answer) if language == "en" else None
    entry["signals"] = signals_measure(answer=answer, language=language)
    return entry


def questions_analytics(
    *, kind: str, case_snapshot: dict, turns: Sequence[Turn], language: str = "en"
) -> list[QuestionAnalytics]:
    """Per question (case) or per exchange (job): the answer and its measured delivery."""
    if kind == Interview.Kind.CASE:
        return [
            _question_entry(
                q["number"],
                q["prompt"],
                [t for t in turns if t.question_number == q["number"]],
                q,
                language,
            )
            for q in case_snapshot.get("questions", [])
        ]
    return [
        _question_entry(n, " ".join(t.text for t in seg if not t.is_candidate), seg, {}, language)
        for n, seg in enumerate(job_segments(turns), start=1)
    ]


def analytics_compute(
    *, kind: str, case_snapshot: dict, turns: Sequence[Turn], language: str = "en"
) -> Analytics:
    """The whole measured report: overall delivery, per-question figures and key-term coverage,
    counted with the fillers and sentence patterns of the interview's language."""
    questions = questions_analytics(
        kind=kind, case_snapshot=case_snapshot, turns=turns, language=language
    )
    overall = delivery_metrics(turns, language)
    total_terms = sum(q["coverage"]["terms"] for q in questions if q["coverage"])
    covered = sum(len(q["coverage"]["covered"]) for q in questions if q["coverage"])
    overall["coverage_share"] = round(covered / total_terms, 3) if total_terms else None
    overall["answered_questions"] = sum(1 for q in questions if q["words"])
    if kind == Interview.Kind.CASE and questions:
        # Each case question is its own session: the switch between two is not a pause.
        overall["longest_pause_ms"] = max(q["longest_pause_ms"] for q in questions)
        overall["span_ms"] = sum(q["span_ms"] for q in questions)
    return {"label": "measured", "overall": overall, "questions": questions}


def analytics_is_enough(analytics: Analytics) -> bool:
    """False for a near-empty transcript: too few candidate words to say anything honest."""
    return analytics["overall"]["words"] >= NOT_ENOUGH_MIN_WORDS


def interview_turns(*, interview: Interview) -> list[Turn]:
    """The stored transcript as plain Turn values."""
    rows = TranscriptTurn.objects.filter(interview=interview).order_by("start_ms", "id")
    return [
        Turn(r.question_number, r.speaker, r.text, r.start_ms, r.duration_ms, r.source)
        for r in rows
    ]
