"""Durable runs on DBOS (``pip install 'trio-agent[dbos]'``): workflows and steps recorded in SQLite or Postgres.

* :class:`DBOSDurability`: a capability (``Agent(..., capabilities=[DBOSDurability()])``) that records a run's
  model requests, tool calls and MCP exchanges as DBOS steps when the run executes inside a DBOS workflow,
  and is transparent outside one.
* :class:`DBOSAgent`: wraps an agent so that each run *is* a workflow (``"<name>.run"``).
* :func:`open_dbos`: launch DBOS from a trio program (and recover what this process left unfinished);
  :func:`recover_workflows`: resume, in live workers, the runs of a worker that is gone (Postgres).

The one obvious way from trio::

    agent = DBOSAgent(Agent('openai:gpt-4o', name='support', tools=[...]))

    async def main():
        async with open_dbos({'name': 'support', 'system_database_url': 'sqlite:///support.sqlite'}):
            result = await agent.run('Where is my order?')

DBOS's asyncio API cannot run under trio, so its synchronous workflows and steps are used, bridged with
``trio.to_thread`` / ``trio.from_thread`` (see :mod:`._durability` and :mod:`._agent`).
"""

from ._agent import CANCEL_GRACE as CANCEL_GRACE
from ._agent import DBOSAgent as DBOSAgent
from ._agent import open_dbos as open_dbos
from ._agent import recover_workflows as recover_workflows
from ._durability import DBOSDurability as DBOSDurability
from ._durability import ParallelExecutionMode as ParallelExecutionMode
from ._durability import StepConfig as StepConfig

__all__ = [
    "CANCEL_GRACE",
    "DBOSAgent",
    "DBOSDurability",
    "ParallelExecutionMode",
    "StepConfig",
    "open_dbos",
    "recover_workflows",
]
