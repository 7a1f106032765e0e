"""Agents and their runs (the reference API's ``pydantic_ai.agent``)."""

from ._agent.abstract import AbstractAgent as AbstractAgent
from ._agent.agent import Agent as Agent
from ._engine.agent_run import AgentRun as AgentRun
from ._engine.result import AgentRunResult as AgentRunResult
from ._engine.spec import EndStrategy as EndStrategy

__all__ = ["AbstractAgent", "Agent", "AgentRun", "AgentRunResult", "EndStrategy"]
