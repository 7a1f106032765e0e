"""Python functions as tools.

The module name mirrors the reference API's; the implementation lives in ``trio_agent._toolsets.function``.
"""

from .._toolsets.function import FunctionToolset as FunctionToolset

__all__ = ["FunctionToolset"]
