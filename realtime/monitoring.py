"""Room stage timings and supervised calls summarised for staff over a recent window."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from interviews.models import StageTiming
from realtime.models import RealtimeCall

# The connect path of DESIGN section 7, in order; "active" is reached at Start-to-active.
CONNECT_STAGES = (
    "requesting_mic",
    "testing_api",
    "fetching_token",
    "creating_offer",
    "exchanging_sdp",
    "connecting_webrtc",
    "data_channel_open",
    "active",
)


@dataclass(frozen=True)
class StageStats:
    stage: str
    samples: int
    p50_ms: int | None  # time spent getting from the previous stage to this one
    p95_ms: int | None
    p50_since_start_ms: int | None  # time from the Start click to reaching this stage
    p95_since_start_ms: int | None


@dataclass(frozen=True)
class TimingSummary:
    stages: list[StageStats]
    start_to_active: StageStats
    attempts: int
    errors: dict[str, int]
    slowest_stage: str | None


def percentile(values: list[int], pct: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least pct% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _stats(stage: str, durations: list[int], elapsed: list[int]) -> StageStats:
    return StageStats(
        stage=stage,
        samples=len(elapsed),
        p50_ms=percentile(durations, 50),
        p95_ms=percentile(durations, 95),
        p50_since_start_ms=percentile(elapsed, 50),
        p95_since_start_ms=percentile(elapsed, 95),
    )


def stage_timings_summary(*, since: datetime) -> TimingSummary:
    """p50/p95 per connect stage (duration and time since Start) for timings stored since then."""
    rows = StageTiming.objects.filter(created_at__gte=since).values_list(
        "interview_id", "attempt", "question_number", "stage", "elapsed_ms", "error"
    )
    attempts: dict[tuple, dict[str, int]] = defaultdict(dict)
    errors: dict[str, int] = defaultdict(int)
    for interview_id, attempt, question_number, stage, elapsed_ms, error in rows:
        attempts[(interview_id, attempt, question_number)][stage] = elapsed_ms
        if stage == "error":
            errors[error or "unknown"] += 1
    durations: dict[str, list[int]] = defaultdict(list)
    elapsed: dict[str, list[int]] = defaultdict(list)
    for reached in attempts.values():
        previous = 0
        for stage in CONNECT_STAGES:
            if stage not in reached:
                continue
            elapsed[stage].append(reached[stage])
            durations[stage].append(max(0, reached[stage] - previous))
            previous = reached[stage]
    stages = [_stats(stage, durations[stage], elapsed[stage]) for stage in CONNECT_STAGES]
    timed = [s for s in stages if s.p95_ms is not None]
    return TimingSummary(
        stages=stages,
        start_to_active=_stats("start_to_active", elapsed["active"], elapsed["active"]),
        attempts=len(attempts),
        errors=dict(sorted(errors.items(), key=lambda item: -item[1])),
        slowest_stage=max(timed, key=lambda s: s.p95_ms).stage if timed else None,
    )


@dataclass(frozen=True)
class CallSummary:
    """The server's side of the connect path: calls created, how they ended, what they used."""

    created: int
    live: int
    failed: int
    by_end_reason: dict[str, int]
    create_p50_ms: int | None  # the calls request on the server, upstream included
    create_p95_ms: int | None
    upstream_p50_ms: int | None
    upstream_p95_ms: int | None
    input_tokens: int
    output_tokens: int
    audio_minutes: float


def calls_summary(*, since: datetime) -> CallSummary:
    """Counts, end reasons, create latency and usage of the supervised calls made since then."""
    rows = list(
        RealtimeCall.objects.filter(created_at__gte=since).values_list(
            "status",
            "end_reason",
            "total_ms",
            "upstream_ms",
            "input_tokens",
            "output_tokens",
            "audio_seconds",
        )
    )
    reasons: dict[str, int] = defaultdict(int)
    for status, reason, *_ in rows:
        if status == RealtimeCall.Status.ENDED:
            reasons[reason or "unknown"] += 1
    totals = [int(row[2]) for row in rows]
    upstream = [int(row[3]) for row in rows]
    return CallSummary(
        created=sum(row[0] != RealtimeCall.Status.FAILED for row in rows),
        live=sum(row[0] == RealtimeCall.Status.LIVE for row in rows),
        failed=sum(row[0] == RealtimeCall.Status.FAILED for row in rows),
        by_end_reason=dict(sorted(reasons.items(), key=lambda item: -item[1])),
        create_p50_ms=percentile(totals, 50),
        create_p95_ms=percentile(totals, 95),
        upstream_p50_ms=percentile(upstream, 50),
        upstream_p95_ms=percentile(upstream, 95),
        input_tokens=sum(row[4] for row in rows),
        output_tokens=sum(row[5] for row in rows),
        audio_minutes=round(sum(row[6] for row in rows) / 60, 1),
    )
