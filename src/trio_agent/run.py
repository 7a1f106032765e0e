"""Runs and their results."""

from ._result import AgentRunResult as AgentRunResult
from ._result import AgentRunResultEvent as AgentRunResultEvent
from ._run import AgentRun as AgentRun
from ._run import GraphRunContext as GraphRunContext

__all__ = ["AgentRun", "AgentRunResult", "AgentRunResultEvent", "GraphRunContext"]
