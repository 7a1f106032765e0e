"""Capabilities: hooks that observe or change a run (see :mod:`trio_agent._capabilities.abstract`)."""

from ._capabilities.abstract import AbstractCapability as AbstractCapability
from ._capabilities.abstract import ModelRequestContext as ModelRequestContext
from ._capabilities.abstract import NodeResult as NodeResult
from ._capabilities.abstract import NodeRunHandler as NodeRunHandler
from ._capabilities.abstract import SkipModelRequest as SkipModelRequest

__all__ = ["AbstractCapability", "ModelRequestContext", "NodeResult", "NodeRunHandler", "SkipModelRequest"]
