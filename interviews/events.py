"""What the room and the supervisor record during an interview: stage timings, call ids and
transcript turns, each stored once however often it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import User
from interviews.access import _locked
from interviews.errors import Status, _require_in_progress, question_number_check
from interviews.models import Interview, StageTiming, TranscriptTurn
from interviews.signals import interview_call_reported
from vocahire.lib.bulk import insert_new

TURN_TEXT_MAX = 4_000


@transaction.atomic
def interview_events_record(*, interview: Interview, actor: User, events: list[dict]) -> dict:
    """Store a batch of stage timings, call ids and transcript turns; re-sent events are ignored."""
    by_type: dict[str, list[dict]] = {"stage": [], "call": [], "turn": []}
    for event in events:
        by_type[event["type"]].append(event)
    # Timings and turns are inserted skipping duplicates and change no interview state: only a
    # new call id (a write to the interview row) takes the lock.
    if any(e["call_id"] != interview.call_id for e in by_type["call"]):
        interview = _locked(interview)
    if (by_type["turn"] or by_type["call"]) and interview.status not in (
        Status.IN_PROGRESS,
        Status.COMPLETED,
    ):
        _require_in_progress(interview)
    _question_numbers_check(interview=interview, events=by_type["stage"] + by_type["turn"])
    return {
        "stages": _stage_timings_store(interview=interview, events=by_type["stage"]),
        "turns": _turns_store(interview=interview, events=by_type["turn"]),
        "call_id": _call_id_store(interview=interview, events=by_type["call"]),
    }


def _question_numbers_check(*, interview: Interview, events: list[dict]) -> None:
    highest = max(interview.question_count, 1)
    for event in events:
        question_number_check(interview=interview, number=event["question_number"], count=highest)


def _stage_timings_store(*, interview: Interview, events: list[dict]) -> dict[str, int]:
    new: dict[tuple, StageTiming] = {}
    for e in events:
        key = (e["attempt"], e["question_number"], e["stage"])
        if key not in new:
            new[key] = StageTiming(
                interview=interview,
                attempt=e["attempt"],
                question_number=e["question_number"],
                stage=e["stage"],
                elapsed_ms=e["elapsed_ms"],
                error=e.get("error", ""),
            )
    # One statement: rows already stored (a re-sent batch, or a concurrent one) are skipped.
    stored = insert_new(list(new.values()))
    return {"stored": stored, "duplicates": len(events) - stored}


def _turns_store(*, interview: Interview, events: list[dict]) -> dict[str, int]:
    if interview.supervised and events:
        # The supervisor records this interview's transcript from upstream's own events.
        return {"stored": 0, "duplicates": 0, "empty": 0, "ignored": len(events)}
    if not events:
        return {"stored": 0, "duplicates": 0, "empty": 0}
    existing = set(
        interview.turns.filter(client_turn_id__in={e["id"] for e in events}).values_list(
            "client_turn_id", flat=True
        )
    )
    new: dict[str, TranscriptTurn] = {}
    empty = 0
    for e in events:
        text = e["text"].strip()[:TURN_TEXT_MAX]
        if not text:
            empty += 1  # silence transcribed as nothing: not a turn
        elif e["id"] not in existing and e["id"] not in new:
            new[e["id"]] = _turn_build(interview=interview, event=e, text=text)
    TranscriptTurn.objects.bulk_create(new.values(), ignore_conflicts=True)
    return {"stored": len(new), "duplicates": len(events) - len(new) - empty, "empty": empty}


def _turn_build(*, interview: Interview, event: dict[str, Any], text: str) -> TranscriptTurn:
    return TranscriptTurn(
        interview=interview,
        client_turn_id=event["id"],
        question_number=event["question_number"],
        speaker=event["speaker"],
        text=text,
        start_ms=event["start_ms"],
        duration_ms=event["duration_ms"],
        source=event.get("source") or TranscriptTurn.Source.SPEECH,
        origin=TranscriptTurn.Origin.CLIENT,
    )


@dataclass(frozen=True)
class ServerTurn:
    """A turn a supervisor saw complete upstream (candidate transcription or interviewer audio)."""

    interview_id: str
    item_id: str  # upstream's item id: a re-attached sideband never stores a turn twice
    question_number: int
    speaker: str
    text: str
    start_ms: int
    duration_ms: int
    typed: bool = False


def interview_turns_record_server(*, turns: list[ServerTurn]) -> int:
    """Store turns recorded by a supervisor in one insert; returns how many were given."""
    # No interview lock: a turn changes no interview state, and the unique item id makes a
    # repeated turn a no-op (ignore_conflicts), so many supervisors may write side by side.
    rows = [
        TranscriptTurn(
            interview_id=turn.interview_id,
            client_turn_id=f"rt:{turn.item_id}"[:100],
            question_number=turn.question_number,
            speaker=turn.speaker,
            text=turn.text.strip()[:TURN_TEXT_MAX],
            start_ms=max(0, turn.start_ms),
            duration_ms=max(0, turn.duration_ms),
            source=TranscriptTurn.Source.TYPED if turn.typed else TranscriptTurn.Source.SPEECH,
            origin=TranscriptTurn.Origin.SERVER,
        )
        for turn in turns
        if turn.text.strip()
    ]
    TranscriptTurn.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _call_id_store(*, interview: Interview, events: list[dict]) -> str:
    for event in events:
        if event["call_id"] != interview.call_id:
            interview.call_id = event["call_id"]
            interview.save(update_fields=["call_id", "updated_at"])
            _call_reported_on_commit(interview)
    return interview.call_id


def _call_reported_on_commit(interview: Interview) -> None:
    # A call reported after the end must be hung up at once: its deadline is the end time.
    deadline = interview.ended_at if interview.is_finished else interview.deadline
    interview_id, call_id = str(interview.pk), interview.call_id
    transaction.on_commit(
        lambda: interview_call_reported.send(
            sender=Interview, interview_id=interview_id, call_id=call_id, deadline=deadline
        )
    )
