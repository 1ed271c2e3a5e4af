"""The local engine's case rules, read back from the session instructions alone (never the
database): read the brief at question 1, answer a clarifying question from the interviewer data
when its words match, and give the next hint when the candidate asks for one.

The blocks it reads are the ones interviews/instructions.py writes: "CASE CONTEXT:",
"INTERVIEWER DATA (...):" with one "- fact" a line, and "HINTS (...):" with "1. hint" lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .script import CASE_QUESTION

_BLOCK = r"^{heading}[^\n]*:[ \t]*\n(?P<body>(?:[^\n]+\n?)+)"
_CONTEXT = re.compile(_BLOCK.format(heading=r"CASE CONTEXT"), re.M)
_DATA = re.compile(_BLOCK.format(heading=r"INTERVIEWER DATA"), re.M)
_HINTS = re.compile(_BLOCK.format(heading=r"HINTS"), re.M)
_HINT_REQUEST = re.compile(
    r"\b(?:(?:can|could|may)\s+i\s+(?:have|get)|(?:can|could)\s+you\s+give\s+me|give\s+me|"
    r"i\s+(?:need|would\s+like)|any)\s+(?:a\s+|another\s+|one\s+more\s+)?(?:small\s+)?hints?\b",
    re.I,
)
_ASKING = re.compile(
    r"\?|^\s*(?:what|how|who|which|where|when|why|is|are|do|does|did|can|could|may|"
    r"should|would|will|tell me|i'd like to know|i would like to know)\b",
    re.I,
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "the and for are was were has have had does did can could would should will what how who "
    "which where when why this that these those there their them they you your our any some "
    "about with from into than then also just like know want tell much many more most over "
    "per each every its it's is a an of to in on at by or be as do we us me my".split()
)


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _terms(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in _STOP}


def _block_lines(pattern: re.Pattern[str], instructions: str) -> list[str]:
    match = pattern.search(instructions)
    return [line.strip() for line in match.group("body").splitlines()] if match else []


@dataclass
class CaseScript:
    """What the scripted interviewer knows of the case question, and which hints it gave."""

    question_number: int = 0
    brief: str = ""
    facts: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    hints_given: int = 0

    @classmethod
    def from_instructions(cls, instructions: str) -> CaseScript:
        question = CASE_QUESTION.search(instructions or "")
        if question is None:
            return cls()
        lines = _block_lines(_CONTEXT, instructions)
        return cls(
            question_number=int(question.group(1)),
            brief=" ".join(lines),
            facts=[ln[1:].strip() for ln in _block_lines(_DATA, instructions) if ln[:1] == "-"],
            hints=[
                re.sub(r"^\d+\.\s*", "", ln)
                for ln in _block_lines(_HINTS, instructions)
                if re.match(r"^\d+\.", ln)
            ],
        )

    def opening(self, first_line: str) -> str:
        """The first line, with the brief read out before question 1."""
        if self.question_number != 1 or not self.brief or "Here is question" not in first_line:
            return first_line
        return first_line.replace(
            "Here is question", f"Here is the case. {self.brief} Now, question", 1
        )

    def reply(self, heard: str) -> str | None:
        """A hint or a fact for what the candidate just said, or None to follow the script."""
        if not heard.strip():
            return None
        if _HINT_REQUEST.search(heard):
            return self._hint()
        if self.facts and _ASKING.search(heard):
            return self._fact(heard)
        return None

    def _hint(self) -> str:
        if self.hints_given >= len(self.hints):
            if not self.hints:
                return "I'd rather not steer you here. Tell me where you're stuck and how you would go on."
            return "That was my last hint. Tell me how you would go on from here."
        self.hints_given += 1
        return f"Here's a hint: {self.hints[self.hints_given - 1]}"

    def _fact(self, heard: str) -> str:
        asked = _terms(heard)
        scored = [(len(asked & _terms(fact)), fact) for fact in self.facts]
        best = max((score for score, _ in scored), default=0)
        if best == 0:
            return "I don't have data on that. What would you assume, and why?"
        shared = [fact for score, fact in scored if score == best][:2]
        return "Good question. " + " ".join(f.rstrip(".") + "." for f in shared)

    def for_instructions(self, instructions: str) -> CaseScript:
        """These rules, or new ones when a session.update changed the instructions (the hints
        already given on the same question still count)."""
        fresh = CaseScript.from_instructions(instructions)
        if (fresh.question_number, fresh.brief, fresh.facts, fresh.hints) == (
            self.question_number,
            self.brief,
            self.facts,
            self.hints,
        ):
            return self
        if fresh.question_number == self.question_number:
            fresh.hints_given = self.hints_given
        return fresh

    def line(
        self, *, heard: str | None, first: bool, scripted: Callable[[], str]
    ) -> tuple[str, bool]:
        """The next thing to say and whether it was the script's own line (which then advances):
        the opening (with the brief), else a hint or fact asked for, else `scripted()`."""
        if first:
            return self.opening(scripted()), True
        reply = self.reply(heard or "")
        return (reply, False) if reply is not None else (scripted(), True)
