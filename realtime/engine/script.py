"""The scripted interviewer's lines, read from the session instructions the web app built."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
ACKNOWLEDGEMENTS = ("Thank you.", "Thanks, that helps.", "Good, let's move on.", "Understood.")
CASE_FOLLOW_UPS = (
    "Thank you. Take it one step further: what is the single most important driver here, and how would you check it with data?",
    "Good. Is there anything you would add or change before we move on?",
)


@dataclass
class InterviewScript:
    """What the scripted interviewer says, turn by turn."""

    lines: list[str]
    closing: str

    def line(self, turn: int) -> str:
        return self.lines[turn] if turn < len(self.lines) else self.closing


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
    """The interviewer's lines for a session: one case question, or a job interview."""
    case = case_question_parse(instructions)
    if case:
        number, total, question = case
        opener = "Hello, I'm your interviewer." if number == 1 else "Welcome back."
        last = number >= total
        after = "you can end the interview" if last else "choose Next question"
        return InterviewScript(
            lines=[f"{opener} Here is question {number} of {total}. {question}", *CASE_FOLLOW_UPS],
            closing=f"Thank you, that covers this question. When you are ready, {after}.",
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
    return InterviewScript(lines=[greeting, *follow], closing=closing)
