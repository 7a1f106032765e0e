"""Capabilities: hooks that observe or change a run."""

from ._capabilities import AbstractCapability as AbstractCapability
from ._capabilities import NodeResult as NodeResult
from ._capabilities import NodeRunHandler as NodeRunHandler

__all__ = ["AbstractCapability", "NodeResult", "NodeRunHandler"]
