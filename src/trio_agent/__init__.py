"""trio_agent: a Trio-native, structured-concurrency LLM agent engine with a pydantic-ai compatible API."""

from ._agent.agent import Agent as Agent
from ._capabilities.abstract import AbstractCapability as AbstractCapability
from ._engine.agent_run import AgentRun as AgentRun
from ._engine.capture import capture_run_messages as capture_run_messages
from ._engine.nodes import CallToolsNode as CallToolsNode
from ._engine.nodes import End as End
from ._engine.nodes import FinalResult as FinalResult
from ._engine.nodes import ModelRequestNode as ModelRequestNode
from ._engine.nodes import UserPromptNode as UserPromptNode
from ._engine.result import AgentRunErrorEvent as AgentRunErrorEvent
from ._engine.result import AgentRunResult as AgentRunResult
from ._engine.result import AgentRunResultEvent as AgentRunResultEvent
from ._exceptions import AgentRunError as AgentRunError
from ._exceptions import ApprovalRequired as ApprovalRequired
from ._exceptions import CallDeferred as CallDeferred
from ._exceptions import ModelAPIError as ModelAPIError
from ._exceptions import ModelHTTPError as ModelHTTPError
from ._exceptions import ModelRetry as ModelRetry
from ._exceptions import RunCancelled as RunCancelled
from ._exceptions import UndrainedPendingMessagesError as UndrainedPendingMessagesError
from ._exceptions import UnexpectedModelBehavior as UnexpectedModelBehavior
from ._exceptions import UsageLimitExceeded as UsageLimitExceeded
from ._exceptions import UserError as UserError
from ._output.specs import NativeOutput as NativeOutput
from ._output.specs import PromptedOutput as PromptedOutput
from ._output.specs import TextOutput as TextOutput
from ._output.specs import ToolOutput as ToolOutput
from ._run_context import RunContext as RunContext
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.deferred import DeferredToolResults as DeferredToolResults
from ._tools.deferred import ToolApproved as ToolApproved
from ._tools.deferred import ToolDenied as ToolDenied
from ._tools.tool import Tool as Tool
from ._usage import RequestUsage as RequestUsage
from ._usage import RunUsage as RunUsage
from ._usage import UsageLimits as UsageLimits
from .agent import AbstractAgent as AbstractAgent
from .agent import EndStrategy as EndStrategy
from .agent import InstrumentationSettings as InstrumentationSettings
from .agent import WrapperAgent as WrapperAgent
from .builtin_tools import CodeExecutionTool as CodeExecutionTool
from .builtin_tools import ImageGenerationTool as ImageGenerationTool
from .builtin_tools import MCPServerTool as MCPServerTool
from .builtin_tools import MemoryTool as MemoryTool
from .builtin_tools import UrlContextTool as UrlContextTool
from .builtin_tools import WebFetchTool as WebFetchTool
from .builtin_tools import WebSearchTool as WebSearchTool
from .builtin_tools import WebSearchUserLocation as WebSearchUserLocation
from .capabilities import Capability as Capability
from .capabilities import CombinedCapability as CombinedCapability
from .capabilities import HistoryProcessor as HistoryProcessor
from .capabilities import Hooks as Hooks
from .capabilities import ModelRequestContext as ModelRequestContext
from .capabilities import ProcessHistory as ProcessHistory
from .capabilities import ReinjectSystemPrompt as ReinjectSystemPrompt
from .capabilities import WrapperCapability as WrapperCapability
from .exceptions import ContentFilterError as ContentFilterError
from .exceptions import FallbackExceptionGroup as FallbackExceptionGroup
from .exceptions import IncompleteToolCall as IncompleteToolCall
from .exceptions import SkipModelRequest as SkipModelRequest
from .exceptions import SkipToolExecution as SkipToolExecution
from .exceptions import SkipToolValidation as SkipToolValidation
from .exceptions import ToolFailed as ToolFailed
from .exceptions import ToolRetryError as ToolRetryError
from .format_prompt import format_as_xml as format_as_xml
from .messages import AgentStreamEvent as AgentStreamEvent
from .messages import AudioFormat as AudioFormat
from .messages import AudioMediaType as AudioMediaType
from .messages import AudioUrl as AudioUrl
from .messages import BaseToolCallPart as BaseToolCallPart
from .messages import BaseToolReturnPart as BaseToolReturnPart
from .messages import BinaryAudio as BinaryAudio
from .messages import BinaryContent as BinaryContent
from .messages import BinaryImage as BinaryImage
from .messages import BuiltinToolCallEvent as BuiltinToolCallEvent
from .messages import BuiltinToolCallPart as BuiltinToolCallPart
from .messages import BuiltinToolResultEvent as BuiltinToolResultEvent
from .messages import BuiltinToolReturnPart as BuiltinToolReturnPart
from .messages import CachePoint as CachePoint
from .messages import CompactionPart as CompactionPart
from .messages import DeferredToolRequestsEvent as DeferredToolRequestsEvent
from .messages import DeferredToolResultsEvent as DeferredToolResultsEvent
from .messages import DocumentFormat as DocumentFormat
from .messages import DocumentMediaType as DocumentMediaType
from .messages import DocumentUrl as DocumentUrl
from .messages import EnqueueContent as EnqueueContent
from .messages import EnqueuedMessagesEvent as EnqueuedMessagesEvent
from .messages import FilePart as FilePart
from .messages import FileUrl as FileUrl
from .messages import FinalResultEvent as FinalResultEvent
from .messages import FinishReason as FinishReason
from .messages import FunctionToolCallEvent as FunctionToolCallEvent
from .messages import FunctionToolResultEvent as FunctionToolResultEvent
from .messages import HandleResponseEvent as HandleResponseEvent
from .messages import ImageFormat as ImageFormat
from .messages import ImageMediaType as ImageMediaType
from .messages import ImageUrl as ImageUrl
from .messages import InstructionPart as InstructionPart
from .messages import ModelMessage as ModelMessage
from .messages import ModelMessagesTypeAdapter as ModelMessagesTypeAdapter
from .messages import ModelRequest as ModelRequest
from .messages import ModelRequestPart as ModelRequestPart
from .messages import ModelResponse as ModelResponse
from .messages import ModelResponsePart as ModelResponsePart
from .messages import ModelResponsePartDelta as ModelResponsePartDelta
from .messages import ModelResponseStreamEvent as ModelResponseStreamEvent
from .messages import MultiModalContent as MultiModalContent
from .messages import NativeToolCallPart as NativeToolCallPart
from .messages import NativeToolReturnPart as NativeToolReturnPart
from .messages import OutputToolCallEvent as OutputToolCallEvent
from .messages import OutputToolResultEvent as OutputToolResultEvent
from .messages import PartDeltaEvent as PartDeltaEvent
from .messages import PartEndEvent as PartEndEvent
from .messages import PartStartEvent as PartStartEvent
from .messages import PendingMessage as PendingMessage
from .messages import PendingMessagePriority as PendingMessagePriority
from .messages import RetryFeedbackPart as RetryFeedbackPart
from .messages import RetryPromptPart as RetryPromptPart
from .messages import RunEvent as RunEvent
from .messages import SpeechPart as SpeechPart
from .messages import SpeechPartDelta as SpeechPartDelta
from .messages import SystemPromptPart as SystemPromptPart
from .messages import TextContent as TextContent
from .messages import TextPart as TextPart
from .messages import TextPartDelta as TextPartDelta
from .messages import ThinkingPart as ThinkingPart
from .messages import ThinkingPartDelta as ThinkingPartDelta
from .messages import ToolAvailabilityDeltaEvent as ToolAvailabilityDeltaEvent
from .messages import ToolAvailabilityDeltaPart as ToolAvailabilityDeltaPart
from .messages import ToolCallEvent as ToolCallEvent
from .messages import ToolCallPart as ToolCallPart
from .messages import ToolCallPartDelta as ToolCallPartDelta
from .messages import ToolResultEvent as ToolResultEvent
from .messages import ToolReturn as ToolReturn
from .messages import ToolReturnContent as ToolReturnContent
from .messages import ToolReturnPart as ToolReturnPart
from .messages import UploadedFile as UploadedFile
from .messages import UserContent as UserContent
from .messages import UserPromptPart as UserPromptPart
from .messages import VideoFormat as VideoFormat
from .messages import VideoMediaType as VideoMediaType
from .messages import VideoUrl as VideoUrl
from .output import StructuredDict as StructuredDict
from .profiles import DEFAULT_PROFILE as DEFAULT_PROFILE
from .profiles import InlineDefsJsonSchemaTransformer as InlineDefsJsonSchemaTransformer
from .profiles import JsonSchemaTransformer as JsonSchemaTransformer
from .profiles import ModelProfile as ModelProfile
from .profiles import ModelProfileSpec as ModelProfileSpec
from .result import AgentStream as AgentStream
from .settings import ModelSettings as ModelSettings
from .tools import DeferredToolCallResult as DeferredToolCallResult
from .tools import ToolDefinition as ToolDefinition
from .toolsets import AbstractToolset as AbstractToolset
from .toolsets import ApprovalRequiredToolset as ApprovalRequiredToolset
from .toolsets import CombinedToolset as CombinedToolset
from .toolsets import ExternalToolset as ExternalToolset
from .toolsets import FilteredToolset as FilteredToolset
from .toolsets import FunctionToolset as FunctionToolset
from .toolsets import PrefixedToolset as PrefixedToolset
from .toolsets import PreparedToolset as PreparedToolset
from .toolsets import RenamedToolset as RenamedToolset
from .toolsets import ToolsetFunc as ToolsetFunc
from .toolsets import ToolsetTool as ToolsetTool
from .toolsets import WrapperToolset as WrapperToolset

