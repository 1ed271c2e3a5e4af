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

from .lines import Lines, lines_for
from .script import CASE_QUESTION

_BLOCK = r"^{heading}[^\n]*:[ \t]*\n(?P<body>(?:[^\n]+\n?)+)"
_CONTEXT = re.compile(_BLOCK.format(heading=r"CASE CONTEXT"), re.M)
_DATA = re.compile(_BLOCK.format(heading=r"INTERVIEWER DATA"), re.M)
_HINTS = re.compile(_BLOCK.format(heading=r"HINTS"), re.M)
_WORD = re.compile(r"[^\W_]+")
_STOP = lines_for("en").stop_words


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _terms(text: str, stop_words: frozenset[str]) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in stop_words}


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
    lines: Lines = field(default_factory=lambda: lines_for("en"))

    @classmethod
    def from_instructions(cls, instructions: str, language: str | None = None) -> CaseScript:
        question = CASE_QUESTION.search(instructions or "")
        if question is None:
            return cls(lines=lines_for(language))
        lines = _block_lines(_CONTEXT, instructions)
        return cls(
            lines=lines_for(language),
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
        lead = self.lines.case_question_lead
        if self.question_number != 1 or not self.brief or lead not in first_line:
            return first_line
        return first_line.replace(lead, self.lines.case_brief_lead.format(brief=self.brief), 1)

    def reply(self, heard: str) -> str | None:
        """A hint or a fact for what the candidate just said, or None to follow the script."""
        if not heard.strip():
            return None
        if self.lines.hint_request.search(heard):
            return self._hint()
        if self.facts and self.lines.asking.search(heard):
            return self._fact(heard)
        return None

    def _hint(self) -> str:
        if self.hints_given >= len(self.hints):
            return self.lines.hint_last if self.hints else self.lines.hint_none
        self.hints_given += 1
        return self.lines.hint.format(hint=self.hints[self.hints_given - 1])

    def _fact(self, heard: str) -> str:
        # The case's facts are in its own (English) words; the question is matched with both the
        # language's and English stop words left out, so shared names and figures still count.
        stop = self.lines.stop_words | _STOP
        asked = _terms(heard, stop)
        scored = [(len(asked & _terms(fact, stop)), fact) for fact in self.facts]
        best = max((score for score, _ in scored), default=0)
        if best == 0:
            return self.lines.fact_missing
        shared = [fact for score, fact in scored if score == best][:2]
        return f"{self.lines.fact_intro} " + " ".join(f.rstrip(".") + "." for f in shared)

    def for_instructions(self, instructions: str, language: str | None = None) -> CaseScript:
        """These rules, or new ones when a session.update changed the instructions or the
        language (the hints already given on the same question still count)."""
        fresh = CaseScript.from_instructions(instructions, language)
        if (fresh.question_number, fresh.brief, fresh.facts, fresh.hints, fresh.lines) == (
            self.question_number,
            self.brief,
            self.facts,
            self.hints,
            self.lines,
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
