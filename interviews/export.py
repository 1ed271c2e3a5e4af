"""The transcript and report of one interview as a Markdown or plain-text document to download."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils.text import slugify

from interviews.feedback import report_build
from interviews.models import Feedback, Interview, TranscriptTurn
from interviews.report_signals import signals_for_display
from interviews.templatetags.feedback_report import duration, or_na, percent, seconds

FORMATS = {"md": "text/markdown", "txt": "text/plain"}
# A line starting like this would turn into a heading, list, quote or table in Markdown.
_MD_STRUCTURE = re.compile(r"^\s*([#>*+|-]|\d+[.)]\s)")

# A document is a list of blocks: (kind, text) with kind one of h1 h2 h3 p li quote.
Block = tuple[str, str]


def export_filename(*, interview: Interview, fmt: str) -> str:
    """A download name such as vocahire-data-analyst-2026-12-02.md."""
    day = (interview.ended_at or interview.created_at).date().isoformat()
    return f"vocahire-{slugify(interview.title)[:60] or 'interview'}-{day}.{fmt}"


def interview_export(
    *, interview: Interview, feedback: Feedback | None, turns: Sequence[TranscriptTurn], fmt: str
) -> str:
    """The whole document (setup, report, transcript) rendered as Markdown or plain text."""
    report = report_build(interview=interview, feedback=feedback)
    blocks = [("h1", interview.title or "Interview"), ("p", _byline(interview, report))]
    blocks += _setup(report) + _report(report) + _transcript(interview, turns)
    return _render(blocks, fmt)


def _byline(interview: Interview, report: dict) -> str:
    when = interview.started_at.strftime("%d %b %Y, %H:%M UTC") if interview.started_at else ""
    parts = [
        interview.get_kind_display(),
        f"in {interview.get_language_display()}",
        when,
        f"length {duration(report['duration_seconds'])}",
    ]
    return " · ".join(p for p in parts if p)


def _setup(report: dict) -> list[Block]:
    setup = report["setup"]
    if report["kind"] == Interview.Kind.CASE:
        return [("h2", "The case"), ("p", setup.get("case_prompt") or "—")]
    blocks = [("h2", "The role"), ("p", f"Job title: {setup.get('job_title') or '—'}")]
    if setup.get("job_description"):
        blocks += [("p", "Job description used:"), ("quote", setup["job_description"])]
    return blocks


def _report(report: dict) -> list[Block]:
    status = report["status"]
    if status not in (Interview.FeedbackStatus.READY, Interview.FeedbackStatus.FAILED):
        texts = {
            Interview.FeedbackStatus.NOT_ENOUGH: "Not enough to assess: too little of your speech.",
            Interview.FeedbackStatus.PENDING: "The report is still being written.",
        }
        return [("h2", "Report"), ("p", texts.get(status, "There is no report yet."))]
    blocks = [("h2", "Report")] + _scores(report["assessment"])
    blocks += _delivery(report["analytics"]["overall"], report["duration_seconds"])
    for question in report["questions"]:
        blocks += _question(report["kind"], question)
    return blocks


def _scores(assessment: dict | None) -> list[Block]:
    if not assessment:
        return [("p", "Scores come from an AI assessment, not written for this report.")]
    blocks = [("p", f"Average score: {assessment['overall_score']} / 5")]
    if weakest := assessment["weakest_dimension"]:
        limiting = f"{weakest['label']} ({weakest['score']}/5). {weakest['evidence']}"
        blocks.append(("p", f"Limiting factor: {limiting}"))
    blocks += [("p", assessment["summary"]), ("h3", "Dimensions")]
    blocks += [
        ("li", f"{d['label']}: {d['score']}/5. {d['evidence']}") for d in assessment["dimensions"]
    ]
    blocks += [("h3", "Strengths")] + [("li", s) for s in assessment["strengths"]]
    return blocks + [("h3", "Work on next")] + [("li", s) for s in assessment["improvements"]]


def _delivery(o: dict, duration_seconds: int | None) -> list[Block]:
    rows = [
        ("Interview length", duration(duration_seconds)),
        ("Your speaking time", seconds(o.get("speaking_ms"))),
        ("Words", or_na(o.get("words"))),
        ("Of them typed", o.get("typed_words", 0)),
        ("Speaking time not transcribed", seconds(o.get("untranscribed_ms"))),
        ("Interviewer speaking time", _interviewer(o)),
        ("Words per minute", or_na(o.get("words_per_minute"))),
        ("Filler words per minute", or_na(o.get("fillers_per_minute"))),
        ("Longest pause", seconds(o.get("longest_pause_ms"))),
        ("Share of talk time that was you", _talk_share(o)),
    ]
    return [("h3", "Delivery (measured)")] + [("li", f"{k}: {v}") for k, v in rows]


def _interviewer(o: dict) -> str:
    if o.get("interviewer_ms") is None:
        return "n/a"
    untimed = o.get("interviewer_untimed", 0)
    if untimed and not o["interviewer_ms"]:
        return "not measured"
    return seconds(o["interviewer_ms"]) + (f" ({untimed} lines not timed)" if untimed else "")


def _talk_share(o: dict) -> str:
    notes = {
        "interviewer_untimed": " (the interviewer's speaking time was not timed)",
        "typed": " (typed answers are not talk time)",
    }
    return percent(o.get("talk_share")) + notes.get(o.get("talk_share_basis") or "", "")


def _question(kind: str, q: dict) -> list[Block]:
    noun = "Question" if kind == Interview.Kind.CASE else "Answer"
    score = f" · {q['assessment']['score']}/5" if q.get("assessment") else ""
    blocks = [("h3", f"{noun} {q['number']}{score}"), ("p", f"Asked: {q['prompt'] or '—'}")]
    blocks.append(("quote", q["answer"]) if q["answer"] else ("p", "No answer was recorded."))
    for s in signals_for_display(q["signals"]):
        mark = "yes" if s["present"] else "not found"
        blocks.append(
            (
                "li",
                f"{s['label']} (measured): {mark}"
                + (f" — “{s['evidence']}”" if s["evidence"] else ""),
            )
        )
    if q.get("assessment") and q["assessment"].get("notes"):
        blocks.append(("p", f"Notes: {q['assessment']['notes']}"))
    if q.get("example_answer"):
        blocks.append(("p", f"Example: {q['example_answer']['text']}"))
    return blocks


def _transcript(interview: Interview, turns: Iterable[TranscriptTurn]) -> list[Block]:
    blocks: list[Block] = [("h2", "Transcript")]
    current = None
    for turn in turns:
        if interview.kind == Interview.Kind.CASE and turn.question_number != current:
            current = turn.question_number
            blocks.append(("h3", f"Question {current}"))
        who = "Interviewer" if turn.speaker == TranscriptTurn.Speaker.INTERVIEWER else "You"
        typed = " (typed)" if turn.source == TranscriptTurn.Source.TYPED else ""
        blocks.append(("p", f"{who}{typed} [{seconds(turn.start_ms)}]: {turn.text}"))
    return blocks if len(blocks) > 1 else blocks + [("p", "No transcript.")]


def _render(blocks: Sequence[Block], fmt: str) -> str:
    render = _markdown if fmt == "md" else _plain
    return "\n\n".join(render(kind, text) for kind, text in blocks).rstrip() + "\n"


def _markdown(kind: str, text: str) -> str:
    # Candidate text is data: a leading "#" or "-" in an answer must not become structure.
    safe = text.replace("\r", "")
    prefix = {"h1": "# ", "h2": "## ", "h3": "### ", "li": "- "}.get(kind, "")
    if kind == "quote":
        return "\n".join("> " + _escape_md(line) for line in safe.splitlines() or [""])
    if kind.startswith("h"):
        return prefix + " ".join(safe.split())
    return prefix + "\n".join(_escape_md(line) for line in safe.splitlines() or [""])


def _escape_md(line: str) -> str:
    return "\\" + line if _MD_STRUCTURE.match(line) else line


def _plain(kind: str, text: str) -> str:
    if kind in ("h1", "h2"):
        return f"{text}\n{('=' if kind == 'h1' else '-') * len(text)}"
    if kind == "quote":
        return "\n".join("    " + line for line in text.splitlines() or [""])
    return {"h3": text.upper(), "li": f"* {text}"}.get(kind, text)
