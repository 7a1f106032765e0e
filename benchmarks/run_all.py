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

HERE = Path(__file__).parent
WORKLOADS: list[list[str]] = [
    ["w1_single_turn.py", "run"],
    ["w1_single_turn.py", "iter"],
    ["w2_tool_loop.py", "run"],
    ["w2_tool_loop.py", "iter"],
    ["w3_parallel_tools.py"],
    ["w4_stream_deltas.py"],
    ["w5_concurrent_runs.py", "100"],
    ["w5_concurrent_runs.py", "1000"],
    ["w5_concurrent_runs.py", "10000"],
    ["w5_concurrent_runs.py", "10000", "nogc"],
    ["w5_concurrent_runs.py", "10000", "bare"],
    ["w5_concurrent_runs.py", "10000", "nogc", "bare"],
    *[["w6_http.py", kind, mode, c] for mode in ("plain", "stream") for c in ("1", "64") for kind in ("agent", "bare")],
    ["w7_import.py"],
    ["soak_load.py", "10000"],
]
ONCE = {"soak_load.py"}
"""Workloads too long to repeat: run in one process."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per workload (median reported)")
    parser.add_argument("filter", nargs="?", default="", help="run only workloads whose script name contains this")
    args = parser.parse_args()
    for workload in WORKLOADS:
        if args.filter not in " ".join(workload):
            continue
        samples = []
        for _ in range(1 if workload[0] in ONCE else args.repeat):
            out = subprocess.run(
                [sys.executable, str(HERE / workload[0]), *workload[1:]], check=True, capture_output=True, text=True
            ).stdout
            samples.append(json.loads(out.strip().splitlines()[-1]))
        merged: dict[str, object] = {"workload": samples[0]["workload"], "processes": len(samples)}
        for key, value in samples[0].items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                merged[key] = round(statistics.median(s[key] for s in samples), 1)
        print(json.dumps(merged))


if __name__ == "__main__":
    main()
