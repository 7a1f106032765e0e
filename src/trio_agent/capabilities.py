"""Capabilities: reusable units of agent behaviour, composed like middleware.

Subclass :class:`AbstractCapability` and override what you need, or use the ready-made ones: history
(:class:`ProcessHistory`, :class:`ReinjectSystemPrompt`), tools (:class:`PrepareTools`, :class:`SetToolMetadata`,
...), the model (:class:`Thinking`, :class:`SelectModel`, ...), decorator-registered :class:`Hooks`, and
:class:`Capability` for instructions and tools bundled without subclassing. See
:mod:`trio_agent._capabilities.abstract` for the hooks and how several capabilities compose.
"""

from ._capabilities.abstract import AbstractCapability as AbstractCapability
from ._capabilities.abstract import AgentDepsT as AgentDepsT
from ._capabilities.abstract import ModelRequestContext as ModelRequestContext
from ._capabilities.abstract import NodeRunHandler as NodeRunHandler
from ._capabilities.abstract import RawOutput as RawOutput
from ._capabilities.abstract import RawToolArgs as RawToolArgs
from ._capabilities.abstract import SkipModelRequest as SkipModelRequest
from ._capabilities.abstract import ValidatedToolArgs as ValidatedToolArgs
from ._capabilities.abstract import WrapModelRequestHandler as WrapModelRequestHandler
from ._capabilities.abstract import WrapNodeRunHandler as WrapNodeRunHandler
from ._capabilities.abstract import WrapRunHandler as WrapRunHandler
from ._capabilities.abstract import WrapToolExecuteHandler as WrapToolExecuteHandler
from ._capabilities.abstract import WrapToolValidateHandler as WrapToolValidateHandler
from ._capabilities.capability import Capability as Capability
from ._capabilities.combined import CombinedCapability as CombinedCapability
from ._capabilities.deferred import HandleDeferredToolCalls as HandleDeferredToolCalls
from ._capabilities.history import HistoryProcessor as HistoryProcessor
from ._capabilities.history import HistoryProcessorFunc as HistoryProcessorFunc
from ._capabilities.history import ProcessHistory as ProcessHistory
from ._capabilities.history import ReinjectSystemPrompt as ReinjectSystemPrompt
from ._capabilities.hooks import Hooks as Hooks
from ._capabilities.hooks import HookTimeoutError as HookTimeoutError
from ._capabilities.instrumentation import Instrumentation as Instrumentation
from ._capabilities.model import ModelSettingsCapability as ModelSettingsCapability
from ._capabilities.model import RaiseContentFilterError as RaiseContentFilterError
from ._capabilities.model import ResolveModelId as ResolveModelId
from ._capabilities.model import SelectModel as SelectModel
from ._capabilities.model import Thinking as Thinking
from ._capabilities.model import ThreadExecutor as ThreadExecutor
from ._capabilities.model import UseThreadExecutor as UseThreadExecutor
from ._capabilities.ordering import CapabilityOrdering as CapabilityOrdering
from ._capabilities.ordering import CapabilityPosition as CapabilityPosition
from ._capabilities.ordering import CapabilityRef as CapabilityRef
from ._capabilities.tools import IncludeToolReturnSchemas as IncludeToolReturnSchemas
from ._capabilities.tools import PrepareOutputTools as PrepareOutputTools
from ._capabilities.tools import PrepareTools as PrepareTools
from ._capabilities.tools import SetToolMetadata as SetToolMetadata
from ._capabilities.tools import ToolSelector as ToolSelector
from ._capabilities.toolsets import PrefixTools as PrefixTools
from ._capabilities.toolsets import Toolset as Toolset
from ._capabilities.wrapper import CapabilityFunc as CapabilityFunc
from ._capabilities.wrapper import DynamicCapability as DynamicCapability
from ._capabilities.wrapper import WrapperCapability as WrapperCapability
from ._engine.nodes import AgentNode as AgentNode
from ._engine.nodes import NodeResult as NodeResult
from ._exceptions import SkipToolExecution as SkipToolExecution
from ._exceptions import SkipToolValidation as SkipToolValidation
from ._exceptions import ToolFailed as ToolFailed

__all__ = [
    "AbstractCapability",
    "AgentDepsT",
    "AgentNode",
    "Capability",
    "CapabilityFunc",
    "CapabilityOrdering",
    "CapabilityPosition",
    "CapabilityRef",
    "CombinedCapability",
    "DynamicCapability",
    "HandleDeferredToolCalls",
    "HistoryProcessor",
    "HistoryProcessorFunc",
    "HookTimeoutError",
    "Instrumentation",
    "Hooks",
    "IncludeToolReturnSchemas",
    "ModelRequestContext",
    "ModelSettingsCapability",
    "NodeResult",
    "NodeRunHandler",
    "PrefixTools",
    "PrepareOutputTools",
    "PrepareTools",
    "ProcessHistory",
    "RaiseContentFilterError",
    "RawOutput",
    "RawToolArgs",
    "ReinjectSystemPrompt",
    "ResolveModelId",
    "SelectModel",
    "SetToolMetadata",
    "SkipModelRequest",
    "SkipToolExecution",
    "SkipToolValidation",
    "Thinking",
    "ThreadExecutor",
    "ToolFailed",
    "ToolSelector",
    "Toolset",
    "UseThreadExecutor",
    "ValidatedToolArgs",
    "WrapModelRequestHandler",
    "WrapNodeRunHandler",
    "WrapRunHandler",
    "WrapToolExecuteHandler",
    "WrapToolValidateHandler",
    "WrapperCapability",
]
