"""Runs ``trio_agent.testing.FakeLLMServer`` in its own process (for W6), printing its port."""

from __future__ import annotations

import trio

from trio_agent.testing import FakeLLMServer


async def main() -> None:
    server = FakeLLMServer()
    async with trio.open_nursery() as nursery:
        await nursery.start(server.serve)
        print(server.port, flush=True)


if __name__ == "__main__":
    trio.run(main)
