"""A worker process of the DBOS tests: one agent whose runs are DBOS workflows, against a FakeLLMServer.

Usage: ``python dbos_worker.py <phase> <base_url> <database_url> <workdir> [<run>...]``

* ``start``: launch DBOS and run the workflows named by ``<run>`` (ids), concurrently; print each result.
* ``recover``: launch DBOS (which recovers what this executor left unfinished), wait for the workflows named,
  and print each result.
* ``worker``: launch DBOS and serve its queue until the workflows named have all finished (Postgres, many
  workers): print the results.

The agent's tool ``note`` appends its call id to ``<workdir>/effects`` (the side effect the tests count). If
``<workdir>/hang_at`` names a call id, the tool first prints ``{"reached": <call id>, ...}`` and then waits
forever, before its side effect: the test kills the process there (so the step was never recorded).
Each result is printed as one JSON line: ``{"id": ..., "output": ..., "messages": n}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import trio
from dbos import DBOS, SetWorkflowID

from trio_agent import Agent, RunContext
from trio_agent.durable.dbos import DBOSAgent, open_dbos
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider

phase, base_url, database_url, workdir_arg, *run_ids = sys.argv[1:]
workdir = Path(workdir_arg)

agent = Agent(
    OpenAIChatModel("journal-model", provider=OpenAIProvider(base_url=base_url, api_key="test")), name="journal"
)


@agent.tool
async def note(ctx: RunContext[None], text: str) -> str:
    """Write a line in the journal."""
    hang_at = workdir / "hang_at"
    if hang_at.exists() and hang_at.read_text() == ctx.tool_call_id:
        print(json.dumps({"reached": ctx.tool_call_id, "run": ctx.run_id}), flush=True)
        await trio.sleep_forever()  # killed here, before the side effect
    with (workdir / "effects").open("a") as effects:
        effects.write(f"{ctx.tool_call_id}\n")
    return f"noted: {text}"


durable = DBOSAgent(agent)
QUEUE = "journal-runs"


def report(run_id: str, result: object) -> None:
    output = getattr(result, "output", None)
    messages = len(result.all_messages()) if hasattr(result, "all_messages") else None
    print(json.dumps({"id": run_id, "output": output, "messages": messages}), flush=True)


async def main() -> None:
    config = {"name": "journal", "system_database_url": database_url, "executor_id": "worker"}
    async with open_dbos(config):  # type: ignore[arg-type]
        if phase in ("enqueue", "worker"):
            await trio.to_thread.run_sync(lambda: DBOS.register_queue(QUEUE, worker_concurrency=4))
        if phase == "start":
            async with trio.open_nursery() as nursery:
                for run_id in run_ids:

                    async def one(run_id: str = run_id) -> None:
                        report(run_id, await durable.run("Write four lines.", workflow_id=run_id))

                    nursery.start_soon(one)
        elif phase == "enqueue":
            for run_id in run_ids:
                await trio.to_thread.run_sync(lambda r=run_id: _enqueue(r))
            print(json.dumps({"enqueued": len(run_ids)}), flush=True)
        else:  # recover / worker: the workflows run in DBOS's threads; wait for each
            for run_id in run_ids:
                handle = await trio.to_thread.run_sync(DBOS.retrieve_workflow, run_id)
                report(run_id, await trio.to_thread.run_sync(handle.get_result))


def _enqueue(run_id: str) -> None:
    queue = DBOS.retrieve_queue(QUEUE)
    assert queue is not None
    with SetWorkflowID(run_id):
        queue.enqueue(durable.workflow, "Write four lines.", {})


if __name__ == "__main__":
    trio.run(main)
