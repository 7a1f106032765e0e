"""Toolsets: where an agent's tools come from (functions, MCP servers, tools the caller runs), and wrappers that
filter, rename, prepare or guard them.

Give them to an agent (``Agent(toolsets=[...])``), to one run (``agent.run(..., toolsets=[...])``), or choose
one per run with ``@agent.toolset``. See ``docs/toolsets.md``.
"""

from .._toolsets.abstract import AbstractToolset as AbstractToolset
from .._toolsets.abstract import ToolsetTool as ToolsetTool
from .._toolsets.abstract import ToolsPrepareFunc as ToolsPrepareFunc
from .._toolsets.approval import ApprovalRequiredToolset as ApprovalRequiredToolset
from .._toolsets.combined import CombinedToolset as CombinedToolset
from .._toolsets.dynamic import DynamicToolset as DynamicToolset
from .._toolsets.dynamic import ToolsetFunc as ToolsetFunc
from .._toolsets.external import DeferredToolset as DeferredToolset
from .._toolsets.external import ExternalToolset as ExternalToolset
from .._toolsets.function import FunctionToolset as FunctionToolset
from .._toolsets.renaming import PrefixedToolset as PrefixedToolset
from .._toolsets.renaming import RenamedToolset as RenamedToolset
from .._toolsets.selection import FilteredToolset as FilteredToolset
from .._toolsets.selection import PreparedToolset as PreparedToolset
from .._toolsets.wrapper import WrapperToolset as WrapperToolset

__all__ = [
    "AbstractToolset",
    "ApprovalRequiredToolset",
    "CombinedToolset",
    "DeferredToolset",
    "DynamicToolset",
    "ExternalToolset",
    "FilteredToolset",
    "FunctionToolset",
    "PrefixedToolset",
    "PreparedToolset",
    "RenamedToolset",
    "ToolsPrepareFunc",
    "ToolsetFunc",
    "ToolsetTool",
    "WrapperToolset",
]
