"""Capabilities: hooks that observe or change a run (see :mod:`trio_agent._capabilities`)."""

from ._capabilities import AbstractCapability as AbstractCapability
from ._capabilities import ModelRequestContext as ModelRequestContext
from ._capabilities import NodeResult as NodeResult
from ._capabilities import NodeRunHandler as NodeRunHandler
from ._capabilities import SkipModelRequest as SkipModelRequest

__all__ = ["AbstractCapability", "ModelRequestContext", "NodeResult", "NodeRunHandler", "SkipModelRequest"]
