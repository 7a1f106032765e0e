"""Tools the model can call."""

from ._deferred import DeferredToolRequests as DeferredToolRequests
from ._deferred import DeferredToolResults as DeferredToolResults
from ._deferred import ToolApproved as ToolApproved
from ._deferred import ToolDenied as ToolDenied
from ._run_context import RunContext as RunContext
from ._tool_def import ToolDefinition as ToolDefinition
from ._tools import Tool as Tool
from ._tools import ToolFuncContext as ToolFuncContext
from ._tools import ToolFuncEither as ToolFuncEither
from ._tools import ToolFuncPlain as ToolFuncPlain
from ._tools import ToolPrepareFunc as ToolPrepareFunc

__all__ = [
    "DeferredToolRequests",
    "DeferredToolResults",
    "RunContext",
    "Tool",
    "ToolDefinition",
    "ToolFuncContext",
    "ToolFuncEither",
    "ToolFuncPlain",
    "ToolApproved",
    "ToolDenied",
    "ToolPrepareFunc",
]
