"""Runs and their results."""

from ._engine.agent_run import AgentRun as AgentRun
from ._engine.agent_run import GraphRunContext as GraphRunContext
from ._engine.nodes import AgentNode as AgentNode
from ._engine.result import AgentRunErrorEvent as AgentRunErrorEvent
from ._engine.result import AgentRunResult as AgentRunResult
from ._engine.result import AgentRunResultEvent as AgentRunResultEvent

__all__ = ["AgentNode", "AgentRun", "AgentRunErrorEvent", "AgentRunResult", "AgentRunResultEvent", "GraphRunContext"]
