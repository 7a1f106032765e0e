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
from .messages import AgentStreamEvent as AgentStreamEvent
from .messages import AudioUrl as AudioUrl
from .messages import BinaryContent as BinaryContent
from .messages import BinaryImage as BinaryImage
from .messages import BuiltinToolCallPart as BuiltinToolCallPart
from .messages import BuiltinToolReturnPart as BuiltinToolReturnPart
from .messages import CachePoint as CachePoint
from .messages import CompactionPart as CompactionPart
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
from .messages import ImageUrl as ImageUrl
from .messages import ModelMessage as ModelMessage
from .messages import ModelMessagesTypeAdapter as ModelMessagesTypeAdapter
from .messages import ModelRequest as ModelRequest
from .messages import ModelRequestPart as ModelRequestPart
from .messages import ModelResponse as ModelResponse
from .messages import ModelResponsePart as ModelResponsePart
from .messages import ModelResponsePartDelta as ModelResponsePartDelta
from .messages import ModelResponseStreamEvent as ModelResponseStreamEvent
from .messages import MultiModalContent as MultiModalContent
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
from .messages import SystemPromptPart as SystemPromptPart
from .messages import TextContent as TextContent
from .messages import TextPart as TextPart
from .messages import TextPartDelta as TextPartDelta
from .messages import ThinkingPart as ThinkingPart
from .messages import ThinkingPartDelta as ThinkingPartDelta
from .messages import ToolCallEvent as ToolCallEvent
from .messages import ToolCallPart as ToolCallPart
from .messages import ToolCallPartDelta as ToolCallPartDelta
from .messages import ToolResultEvent as ToolResultEvent
from .messages import ToolReturn as ToolReturn
from .messages import ToolReturnPart as ToolReturnPart
from .messages import UploadedFile as UploadedFile
from .messages import UserContent as UserContent
from .messages import UserPromptPart as UserPromptPart
from .messages import VideoUrl as VideoUrl

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
]

__version__ = "0.1.0"
