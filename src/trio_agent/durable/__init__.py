"""Durable runs: snapshots of a run's committed state, and the hook durable-execution engines plug into.

* :class:`RunSnapshot`: ``run.snapshot()`` between steps, or ``on_snapshot=`` after every commit; resume with
  ``agent.iter(resume_from=snapshot)`` (or ``agent.run(resume_from=...)``), in this process or another.
* :class:`Durability` / :class:`DurableStep`: the one place where the engine hands a run's model requests, tool
  calls and MCP exchanges to a durable-execution engine as recorded steps (see
  :mod:`trio_agent._capabilities.durability`).
* :mod:`trio_agent.durable.dbos`: DBOS workflows on SQLite or Postgres (``pip install 'trio-agent[dbos]'``).

``import trio_agent`` does not import this package (it imports pydantic's model machinery).
"""

from .._capabilities.durability import Durability as Durability
from .._capabilities.durability import DurableStep as DurableStep
from .._capabilities.durability import StepKind as StepKind
from .._engine.snapshot import SNAPSHOT_VERSION as SNAPSHOT_VERSION
from .._engine.snapshot import AgentFingerprint as AgentFingerprint
from .._engine.snapshot import RunSnapshot as RunSnapshot

__all__ = ["SNAPSHOT_VERSION", "AgentFingerprint", "Durability", "DurableStep", "RunSnapshot", "StepKind"]
