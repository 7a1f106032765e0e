"""Run every benchmark in fresh processes (several repetitions each) and print the median figures.

Usage: ``python benchmarks/run_all.py [--repeat N] [name-filter]``; ``nox -s bench`` runs it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
GROUPS: list[list[list[str]]] = [
    [["w1_single_turn.py", m, *t] for m, t in (("run", ()), ("iter", ()), ("floor", ()), ("run", ("traced",)))],
    [["w2_tool_loop.py", m, *t] for m, t in (("run", ()), ("iter", ()), ("floor", ()), ("run", ("traced",)))],
    [["w3_parallel_tools.py"]],
    [["w4_stream_deltas.py"]],
    [["w4_stream_deltas.py", "40000"]],
    [["w5_concurrent_runs.py", "100"]],
    [["w5_concurrent_runs.py", "1000"]],
    [["w5_concurrent_runs.py", "10000"], ["w5_concurrent_runs.py", "10000", "bare"]],
    [["w5_concurrent_runs.py", "10000", "nogc"], ["w5_concurrent_runs.py", "10000", "nogc", "bare"]],
    *[
        [["w6_http.py", kind, mode, c] for kind in ("agent", "bare")]
        for mode in ("plain", "stream")
        for c in ("1", "64")
    ],
    [["http_layers.py"]],
    [["w7_import.py"]],
    [["w8_mcp.py"]],
    [["long_history.py", "400"]],
    [["long_history.py", "4000"]],
    [["soak_load.py", "10000"]],
    [["durable_steps.py"]],
    [["board_events.py", "plain"], ["board_events.py", "board"]],
]
"""Workloads in a group run in turns (one process each per round), so that the machine's load drifting
between rounds weighs on all of them alike: W6 compares the agent with bare httpx2 this way."""
ONCE = {"soak_load.py"}
"""Workloads too long to repeat: run in one process."""


def sample(workload: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(HERE / workload[0]), *workload[1:]], check=True, capture_output=True, text=True
    ).stdout
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per workload (median reported)")
    parser.add_argument("filter", nargs="?", default="", help="run only workloads whose script name contains this")
    args = parser.parse_args()
    for group in GROUPS:
        workloads = [w for w in group if args.filter in " ".join(w)]
        samples: list[list[dict[str, Any]]] = [[] for _ in workloads]
        for _ in range(1 if group[0][0] in ONCE else args.repeat):
            for index, workload in enumerate(workloads):
                samples[index].append(sample(workload))
        for runs in samples:
            merged: dict[str, Any] = {"workload": runs[0]["workload"], "processes": len(runs)}
            for key, value in runs[0].items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    merged[key] = round(statistics.median(s[key] for s in runs), 1)
            print(json.dumps(merged))


if __name__ == "__main__":
    main()
