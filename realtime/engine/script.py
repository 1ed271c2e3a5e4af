"""The scripted interviewer's lines, read from the session instructions the web app built, in
the session's language (realtime/engine/lines/)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import NOISES, STAR_QUESTIONS, Lines, lines_for

CASE_QUESTION = re.compile(r"CURRENT QUESTION\s*\(\s*(\d+)\s+of\s+(\d+)\s*\)\s*:?[ \t]*", re.I)
HEADING = re.compile(r"^[A-Z][A-Z /&'-]{3,}(?:\(.*\))?\s*:")
JOB_TITLE_PATTERNS = (
    re.compile(r"\brole of\s+[\"“]([^\"”\n]+)[\"”]", re.I),
    re.compile(r"job title\s*[:=\-]\s*[\"'“]?([^\n\"'”]+)", re.I),
    re.compile(r"\bjob title (?:is|of)\s+[\"'“]?([^\n\"'”.]+)", re.I),
    re.compile(
        r"\bfor (?:a|an|the)\s+[\"'“]?([^\n\"'”.,]{2,80}?)[\"'”]?\s+(?:role|position|job)\b", re.I
    ),
    re.compile(r"^\s*(?:role|position)\s*[:=\-]\s*([^\n]+)", re.I | re.M),
)
CONVERSATION = re.compile(r"^<<<CONVERSATION\n(.*?)\n?CONVERSATION>>>", re.M | re.S)
QUESTION_COUNT = re.compile(r"\b(\d{1,2})\s+(?:main\s+|interview\s+)?questions\b", re.I)
ENGLISH = lines_for("en")
# The English lines under their earlier names (tests and callers that predate languages).
JOB_QUESTIONS = ENGLISH.job_questions
ACKNOWLEDGEMENTS = ENGLISH.acknowledgements
CASE_FOLLOW_UPS = ENGLISH.case_follow_ups
PROBES = ENGLISH.probes
CASE_PROBES = ENGLISH.case_probes
RESUMED = ENGLISH.resumed


# --- Listening: what the answer lacks decides the follow-up -------------------------------------

SHORT_ANSWER_WORDS = 15  # fewer words than this (fillers aside) is a short answer
JOB_PROBE_ORDER = ("example", "personal", "quantify", "result")
CASE_PROBE_ORDER = ("example", "quantify")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def answer_words(answer: str) -> list[str]:
    return _WORD.findall(answer.lower().replace("’", "'"))


def _content_words(words: list[str], lines: Lines) -> list[str]:
    return [word for word in words if word not in lines.fillers and word not in NOISES]


def is_answer(text: str, lines: Lines = ENGLISH) -> bool:
    """True when a transcript holds a word that is not a filler ("Mhm." in a breath is not)."""
    return bool(_content_words(answer_words(text), lines))


def answer_gaps(answer: str, lines: Lines = ENGLISH) -> list[str]:
    """What an answer lacks, in the order the interviewer asks about it."""
    words = answer_words(answer)
    said = " ".join(words)
    gaps = []
    if len(_content_words(words, lines)) < SHORT_ANSWER_WORDS:
        gaps.append("example")
    if not lines.first_person.search(said):
        gaps.append("personal")
    figures = re.search(r"\d|\bper cent\b|%", answer.lower()) or lines.number_words & set(words)
    if not figures:
        gaps.append("quantify")
    if not lines.outcome.search(said):
        gaps.append("result")
    return gaps


def probe_choose(
    answer: str | None, *, order: tuple[str, ...], lines: Lines = ENGLISH
) -> str | None:
    """The first follow-up (of `order`) the answer calls for; None for a full or unheard answer."""
    if answer is None or not answer.strip():
        return None  # speech that could not be transcribed: nothing to listen to, move on
    gaps = answer_gaps(answer, lines)
    return next((kind for kind in order if kind in gaps), None)


@dataclass
class InterviewScript:
    """What the scripted interviewer says, turn by turn, listening to each answer.

    Each main line may get one follow-up, chosen from what the answer lacks (`probe_orders` says
    which kinds a line may get, in order); then the next main line. Deterministic for tests.
    """

    lines: list[str]
    closing: str
    probe_orders: list[tuple[str, ...]] = field(default_factory=list)
    probe_texts: dict[str, str] = field(default_factory=lambda: dict(PROBES))
    language: Lines = ENGLISH
    position: int = -1  # the main line last asked (-1: nothing said yet)
    probed: bool = False  # the current main line already had its follow-up
    last_probe: str | None = None
    cores: list[str] = field(default_factory=list)  # what identifies each main line when heard
    resume: tuple[str, str | None] | None = None  # a reconnect: (last line asked, its answer)

    def line(self, turn: int) -> str:
        return self.lines[turn] if turn < len(self.lines) else self.closing

    def next_line(self, answer: str | None) -> str:
        """The next thing to say after `answer` (None: not heard, or nothing said yet)."""
        if self.resume is not None:
            return self.resumed(answer)
        self.last_probe = None
        if 0 <= self.position < len(self.lines) and not self.probed:
            order = (
                self.probe_orders[self.position] if self.position < len(self.probe_orders) else ()
            )
            kind = probe_choose(answer, order=order, lines=self.language)
            if kind is not None:
                self.probed, self.last_probe = True, kind
                return self.probe_texts[kind]
        self.position = min(self.position + 1, len(self.lines))
        self.probed = False
        return self.line(self.position)

    def resume_from(self, history: list[tuple[str, str]]) -> None:
        """Pick the script up where an earlier call of this conversation left it (the
        CONVERSATION SO FAR block of the instructions): which line was asked last, and whether
        the candidate answered it."""
        asked: str | None = None
        answers: list[str] = []
        for speaker, text in history:
            if speaker == "candidate":
                answers.append(text)
                continue
            main = [i for i, core in enumerate(self.cores) if core and core in text]
            if main:
                self.position, self.probed = max(main), False
            elif any(probe in text for probe in self.probe_texts.values()):
                self.probed = True
            asked, answers = text, []
        if asked is not None:
            self.resume = (asked, " ".join(answers) if answers else None)

    def resumed(self, answer: str | None) -> str:
        """The first line after a reconnect: welcome back, then the unanswered question again,
        or the next line after the answer given before the link dropped."""
        asked, before = self.resume or ("", None)
        self.resume = None
        heard = " ".join(a for a in (before, answer) if a) or None
        if heard is None:
            core = next((c for c in reversed(self.cores) if c and c in asked), None)
            probe = next((p for p in self.probe_texts.values() if p in asked), None)
            again = probe or core or asked.removeprefix(self.language.resumed).strip()
            return f"{self.language.resumed} {again}"
        return f"{self.language.resumed} {self.next_line(heard)}"


def conversation_parse(instructions: str) -> list[tuple[str, str]]:
    """The (speaker, text) turns of the CONVERSATION SO FAR block a reconnect's instructions
    carry (realtime/resume.py writes it); [] for a first call."""
    match = CONVERSATION.search(instructions)
    if not match:
        return []
    turns = []
    for line in match.group(1).splitlines():
        speaker, _, text = line.partition(":")
        if speaker.strip() in ("Interviewer", "Candidate") and text.strip():
            turns.append((speaker.strip().lower(), text.strip()))
    return turns


def case_question_parse(instructions: str) -> tuple[int, int, str] | None:
    """(n, N, question text) from the 'CURRENT QUESTION (n of N):' block, or None (the text is
    empty when the block has none)."""
    match = CASE_QUESTION.search(instructions)
    if not match:
        return None
    lines: list[str] = []
    for line in instructions[match.end() :].splitlines():
        if (not line.strip() and lines) or (lines and HEADING.match(line.strip())):
            break
        if line.strip():
            lines.append(line.strip())
    return int(match.group(1)), int(match.group(2)), " ".join(lines)[:600].strip()


def job_title_parse(instructions: str) -> str:
    """The job title named in job instructions; 'this' when none can be found."""
    for pattern in JOB_TITLE_PATTERNS:
        match = pattern.search(instructions)
        if match:
            title = match.group(1).strip().strip(".:;,'\"“”")
            if 1 < len(title) <= 80 and title.lower() not in ("the role", "this role"):
                return title
    return "this"


def interview_script(instructions: str, language: str | None = None) -> InterviewScript:
    """The interviewer's lines for a session, in its language: one case question, or a job
    interview, picked up where the conversation was when the instructions carry one (a
    reconnect)."""
    script = _script_for(instructions, lines_for(language))
    history = conversation_parse(instructions)
    if history:
        script.resume_from(history)
    return script


def _script_for(instructions: str, lines: Lines) -> InterviewScript:
    case = case_question_parse(instructions)
    if case:
        return _case_script(lines, *case)
    title = job_title_parse(instructions)
    count_match = QUESTION_COUNT.search(instructions)
    count = min(max(int(count_match.group(1)), 1), len(lines.job_questions)) if count_match else 5
    role = lines.role_unnamed if title == "this" else lines.role_named.format(title=title)
    questions = [q.format(role=role) for q in lines.job_questions[:count]]
    greeting = lines.job_greeting.format(role=role, question=questions[0])
    acks = lines.acknowledgements
    follow = [f"{acks[i % len(acks)]} {q}" for i, q in enumerate(questions[1:])]
    orders = [JOB_PROBE_ORDER if i in STAR_QUESTIONS else () for i in range(count)]
    return InterviewScript(
        lines=[greeting, *follow],
        closing=lines.job_closing,
        probe_orders=orders,
        probe_texts=dict(lines.probes),
        language=lines,
        cores=questions,
    )


def _case_script(lines: Lines, number: int, total: int, question: str) -> InterviewScript:
    opener = lines.case_first if number == 1 else lines.case_again
    question = question or lines.case_default_question
    asked = lines.case_question.format(number=number, total=total, question=question)
    return InterviewScript(
        lines=[f"{opener} {asked}", *lines.case_follow_ups],
        closing=lines.case_closing_last if number >= total else lines.case_closing_next,
        probe_orders=[CASE_PROBE_ORDER],
        probe_texts=dict(lines.case_probes),
        language=lines,
        cores=[question, *lines.case_follow_ups],
    )
