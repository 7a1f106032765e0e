"""W6 on the code before issue 18 (httpx 0.28) and on this checkout, in turns, with today's workload.

Usage: ``python benchmarks/w6_before_after.py [--mode stream|plain] [--rounds 5] [--rev 47e4c59]``.

The first time, it exports ``--rev`` (default: the last commit before the HTTP layer moved to httpx2) with
``git archive`` into ``~/.cache/trio_agent_bench/<rev>/`` and installs it with httpx 0.28.1 into a virtual
environment there (PyPI must be reachable); later runs reuse it. Each round then runs, in fresh processes and
in this order, ``w6_http.py agent <mode> 64`` on the old code, the same on this checkout, and the bare httpx2
loop: this directory's ``w6_http.py`` every time (the old code runs today's workload: an async tool, the same
server and bodies), so the three see the same machine within seconds of each other. It prints each round and the
medians, with the two ratios issue 18 sets targets for: new/old runs/s (≥ 2.5) and bare/new (≤ 1.2).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import statistics
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT_REV = "47e4c59"
"""The last commit whose HTTP layer was httpx (the parent of the move to httpx2)."""
SHARED = ("trio", "outcome", "sniffio", "anyio", "h11", "pydantic", "pydantic-core", "httpx2", "httpcore2")
"""Packages both sides use: the old environment gets the versions installed here, so only our code and httpx
differ (the server, the event loop and the bare loop run on the same libraries)."""


def old_python(rev: str) -> Path:
    """The interpreter of a virtual environment with the code of ``rev`` and httpx 0.28.1 (made once)."""
    home = Path.home() / ".cache" / "trio_agent_bench" / rev
    python = home / "venv" / "bin" / "python"
    if python.exists():
        return python
    source = home / "src"
    source.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    venv.create(home / "venv", with_pip=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in SHARED]
    subprocess.run([python, "-m", "pip", "install", "-q", str(source), "httpx==0.28.1", *pins], check=True)
    return python


def run(python: Path | str, kind: str, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [str(python), str(HERE / "w6_http.py"), kind, mode, "64"], check=True, capture_output=True, text=True, cwd=HERE
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("stream", "plain"), default="stream")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rev", default=DEFAULT_REV)
    args = parser.parse_args()
    old = old_python(args.rev)
    rows: list[tuple[float, float, float]] = []
    for _ in range(args.rounds):
        before = run(old, "agent", args.mode)["runs_per_s"]
        after = run(sys.executable, "agent", args.mode)["runs_per_s"]
        bare = run(sys.executable, "bare", args.mode)["runs_per_s"]
        rows.append((before, after, bare))
        print(f"runs/s  before {before:5.0f}  after {after:5.0f}  bare httpx2 {bare:5.0f}", flush=True)
    before, after, bare = (statistics.median(column) for column in zip(*rows, strict=True))
    print(
        json.dumps(
            {
                "workload": f"W6 {args.mode} c=64, {args.rev} vs this checkout",
                "rounds": args.rounds,
                "before_runs_per_s": before,
                "after_runs_per_s": after,
                "bare_runs_per_s": bare,
                "after_over_before": round(after / before, 2),
                "bare_over_after": round(bare / after, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
