"""The toolset interface: what a toolset lists and how its tools are called.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.abstract``.
"""

from .._toolsets.abstract import AbstractToolset as AbstractToolset
from .._toolsets.abstract import ToolsetTool as ToolsetTool
from .._toolsets.abstract import ToolsPrepareFunc as ToolsPrepareFunc

__all__ = ["AbstractToolset", "ToolsetTool", "ToolsPrepareFunc"]
