"""Durable steps: what recording a run's steps with DBOS costs, per step, on SQLite and on Postgres.

Usage: ``python durable_steps.py`` (needs ``trio-agent[dbos]``; and ``pgserver`` for Postgres, which is skipped
with a note without it).

One scripted run on FunctionModel: four model responses calling a tool, then the answer, so 9 recorded steps
(5 model requests, 4 tool calls). In one process it is measured (a) as a plain ``Agent.run``, (b) as a
``DBOSAgent`` workflow on SQLite (a file in a temporary directory) and (c) on Postgres (a server ``pgserver``
starts in a temporary directory, on a Unix socket), runs one at a time. Figures: the median milliseconds per
run of each, the overhead per recorded step, ``(durable - plain) / 9`` in milliseconds (it includes the
workflow's own cost: its status rows, its worker thread and its ``trio.run``, spread over the steps), runs
per second (one at a time: ``1000 / ms per run``), and beside them the milliseconds per run of a bare DBOS
workflow of 9 trivial steps on the same database (DBOS's own cost, without the agent and the trio bridge).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import trio
from _harness import emit

from trio_agent import Agent
from trio_agent.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from trio_agent.models.function import AgentInfo, FunctionModel

TURNS = 5
STEPS = 2 * TURNS - 1
PROMPT = "go"
PLAIN_RUNS, PLAIN_WARMUP = 500, 100
DURABLE_RUNS, DURABLE_WARMUP = 60, 10


async def script(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    turn = sum(1 for m in messages if isinstance(m, ModelResponse))
    if turn < TURNS - 1:
        return ModelResponse(parts=[ToolCallPart("step", {"n": turn}, f"call_{turn}")])
    return ModelResponse(parts=[TextPart("done")])


agent = Agent(FunctionModel(script), name="bench_durable")


@agent.tool_plain
async def step(n: int) -> int:
    return n + 1


async def run_times(body: Callable[[], Awaitable[Any]], runs: int, warmup: int) -> list[float]:
    """Seconds each of ``runs`` calls of ``body`` took, after ``warmup`` calls."""
    for _ in range(warmup):
        await body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await body()
        times.append(time.perf_counter() - start)
    return times


async def durable_times(durable: Any, bare: Any, database_url: str) -> tuple[list[float], list[float]]:
    """Seconds per run of ``durable`` (the agent as a workflow) and of ``bare`` (a workflow of as many trivial
    steps, DBOS alone), on ``database_url``."""
    from dbos import DBOS

    from trio_agent.durable.dbos import open_dbos

    config = {"name": "bench_durable", "system_database_url": database_url, "log_level": "WARNING"}
    async with open_dbos(config):  # type: ignore[arg-type]
        result = await durable.run(PROMPT, workflow_id="check")
        steps = await trio.to_thread.run_sync(DBOS.list_workflow_steps, "check")
        assert result.output == "done", result.output
        assert len(steps) == STEPS, steps  # each model request and tool call is a recorded step
        agent_times = await run_times(lambda: durable.run(PROMPT), DURABLE_RUNS, DURABLE_WARMUP)
        bare_times = await run_times(lambda: trio.to_thread.run_sync(bare), DURABLE_RUNS, DURABLE_WARMUP)
        return agent_times, bare_times


def bare_workflow() -> Callable[[], Any]:
    """A DBOS workflow of ``STEPS`` trivial steps, started from a thread as ``DBOSAgent.run`` starts its own."""
    from dbos import DBOS

    @DBOS.workflow(name="bench_durable.bare")
    def bare() -> int:
        return sum(DBOS.run_step({"name": "bare.step"}, lambda n=n: n) for n in range(STEPS))

    return bare


@contextmanager
def postgres() -> Iterator[str | None]:
    """The URL of a database on a Postgres server started for the benchmark (``None`` without pgserver)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (platformdirs: XDG_RUNTIME_DIR is unset)
            import pgserver
    except ImportError:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-durable-pg-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(directory / "data", cleanup_mode="delete")
        try:
            yield server.get_uri("bench_durable")
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def figures(name: str, times: tuple[list[float], list[float]], plain_ms: float) -> dict[str, float]:
    durable_ms, bare_ms = (statistics.median(t) * 1e3 for t in times)
    return {
        f"{name}_ms_per_run": round(durable_ms, 3),
        f"{name}_ms_per_step_overhead": round((durable_ms - plain_ms) / STEPS, 3),
        f"{name}_runs_per_s": round(1000 / durable_ms, 1),
        f"{name}_bare_dbos_ms_per_run": round(bare_ms, 3),
    }


async def main() -> None:
    plain_ms = statistics.median(await run_times(lambda: agent.run(PROMPT), PLAIN_RUNS, PLAIN_WARMUP)) * 1e3
    results: dict[str, Any] = {
        "steps": STEPS,
        "plain_ms_per_run": round(plain_ms, 3),
        "plain_runs_per_s": round(1000 / plain_ms, 1),
    }
    try:
        from trio_agent.durable.dbos import DBOSAgent
    except ImportError:
        print("durable_steps: DBOS is not installed (pip install 'trio-agent[dbos]'): skipped", file=sys.stderr)
        emit("Durable steps (plain only)", **results)
        return
    durable = DBOSAgent(agent)
    bare = bare_workflow()

    with tempfile.TemporaryDirectory() as directory:
        sqlite = await durable_times(durable, bare, f"sqlite:///{directory}/dbos.sqlite")
    results.update(figures("sqlite", sqlite, plain_ms))

    with postgres() as url:
        if url is None:
            print("durable_steps: pgserver is not installed (pip install pgserver): Postgres skipped", file=sys.stderr)
            results["postgres"] = "skipped: pgserver is not installed"
        else:
            results.update(figures("postgres", await durable_times(durable, bare, url), plain_ms))

    emit(f"Durable steps: a run of {STEPS} steps, plain and as a DBOS workflow (SQLite, Postgres)", **results)


if __name__ == "__main__":
    trio.run(main)
