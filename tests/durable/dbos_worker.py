"""A worker process of the DBOS tests: one agent whose runs are DBOS workflows, against a FakeLLMServer.

Usage: ``python dbos_worker.py <phase> <base_url> <database_url> <workdir> [<arg>...]``

* ``start``: launch DBOS and run the workflows named by the ``<arg>``s (ids), concurrently; print each result.
* ``recover``: launch DBOS (which recovers what this executor left unfinished), wait for the workflows named,
  and print each result.
* ``enqueue``: put the workflows named on the queue and print ``{"enqueued": n}``; this process listens to no
  queue, so it runs none of them.
* ``worker``: launch DBOS, register the queue, print ``{"ready": <executor id>}``, and serve the queue until the
  workflows named (enqueued before or after) have all finished: print the results. Each run this process
  finishes is also printed as it finishes: ``{"finished": <run id>, "executor": ..., "output": ...}``.
* ``adopt``: the ``<arg>``s are executor ids of workers that are gone: launch DBOS (listening to no queue),
  hand their unfinished workflows back to their queues with ``recover_workflows`` (the live workers resume
  them) and print ``{"adopted": [<workflow id>, ...]}``.

Each run's prompt carries its id (``"Write four lines. run=<id>"``), so a server can tell runs apart.

The agent's tool ``note`` appends its call id to ``<workdir>/effects`` (the side effect the tests count). If
``<workdir>/hang_at`` names a call id, the tool first prints ``{"reached": <call id>, "run": <run id>}`` and then
waits forever, before its side effect: the test kills the process there (so the step was never recorded).

Environment (each optional):

* ``JOURNAL_EXECUTOR_ID``: this process's DBOS ``executor_id`` (default ``"worker"``).
* ``JOURNAL_HANG_AFTER=N``: this process finishes the first ``N`` runs it calls a tool in; in each later one
  (the ``s``-th, counting from 0) it stops as with ``hang_at`` (printing ``reached``) in the tool call made after
  model response ``1 + s % 4``: so once a worker of ``worker_concurrency`` 4 holds four stuck runs, they stopped
  after 4, 1, 2 and 3 recorded model responses, and none of its model requests is in flight.

Each result is printed as one JSON line: ``{"id": ..., "output": ..., "messages": n}``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import trio
from dbos import DBOS, SetWorkflowID

from trio_agent import Agent, RunContext
from trio_agent.capabilities import Hooks
from trio_agent.durable.dbos import DBOSAgent, open_dbos, recover_workflows
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers.openai import OpenAIProvider

phase, base_url, database_url, workdir_arg, *args = sys.argv[1:]
workdir = Path(workdir_arg)
executor_id = os.environ.get("JOURNAL_EXECUTOR_ID", "worker")
hang_after = int(os.environ["JOURNAL_HANG_AFTER"]) if os.environ.get("JOURNAL_HANG_AFTER") else None

_say_lock = threading.Lock()


def say(line: dict[str, Any]) -> None:
    """Print one JSON line, whole (runs print from several threads: DBOS runs each workflow in its own)."""
    with _say_lock:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def prompt(run_id: str) -> str:
    return f"Write four lines. run={run_id}"


hooks = Hooks()
if phase == "worker":

    @hooks.on.after_run
    async def finished(ctx: RunContext[None], result: Any) -> Any:
        say({"finished": ctx.run_id, "executor": executor_id, "output": result.output})
        return result


agent = Agent(
    OpenAIChatModel("journal-model", provider=OpenAIProvider(base_url=base_url, api_key="test")),
    name="journal",
    capabilities=[hooks],
)

_hang_lock = threading.Lock()
_tool_runs: dict[str, int] = {}
"""The runs this process called a tool in, in the order of their first call (``JOURNAL_HANG_AFTER``)."""


def _hangs_here(ctx: RunContext[None]) -> bool:
    hang_at = workdir / "hang_at"
    if hang_at.exists() and hang_at.read_text() == ctx.tool_call_id:
        return True
    if hang_after is None or ctx.run_id is None:
        return False
    with _hang_lock:
        order = _tool_runs.setdefault(ctx.run_id, len(_tool_runs))
    return order >= hang_after and ctx.run_step == 1 + order % 4


@agent.tool
async def note(ctx: RunContext[None], text: str) -> str:
    """Write a line in the journal."""
    if _hangs_here(ctx):
        say({"reached": ctx.tool_call_id, "run": ctx.run_id})
        await trio.sleep_forever()  # killed here, before the side effect
    with (workdir / "effects").open("a") as effects:
        effects.write(f"{ctx.tool_call_id}\n")
    return f"noted: {text}"


durable = DBOSAgent(agent)
QUEUE = "journal-runs"


def report(run_id: str, result: object) -> None:
    output = getattr(result, "output", None)
    messages = len(result.all_messages()) if hasattr(result, "all_messages") else None
    say({"id": run_id, "output": output, "messages": messages})


def register_queue() -> None:
    DBOS.register_queue(QUEUE, worker_concurrency=4, polling_interval_sec=0.1)


async def main() -> None:
    config = {"name": "journal", "system_database_url": database_url, "executor_id": executor_id}
    quiet = phase in ("enqueue", "adopt")  # these processes run no workflow: they listen to no queue
    async with open_dbos(config, listen_queues=[] if quiet else None):  # type: ignore[arg-type]
        if phase in ("enqueue", "worker"):
            await trio.to_thread.run_sync(register_queue)
        if phase == "start":
            async with trio.open_nursery() as nursery:
                for run_id in args:

                    async def one(run_id: str = run_id) -> None:
                        report(run_id, await durable.run(prompt(run_id), workflow_id=run_id))

                    nursery.start_soon(one)
        elif phase == "enqueue":
            for run_id in args:
                await trio.to_thread.run_sync(lambda r=run_id: _enqueue(r))
            say({"enqueued": len(args)})
        elif phase == "adopt":
            say({"adopted": await recover_workflows(args)})
        else:  # recover / worker: the workflows run in DBOS's threads; wait for each
            if phase == "worker":
                say({"ready": executor_id})
            for run_id in args:
                # (not required to exist yet: a worker may start before its workflows are enqueued)
                handle = await trio.to_thread.run_sync(lambda r=run_id: DBOS.retrieve_workflow(r, False))
                report(run_id, await trio.to_thread.run_sync(lambda h=handle: h.get_result(polling_interval_sec=0.1)))


def _enqueue(run_id: str) -> None:
    queue = DBOS.retrieve_queue(QUEUE)
    assert queue is not None
    with SetWorkflowID(run_id):
        queue.enqueue(durable.workflow, prompt(run_id), {})


if __name__ == "__main__":
    trio.run(main)
