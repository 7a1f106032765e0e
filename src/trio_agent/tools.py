"""Tools the model can call."""

from ._run_context import RunContext as RunContext
from ._tools.deferred import DeferredToolApprovalResult as DeferredToolApprovalResult
from ._tools.deferred import DeferredToolCallResult as DeferredToolCallResult
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.deferred import DeferredToolResult as DeferredToolResult
from ._tools.deferred import DeferredToolResults as DeferredToolResults
from ._tools.deferred import ToolApproved as ToolApproved
from ._tools.deferred import ToolDenied as ToolDenied
from ._tools.definitions import ObjectJsonSchema as ObjectJsonSchema
from ._tools.definitions import ToolDefinition as ToolDefinition
from ._tools.definitions import ToolKind as ToolKind
from ._tools.docstrings import DocstringFormat as DocstringFormat
from ._tools.tool import Tool as Tool
from ._tools.tool import ToolFuncContext as ToolFuncContext
from ._tools.tool import ToolFuncEither as ToolFuncEither
from ._tools.tool import ToolFuncPlain as ToolFuncPlain
from ._tools.tool import ToolPrepareFunc as ToolPrepareFunc

__all__ = [
    "DeferredToolApprovalResult",
    "DeferredToolCallResult",
    "DeferredToolRequests",
    "DeferredToolResult",
    "DeferredToolResults",
    "DocstringFormat",
    "ObjectJsonSchema",
    "RunContext",
    "Tool",
    "ToolApproved",
    "ToolDefinition",
    "ToolDenied",
    "ToolFuncContext",
    "ToolFuncEither",
    "ToolFuncPlain",
    "ToolKind",
    "ToolPrepareFunc",
]
