"""The runs board's cost: N concurrent streamed runs of D text deltas each, reporting to a ``RunBoard``
(``event_channel=board.channel()``) or, for comparison, to a plain memory channel a task drains.

Usage: ``python board_events.py [board|plain] [N] [D]``. Reports wall and CPU seconds, events per second, and
the CPU per event; the difference between ``board`` and ``plain`` is what the board's records cost (its reader
applies every event to the run's summary and transcript).
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import trio
from _harness import emit

from trio_agent import Agent
from trio_agent.messages import ModelMessage
from trio_agent.models.function import AgentInfo, FunctionModel
from trio_agent.web import RunBoard


def agent_of(deltas: int) -> Agent[None, str]:
    async def stream(messages: list[ModelMessage], info: AgentInfo) -> AsyncIterator[str]:
        for n in range(deltas):
            yield f"word{n} "

    return Agent(FunctionModel(stream_function=stream, model_name="scripted"), name="writer")


async def drain(receive: trio.MemoryReceiveChannel[Any], counter: list[int]) -> None:
    async with receive:
        async for _event in receive:
            counter[0] += 1


async def main(kind: str, runs: int, deltas: int) -> None:
    agent = agent_of(deltas)
    counter = [0]
    wall, cpu = time.perf_counter(), time.process_time()
    if kind == "board":
        async with RunBoard(keep=runs) as board, trio.open_nursery() as nursery:
            for n in range(runs):
                nursery.start_soon(lambda n=n: agent.run(f"run {n}", event_channel=board.channel()))
        assert all(r.status == "completed" for r in board.runs())
        events = sum(len(r.ops) for r in board.runs())
    else:
        send, receive = trio.open_memory_channel[Any](256)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(drain, receive, counter)
            async with send, trio.open_nursery() as running:
                for n in range(runs):
                    running.start_soon(lambda n=n: agent.run(f"run {n}", event_channel=send.clone()))
        events = counter[0]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    emit(
        f"Board: {runs} concurrent streamed runs of {deltas} deltas, events to a {kind} channel",
        wall_s=round(wall, 3),
        cpu_s=round(cpu, 3),
        events=events,
        runs_per_s=round(runs / wall, 1),
        cpu_us_per_delta=round(cpu / (runs * deltas) * 1e6, 2),
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    trio.run(
        main,
        args[0] if args else "board",
        int(args[1]) if len(args) > 1 else 200,
        int(args[2]) if len(args) > 2 else 200,
    )
