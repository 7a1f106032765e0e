"""W7: ``import trio_agent`` in a fresh interpreter, in milliseconds, beside importing its two core
dependencies (trio and pydantic) alone, which bounds it from below.

Measured as users see it, with the bytecode cache written: a first, unmeasured import writes it (an editable
install has none, and ``PYTHONDONTWRITEBYTECODE`` would keep it from being written)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from _harness import emit

SNIPPET = "import time; t = time.perf_counter(); import {}; print((time.perf_counter() - t) * 1000)"


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_ms(modules: str, repeat: int = 7) -> float:
    subprocess.run([sys.executable, "-c", f"import {modules}"], env=ENV, check=True)  # writes the bytecode cache
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", SNIPPET.format(modules)], capture_output=True, text=True, check=True, env=ENV
        )
        times.append(float(out.stdout))
    return statistics.median(times)


if __name__ == "__main__":
    emit(
        "W7 import",
        import_trio_agent_ms=round(median_ms("trio_agent"), 1),
        import_trio_and_pydantic_ms=round(median_ms("trio, pydantic"), 1),
    )
