"""``FunctionModel``: responses from a function you write."""

from ._function import AgentInfo as AgentInfo
from ._function import BuiltinToolCallsReturns as BuiltinToolCallsReturns
from ._function import DeltaThinkingCalls as DeltaThinkingCalls
from ._function import DeltaThinkingPart as DeltaThinkingPart
from ._function import DeltaToolCall as DeltaToolCall
from ._function import DeltaToolCalls as DeltaToolCalls
from ._function import FunctionDef as FunctionDef
from ._function import FunctionModel as FunctionModel
from ._function import FunctionStreamedResponse as FunctionStreamedResponse
from ._function import StreamFunctionDef as StreamFunctionDef

__all__ = [
    "AgentInfo",
    "BuiltinToolCallsReturns",
    "DeltaThinkingCalls",
    "DeltaThinkingPart",
    "DeltaToolCall",
    "DeltaToolCalls",
    "FunctionDef",
    "FunctionModel",
    "FunctionStreamedResponse",
    "StreamFunctionDef",
]
