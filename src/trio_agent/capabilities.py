"""Capabilities: hooks that observe or change a run (see :mod:`trio_agent._capabilities.abstract`)."""

from ._capabilities.abstract import AbstractCapability as AbstractCapability
from ._capabilities.abstract import ModelRequestContext as ModelRequestContext
from ._capabilities.abstract import NodeRunHandler as NodeRunHandler
from ._capabilities.abstract import SkipModelRequest as SkipModelRequest
from ._engine.nodes import NodeResult as NodeResult

__all__ = ["AbstractCapability", "ModelRequestContext", "NodeResult", "NodeRunHandler", "SkipModelRequest"]
