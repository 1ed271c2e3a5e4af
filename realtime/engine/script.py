"""The scripted interviewer's lines, read from the session instructions the web app built."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
JOB_QUESTIONS = (
    "Tell me about yourself and what draws you to {role}.",
    "Walk me through a project you are proud of that is relevant to {role}. What was your part, and what was the result?",
    "Tell me about a time something went wrong at work. What did you do, and what did you learn?",
    "How do you decide what to work on first when everything seems urgent?",
    "Tell me about a disagreement with a colleague and how you resolved it.",
    "What would you focus on in your first ninety days in {role}?",
    "Where do you want to grow in the next two years?",
    "Describe a time you had to learn something new quickly. How did you go about it?",
    "Tell me about a decision you made with incomplete information.",
    "What kind of team do you do your best work in, and why?",
    "Tell me about feedback you received that changed how you work.",
    "What would you like to ask me about the role?",
)
# Which job questions get which follow-ups: the STAR questions all four, the others none (an
# opener, a question about priorities or the future is not asked for figures or a result).
STAR_QUESTIONS = frozenset({1, 2, 4, 7, 8, 10})
ACKNOWLEDGEMENTS = ("Thank you.", "Thanks, that helps.", "Good, let's move on.", "Understood.")
CASE_FOLLOW_UPS = (
    "Thank you. Take it one step further: what is the single most important driver here, and how would you check it with data?",
    "Good. Is there anything you would add or change before we move on?",
)


# --- Listening: what the answer lacks decides the follow-up -------------------------------------

SHORT_ANSWER_WORDS = 15  # fewer words than this (fillers aside) is a short answer
PROBES = {
    "example": "Could you give me a specific example? Walk me through one situation.",
    "personal": "What did you do yourself? Tell me about your own part rather than the team's.",
    "quantify": "Can you put a number on that? How much, how many, or how fast?",
    "result": "And what was the result? How did it turn out in the end?",
}
CASE_PROBES = {
    "example": "Could you take me through your reasoning step by step?",
    "quantify": "Can you put a number on that? A rough estimate is fine.",
}
JOB_PROBE_ORDER = ("example", "personal", "quantify", "result")
CASE_PROBE_ORDER = ("example", "quantify")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_FILLERS = frozenset(
    "um uh erm er hmm hm mm mhm ah oh like basically actually literally so".split()
)
_FIRST_PERSON = frozenset("i i'm i've i'd i'll me my mine myself".split())
_NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion
    percent half double doubled twice tripled dozen dozens quarter""".split()
)
_OUTCOME = re.compile(
    r"\b(result\w*|outcome\w*|impact\w*|so that|led to|ended up|in the end|which meant|as a consequence"
    r"|increas\w*|reduc\w*|decreas\w*|improv\w*|sav(?:ed|ing|es)|grew|grow\w*|cut|doubl\w*|halv\w*"
    r"|launch\w*|shipp?\w*|deliver\w*|achiev\w*|won|succe\w*|learn\w*|fix\w*|solv\w*|resolv\w*"
    r"|finish\w*|complet\w*|went live|promot\w*|hired|raised|boost\w*|lower\w*|faster|fewer)\b"
)


def answer_words(answer: str) -> list[str]:
    return _WORD.findall(answer.lower().replace("’", "'"))


def is_answer(text: str) -> bool:
    """True when a transcript holds a word that is not a filler ("Mhm." in a breath is not)."""
    return any(word not in _FILLERS for word in answer_words(text))


def answer_gaps(answer: str) -> list[str]:
    """What an answer lacks, in the order the interviewer asks about it."""
    words = answer_words(answer)
    gaps = []
    if len([w for w in words if w not in _FILLERS]) < SHORT_ANSWER_WORDS:
        gaps.append("example")
    if not _FIRST_PERSON & set(words):
        gaps.append("personal")
    figures = re.search(r"\d|\bper cent\b", answer.lower()) or _NUMBER_WORDS & set(words)
    if not figures:
        gaps.append("quantify")
    if not _OUTCOME.search(" ".join(words)):
        gaps.append("result")
    return gaps


def probe_choose(answer: str | None, *, order: tuple[str, ...]) -> str | None:
    """The first follow-up (of `order`) the answer calls for; None for a full or unheard answer."""
    if answer is None or not answer.strip():
        return None  # speech that could not be transcribed: nothing to listen to, move on
    gaps = answer_gaps(answer)
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
            kind = probe_choose(answer, order=order)
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
            return f"{RESUMED} {probe or core or asked.removeprefix(RESUMED).strip()}"
        return f"{RESUMED} {self.next_line(heard)}"


RESUMED = "Welcome back, let's continue."


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
    """(n, N, question text) from the 'CURRENT QUESTION (n of N):' block, or None."""
    match = CASE_QUESTION.search(instructions)
    if not match:
        return None
    lines: list[str] = []
    for line in instructions[match.end() :].splitlines():
        if (not line.strip() and lines) or (lines and HEADING.match(line.strip())):
            break
        if line.strip():
            lines.append(line.strip())
    text = " ".join(lines)[:600].strip()
    return int(match.group(1)), int(match.group(2)), text or "Please walk me through your approach."


def job_title_parse(instructions: str) -> str:
    """The job title named in job instructions; 'this' when none can be found."""
    for pattern in JOB_TITLE_PATTERNS:
        match = pattern.search(instructions)
        if match:
            title = match.group(1).strip().strip(".:;,'\"“”")
            if 1 < len(title) <= 80 and title.lower() not in ("the role", "this role"):
                return title
    return "this"


def interview_script(instructions: str) -> InterviewScript:
    """The interviewer's lines for a session: one case question, or a job interview, picked up
    where the conversation was when the instructions carry one (a reconnect)."""
    script = _script_for(instructions)
    history = conversation_parse(instructions)
    if history:
        script.resume_from(history)
    return script


def _script_for(instructions: str) -> InterviewScript:
    case = case_question_parse(instructions)
    if case:
        number, total, question = case
        opener = "Hello, I'm your interviewer." if number == 1 else "Welcome back."
        last = number >= total
        after = "you can end the interview" if last else "choose Next question"
        return InterviewScript(
            lines=[f"{opener} Here is question {number} of {total}. {question}", *CASE_FOLLOW_UPS],
            closing=f"Thank you, that covers this question. When you are ready, {after}.",
            probe_orders=[CASE_PROBE_ORDER],
            probe_texts=dict(CASE_PROBES),
            cores=[question, *CASE_FOLLOW_UPS],
        )
    title = job_title_parse(instructions)
    count_match = QUESTION_COUNT.search(instructions)
    count = min(max(int(count_match.group(1)), 1), len(JOB_QUESTIONS)) if count_match else 5
    role = "this role" if title == "this" else f"the {title} role"
    questions = [q.format(role=role) for q in JOB_QUESTIONS[:count]]
    greeting = f"Hello, thanks for joining. I'll be interviewing you for {role} today. Let's begin. {questions[0]}"
    follow = [
        f"{ACKNOWLEDGEMENTS[i % len(ACKNOWLEDGEMENTS)]} {q}" for i, q in enumerate(questions[1:])
    ]
    closing = (
        "Thank you, that was my last question. You can end the interview whenever you are ready."
    )
    orders = [JOB_PROBE_ORDER if i in STAR_QUESTIONS else () for i in range(count)]
    return InterviewScript(
        lines=[greeting, *follow], closing=closing, probe_orders=orders, cores=questions
    )
