"""Shared timing harness for the benchmark scripts: each prints one JSON line of figures."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import trio

from trio_agent._engine.driver import hand_over_late


def measure(body: Callable[[], Awaitable[None]], *, iterations: int, warmup: int, rounds: int = 5) -> dict[str, float]:
    """Run ``body`` ``warmup`` times, then ``rounds`` x ``iterations`` times; return per-call wall/CPU medians."""

    async def main() -> dict[str, float]:
        for _ in range(warmup):
            await body()
        walls, cpus = [], []
        for _ in range(rounds):
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for _ in range(iterations):
                await body()
            walls.append((time.perf_counter() - wall0) / iterations)
            cpus.append((time.process_time() - cpu0) / iterations)
        return {"wall_us": statistics.median(walls) * 1e6, "cpu_us": statistics.median(cpus) * 1e6}

    return trio.run(main)


def agent_bodies(agent: Any, prompt: str, steps: int = 3) -> dict[str, Callable[[], Awaitable[None]]]:
    """One complete run of ``agent``, driven by ``agent.run`` ("run") or by ``async for`` over ``agent.iter``;
    and ("floor") what ``iter``'s shape costs in trio alone for a run of ``steps`` steps: a nursery with one
    driver task, two buffer-0 memory channels, and one lock-step hand-over each way per step, no engine."""

    async def via_run() -> None:
        await agent.run(prompt)

    async def via_iter() -> None:
        async with agent.iter(prompt) as run:
            async for _ in run:
                pass

    async def serve(commands: trio.MemoryReceiveChannel[int], outcomes: trio.MemorySendChannel[int]) -> None:
        async for command in commands:
            try:
                outcomes.send_nowait(command)
            except trio.WouldBlock:
                await hand_over_late(outcomes, command)

    async def floor() -> None:
        commands_send, commands_receive = trio.open_memory_channel[int](0)
        outcomes_send, outcomes_receive = trio.open_memory_channel[int](0)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(serve, commands_receive, outcomes_send)
            for step in range(steps):
                try:
                    commands_send.send_nowait(step)
                except trio.WouldBlock:
                    await hand_over_late(commands_send, step)
                await outcomes_receive.receive()
            commands_send.close()

    return {"run": via_run, "iter": via_iter, "floor": floor}


def instrument_from_argv() -> Any:
    """``Agent(instrument=...)`` for a workload: with ``traced`` among the arguments, OpenTelemetry's SDK with
    an in-memory exporter (spans kept, dropped every 100) and an in-memory metric reader; else
    ``False``."""
    if "traced" not in sys.argv[1:]:
        return False
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from trio_agent import InstrumentationSettings

    class Dropping(InMemorySpanExporter):
        def export(self, spans: Any) -> Any:
            if len(self.get_finished_spans()) >= 100:
                self.clear()
            return super().export(spans)

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(Dropping()))
    meter_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    return InstrumentationSettings(tracer_provider=tracer_provider, meter_provider=meter_provider)


def current_rss_kb() -> int:
    """The process's resident set size now (Linux), in KB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(workload: str, **figures: Any) -> None:
    print(json.dumps({"workload": workload, **figures, "peak_rss_kb": peak_rss_kb()}))
    sys.stdout.flush()
