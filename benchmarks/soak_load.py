"""Soak: 10,000 concurrent runs in one nursery (each: a 50 ms model call, a tool, another 50 ms model call),
while 100 threads enqueue into live runs. Not a timed test: it checks, then reports.

Checks: no run is lost; every enqueue was either accepted and then delivered exactly once, or refused with
``UserError``; once the nursery has closed no run object is left and the number of live Python objects is
back to where it started (RSS itself stays near its peak: CPython keeps freed arenas for reuse). Reports wall
time, peak and final RSS, object counts, and messages delivered/refused.
"""

from __future__ import annotations

import functools
import gc
import random
import sys
import threading
import time
from collections import Counter
from typing import Any

import trio
from _harness import current_rss_kb, emit

from trio_agent import Agent, AgentRun, UsageLimits, UserError
from trio_agent.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart, UserPromptPart
from trio_agent.models.function import AgentInfo, FunctionModel

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
THREADS = 100
ENQUEUES_PER_THREAD = 100


async def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    await trio.sleep(0.05)
    if not any(isinstance(m, ModelResponse) for m in messages):
        return ModelResponse(parts=[ToolCallPart("lookup", {"key": "k"}, "c1")])
    return ModelResponse(parts=[TextPart("ok")])


def enqueue_from_thread(
    live: dict[int, AgentRun[Any, Any]], lock: threading.Lock, seed: int, log: list[tuple[int, str, bool]]
) -> None:
    rng = random.Random(seed)
    for i in range(ENQUEUES_PER_THREAD):
        with lock:
            keys = list(live)
        if not keys:
            time.sleep(0.001)
            continue
        run_index = rng.choice(keys)
        run = live.get(run_index)
        if run is None:
            continue
        text = f"steer {seed}-{i}"
        try:
            run.enqueue(text, priority=rng.choice(["asap", "when_idle"]))
            log.append((run_index, text, True))
        except UserError:
            log.append((run_index, text, False))
        time.sleep(rng.uniform(0, 0.002))


def check_delivery(finished: dict[int, list[ModelMessage]], log: list[tuple[int, str, bool]]) -> tuple[int, int]:
    """Every accepted enqueue was delivered exactly once, to its run; returns (delivered, refused)."""
    delivered: Counter[tuple[int, str]] = Counter()
    for index, messages in finished.items():
        for message in messages:
            if isinstance(message, ModelRequest):
                for part in message.parts:
                    if (
                        isinstance(part, UserPromptPart)
                        and isinstance(part.content, str)
                        and part.content.startswith("steer")
                    ):
                        delivered[(index, part.content)] += 1
    accepted = {(i, text) for i, text, ok in log if ok}
    assert set(delivered) == accepted, "an accepted message was not delivered (or one was made up)"
    assert all(count == 1 for count in delivered.values()), "a message was delivered twice"
    return len(accepted), sum(1 for _, _, ok in log if not ok)


async def main() -> None:
    agent = Agent(FunctionModel(model))

    @agent.tool_plain
    async def lookup(key: str) -> str:
        return f"value of {key}"

    gc.collect()
    baseline = current_rss_kb()
    objects_before = len(gc.get_objects())
    live: dict[int, AgentRun[Any, Any]] = {}
    lock = threading.Lock()
    finished: dict[int, list[ModelMessage]] = {}
    log: list[tuple[int, str, bool]] = []

    async def one_run(index: int) -> None:
        # Near the end the threads' enqueues pile into the last few live runs, each one costing that run another
        # request: no request limit, since what is checked is delivery.
        async with agent.iter(f"run {index}", usage_limits=UsageLimits(request_limit=None)) as run:
            with lock:
                live[index] = run
            try:
                async for _ in run:
                    pass
            finally:
                with lock:
                    live.pop(index, None)
        assert run.result is not None
        finished[index] = run.all_messages()

    start = time.perf_counter()
    peak = baseline
    async with trio.open_nursery() as nursery:
        for index in range(RUNS):
            nursery.start_soon(one_run, index)
        await trio.sleep(0.01)
        limiter = trio.CapacityLimiter(THREADS)
        for seed in range(THREADS):
            nursery.start_soon(
                functools.partial(trio.to_thread.run_sync, enqueue_from_thread, live, lock, seed, log, limiter=limiter)
            )
        while len(finished) < RUNS:
            peak = max(peak, current_rss_kb())
            await trio.sleep(0.05)
    wall = time.perf_counter() - start
    assert len(finished) == RUNS, "a run was lost"

    delivered_count, refused = check_delivery(finished, log)
    finished.clear()
    live.clear()
    log.clear()
    gc.collect()
    after = current_rss_kb()
    leftovers = sum(
        1
        for o in gc.get_objects()
        if type(o).__module__.startswith("trio_agent")
        and type(o).__name__ in ("Driver", "AgentRun", "RunState", "Mailbox")
    )
    assert leftovers == 0, f"{leftovers} run objects outlived their runs"
    emit(
        f"soak {RUNS} runs + {THREADS} enqueueing threads",
        wall_s=round(wall, 2),
        baseline_rss_mb=round(baseline / 1024, 1),
        peak_rss_mb=round(peak / 1024, 1),
        after_rss_mb=round(after / 1024, 1),
        python_objects_before=objects_before,
        python_objects_after=len(gc.get_objects()),
        run_objects_left=leftovers,
        rss_per_live_run_kb=round((peak - baseline) / RUNS, 1),
        enqueued_delivered=delivered_count,
        enqueued_refused=refused,
    )


if __name__ == "__main__":
    trio.run(main)
