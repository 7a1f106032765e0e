"""Tools the model can call."""

from ._run_context import RunContext as RunContext
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.deferred import DeferredToolResults as DeferredToolResults
from ._tools.deferred import ToolApproved as ToolApproved
from ._tools.deferred import ToolDenied as ToolDenied
from ._tools.definitions import ToolDefinition as ToolDefinition
from ._tools.tool import Tool as Tool
from ._tools.tool import ToolFuncContext as ToolFuncContext
from ._tools.tool import ToolFuncEither as ToolFuncEither
from ._tools.tool import ToolFuncPlain as ToolFuncPlain
from ._tools.tool import ToolPrepareFunc as ToolPrepareFunc

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
