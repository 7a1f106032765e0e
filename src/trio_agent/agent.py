"""Agents and their runs (the reference API's ``pydantic_ai.agent``)."""

from ._agent.abstract import AbstractAgent as AbstractAgent
from ._agent.agent import Agent as Agent
from ._agent.base import AgentInstructions as AgentInstructions
from ._agent.base import AgentMetadata as AgentMetadata
from ._agent.base import AgentModelSettings as AgentModelSettings
from ._agent.base import AgentRetries as AgentRetries
from ._agent.wrapper import WrapperAgent as WrapperAgent
from ._engine.agent_run import AgentRun as AgentRun
from ._engine.nodes import CallToolsNode as CallToolsNode
from ._engine.nodes import End as End
from ._engine.nodes import ModelRequestNode as ModelRequestNode
from ._engine.nodes import UserPromptNode as UserPromptNode
from ._engine.pipeline import EventStreamHandler as EventStreamHandler
from ._engine.result import AgentRunResult as AgentRunResult
from ._engine.spec import EndStrategy as EndStrategy
from ._otel.settings import InstrumentationSettings as InstrumentationSettings

__all__ = [
    "AbstractAgent",
    "Agent",
    "AgentInstructions",
    "AgentMetadata",
    "AgentModelSettings",
    "AgentRetries",
    "AgentRun",
    "AgentRunResult",
    "CallToolsNode",
    "End",
    "EndStrategy",
    "EventStreamHandler",
    "InstrumentationSettings",
    "ModelRequestNode",
    "UserPromptNode",
    "WrapperAgent",
]
