"""Gunicorn config for `BENCH_PROFILE=1 bench/load.py`: profile every worker's CPU with yappi.

yappi (pinned in requirements-dev.txt) measures CPU time across all of a worker's threads, which
cProfile cannot; each worker saves pstats to VOCAHIRE_PROFILE_DIR/yappi.<pid>.pstat on exit, and
load.py prints the most expensive functions. The profiler slows the workers several times over:
read its figures as shares of the work, not as latency.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yappi


def post_fork(server: Any, worker: Any) -> None:
    yappi.set_clock_type("cpu")
    yappi.start(builtins=False, profile_threads=True)


def worker_exit(server: Any, worker: Any) -> None:
    yappi.stop()
    directory = Path(os.environ.get("VOCAHIRE_PROFILE_DIR", "/tmp"))
    yappi.get_func_stats().save(str(directory / f"yappi.{os.getpid()}.pstat"), type="pstat")
