"""Room stage timings summarised for staff: p50/p95 per stage over a recent window."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from interviews.models import StageTiming

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