__all__ = [
    "AbstractCapability",
    "Agent",
    "AgentRun",
    "AgentRunError",
    "AgentRunResult",
    "AgentRunErrorEvent",
    "AgentRunResultEvent",
    "ApprovalRequired",
    "CallDeferred",
    "CallToolsNode",
    "DeferredToolRequests",
    "DeferredToolResults",
    "End",
    "FinalResult",
    "ModelAPIError",
    "ModelHTTPError",
    "ModelRequestNode",
    "ModelRetry",
    "NativeOutput",
    "PromptedOutput",
    "RequestUsage",
    "RunCancelled",
    "RunContext",
    "RunUsage",
    "TextOutput",
    "Tool",
    "ToolApproved",
    "ToolDenied",
    "ToolOutput",
    "UndrainedPendingMessagesError",
    "UnexpectedModelBehavior",
    "UsageLimitExceeded",
    "UsageLimits",
    "UserError",
    "UserPromptNode",
    "capture_run_messages",
    "AudioUrl",
    "BinaryContent",
    "BinaryImage",
    "CachePoint",
    "DocumentUrl",
    "FileUrl",
    "ImageUrl",
    "MultiModalContent",
    "TextContent",
    "UploadedFile",
    "UserContent",
    "VideoUrl",
    "ModelRequestPart",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "SystemPromptPart",
    "ToolReturnPart",
    "UserPromptPart",
    "BuiltinToolCallPart",
    "BuiltinToolReturnPart",
    "CompactionPart",
    "FilePart",
    "ModelResponsePart",
    "TextPart",
    "ThinkingPart",
    "ToolCallPart",
    "FinishReason",
    "ModelMessage",
    "ModelMessagesTypeAdapter",
    "ModelRequest",
    "ModelResponse",
    "ToolReturn",
    "ModelResponsePartDelta",
    "TextPartDelta",
    "ThinkingPartDelta",
    "ToolCallPartDelta",
    "AgentStreamEvent",
    "EnqueuedMessagesEvent",
    "FinalResultEvent",
    "FunctionToolCallEvent",
    "FunctionToolResultEvent",
    "HandleResponseEvent",
    "ModelResponseStreamEvent",
    "OutputToolCallEvent",
    "OutputToolResultEvent",
    "PartDeltaEvent",
    "PartEndEvent",
    "PartStartEvent",
    "RunEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "EnqueueContent",
    "PendingMessage",
    "PendingMessagePriority",
    "AbstractAgent",
    "EndStrategy",
    "InstrumentationSettings",
    "WrapperAgent",
    "CodeExecutionTool",
    "ImageGenerationTool",
    "MCPServerTool",
    "MemoryTool",
    "UrlContextTool",
    "WebFetchTool",
    "WebSearchTool",
    "WebSearchUserLocation",
    "ContentFilterError",
    "FallbackExceptionGroup",
    "IncompleteToolCall",
    "format_as_xml",
    "DEFAULT_PROFILE",
    "InlineDefsJsonSchemaTransformer",
    "JsonSchemaTransformer",
    "ModelProfile",
    "ModelProfileSpec",
    "StructuredDict",
    "AgentStream",
    "ModelSettings",
    "DeferredToolCallResult",
    "ToolDefinition",
    "AbstractToolset",
    "ApprovalRequiredToolset",
    "CombinedToolset",
    "ExternalToolset",
    "FilteredToolset",
    "FunctionToolset",
    "PrefixedToolset",
    "PreparedToolset",
    "RenamedToolset",
    "ToolsetFunc",
    "ToolsetTool",
    "WrapperToolset",
    "Capability",
    "ProcessHistory",
    "HistoryProcessor",
    "Hooks",
    "WrapperCapability",
    "CombinedCapability",
    "ReinjectSystemPrompt",
    "ModelRequestContext",
    "ToolFailed",
    "SkipModelRequest",
    "SkipToolExecution",
    "SkipToolValidation",
    "ToolRetryError",
    "BuiltinToolCallEvent",
    "BuiltinToolResultEvent",
    "ToolReturnContent",
    "BinaryAudio",
    "NativeToolCallPart",
    "NativeToolReturnPart",
    "BaseToolCallPart",
    "BaseToolReturnPart",
    "InstructionPart",
    "SpeechPart",
    "SpeechPartDelta",
    "ToolAvailabilityDeltaPart",
    "ToolAvailabilityDeltaEvent",
    "DeferredToolRequestsEvent",
    "DeferredToolResultsEvent",
    "AudioFormat",
    "AudioMediaType",
    "DocumentFormat",
    "DocumentMediaType",
    "ImageFormat",
    "ImageMediaType",
    "VideoFormat",
    "VideoMediaType",
]

__version__ = "0.1.0"
