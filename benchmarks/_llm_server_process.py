"""Runs the tests' fake OpenAI-compatible server in its own process (for W6), printing its port."""

from __future__ import annotations

import sys
from pathlib import Path

import trio

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from llm_server import LLMServer


async def main() -> None:
    server = LLMServer()
    async with trio.open_nursery() as nursery:
        await nursery.start(server.serve)
        print(server.port, flush=True)


if __name__ == "__main__":
    trio.run(main)
