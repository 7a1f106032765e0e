"""Messages, parts, deltas and events, compatible with the reference API's classes and JSON.

Histories load from both eras of the reference (the seed era this project started from, and the newest
release) through :data:`ModelMessagesTypeAdapter`, and dump back as they were written; what this package writes
itself is in the seed era's shape. ``Native*`` names are the reference's newer names for the ``Builtin*`` parts.
"""

from ._engine.enqueue import EnqueueContent as EnqueueContent
from ._engine.enqueue import PendingMessage as PendingMessage
from ._engine.enqueue import PendingMessagePriority as PendingMessagePriority
from ._engine.result import AgentRunErrorEvent as AgentRunErrorEvent
from ._messages.content import MULTI_MODAL_CONTENT_TYPES as MULTI_MODAL_CONTENT_TYPES
from ._messages.content import AudioFormat as AudioFormat
from ._messages.content import AudioMediaType as AudioMediaType
from ._messages.content import AudioUrl as AudioUrl
from ._messages.content import BinaryAudio as BinaryAudio
from ._messages.content import BinaryContent as BinaryContent
from ._messages.content import BinaryImage as BinaryImage
from ._messages.content import CachePoint as CachePoint
from ._messages.content import DocumentFormat as DocumentFormat
from ._messages.content import DocumentMediaType as DocumentMediaType
from ._messages.content import DocumentUrl as DocumentUrl
from ._messages.content import FileUrl as FileUrl
from ._messages.content import ForceDownloadMode as ForceDownloadMode
from ._messages.content import ImageFormat as ImageFormat
from ._messages.content import ImageMediaType as ImageMediaType
from ._messages.content import ImageUrl as ImageUrl
from ._messages.content import MultiModalContent as MultiModalContent
from ._messages.content import TextContent as TextContent
from ._messages.content import UploadedFile as UploadedFile
from ._messages.content import UploadedFileProviderName as UploadedFileProviderName
from ._messages.content import UserContent as UserContent
from ._messages.content import VideoFormat as VideoFormat
from ._messages.content import VideoMediaType as VideoMediaType
from ._messages.content import VideoUrl as VideoUrl
from ._messages.content import is_multi_modal_content as is_multi_modal_content
from ._messages.deltas import ModelResponsePartDelta as ModelResponsePartDelta
from ._messages.deltas import ProviderDetailsDelta as ProviderDetailsDelta
from ._messages.deltas import SpeechPartDelta as SpeechPartDelta
from ._messages.deltas import TextPartDelta as TextPartDelta
from ._messages.deltas import ThinkingPartDelta as ThinkingPartDelta
from ._messages.deltas import ToolCallPartDelta as ToolCallPartDelta
from ._messages.events import AgentStreamEvent as AgentStreamEvent
from ._messages.events import BuiltinToolCallEvent as BuiltinToolCallEvent
from ._messages.events import BuiltinToolResultEvent as BuiltinToolResultEvent
from ._messages.events import DeferredToolRequestsEvent as DeferredToolRequestsEvent
from ._messages.events import DeferredToolResultsEvent as DeferredToolResultsEvent
from ._messages.events import EnqueuedMessagesEvent as EnqueuedMessagesEvent
from ._messages.events import FinalResultEvent as FinalResultEvent
from ._messages.events import FunctionToolCallEvent as FunctionToolCallEvent
from ._messages.events import FunctionToolResultEvent as FunctionToolResultEvent
from ._messages.events import HandleResponseEvent as HandleResponseEvent
from ._messages.events import ModelResponseStreamEvent as ModelResponseStreamEvent
from ._messages.events import OutputToolCallEvent as OutputToolCallEvent
from ._messages.events import OutputToolResultEvent as OutputToolResultEvent
from ._messages.events import PartDeltaEvent as PartDeltaEvent
from ._messages.events import PartEndEvent as PartEndEvent
from ._messages.events import PartStartEvent as PartStartEvent
from ._messages.events import RunEvent as RunEvent
from ._messages.events import ToolAvailabilityDeltaEvent as ToolAvailabilityDeltaEvent
from ._messages.events import ToolCallEvent as ToolCallEvent
from ._messages.events import ToolResultEvent as ToolResultEvent
from ._messages.history import narrow_message_parts as narrow_message_parts
from ._messages.history import post_compaction_window as post_compaction_window
from ._messages.instructions import AgentInstructionSource as AgentInstructionSource
from ._messages.instructions import CapabilityInstructionSource as CapabilityInstructionSource
from ._messages.instructions import InstructionId as InstructionId
from ._messages.instructions import InstructionPart as InstructionPart
from ._messages.instructions import InstructionSource as InstructionSource
from ._messages.instructions import RunInstructionSource as RunInstructionSource
from ._messages.instructions import SerializedInstructionId as SerializedInstructionId
from ._messages.instructions import ToolsetInstructionSource as ToolsetInstructionSource
from ._messages.messages import FinishReason as FinishReason
from ._messages.messages import ModelMessage as ModelMessage
from ._messages.messages import ModelMessagesTypeAdapter as ModelMessagesTypeAdapter
from ._messages.messages import ModelRequest as ModelRequest
from ._messages.messages import ModelRequestState as ModelRequestState
from ._messages.messages import ModelResponse as ModelResponse
from ._messages.messages import ModelResponseState as ModelResponseState
from ._messages.messages import ToolReturn as ToolReturn
from ._messages.parts import ModelRequestPart as ModelRequestPart
from ._messages.parts import ModelResponsePart as ModelResponsePart
from ._messages.retries import RetryFeedbackCause as RetryFeedbackCause
from ._messages.retries import RetryFeedbackPart as RetryFeedbackPart
from ._messages.retries import RetryPromptPart as RetryPromptPart
from ._messages.retries import ToolRetryCause as ToolRetryCause
from ._messages.retries import error_details_ta as error_details_ta
from ._messages.sanitize import STANDING_PROMPT_PLANTED_KEY as STANDING_PROMPT_PLANTED_KEY
from ._messages.sanitize import sanitize_messages as sanitize_messages
from ._messages.simple_parts import CompactionPart as CompactionPart
from ._messages.simple_parts import FilePart as FilePart
from ._messages.simple_parts import SystemPromptPart as SystemPromptPart
from ._messages.simple_parts import TextPart as TextPart
from ._messages.simple_parts import ThinkingPart as ThinkingPart
from ._messages.simple_parts import UserPromptPart as UserPromptPart
from ._messages.speech import SpeechPart as SpeechPart
from ._messages.state_parts import ToolAvailabilityDeltaPart as ToolAvailabilityDeltaPart
from ._messages.tool_parts import INTERRUPTED_TOOL_RETURN_CONTENT as INTERRUPTED_TOOL_RETURN_CONTENT
from ._messages.tool_parts import INVALID_JSON_KEY as INVALID_JSON_KEY
from ._messages.tool_parts import RETURN_VALUE_KEY as RETURN_VALUE_KEY
from ._messages.tool_parts import BaseToolCallPart as BaseToolCallPart
from ._messages.tool_parts import BaseToolReturnPart as BaseToolReturnPart
from ._messages.tool_parts import BuiltinToolCallPart as BuiltinToolCallPart
from ._messages.tool_parts import BuiltinToolReturnPart as BuiltinToolReturnPart
from ._messages.tool_parts import NativeToolCallPart as NativeToolCallPart
from ._messages.tool_parts import NativeToolReturnPart as NativeToolReturnPart
from ._messages.tool_parts import ToolCallPart as ToolCallPart
from ._messages.tool_parts import ToolOutcome as ToolOutcome
from ._messages.tool_parts import ToolReturnContent as ToolReturnContent
from ._messages.tool_parts import ToolReturnPart as ToolReturnPart
from ._messages.tool_parts import tool_return_content_ta as tool_return_content_ta
from ._messages.tool_parts import tool_return_ta as tool_return_ta
from ._messages.typed_tool_parts import LoadCapabilityArgs as LoadCapabilityArgs
from ._messages.typed_tool_parts import LoadCapabilityCallPart as LoadCapabilityCallPart
from ._messages.typed_tool_parts import LoadCapabilityReturn as LoadCapabilityReturn
from ._messages.typed_tool_parts import LoadCapabilityReturnPart as LoadCapabilityReturnPart
from ._messages.typed_tool_parts import NativeToolSearchCallPart as NativeToolSearchCallPart
from ._messages.typed_tool_parts import NativeToolSearchReturnPart as NativeToolSearchReturnPart
from ._messages.typed_tool_parts import ToolPartKind as ToolPartKind
from ._messages.typed_tool_parts import ToolSearchArgs as ToolSearchArgs
from ._messages.typed_tool_parts import ToolSearchCallPart as ToolSearchCallPart
from ._messages.typed_tool_parts import ToolSearchMatch as ToolSearchMatch
from ._messages.typed_tool_parts import ToolSearchReturnContent as ToolSearchReturnContent
from ._messages.typed_tool_parts import ToolSearchReturnPart as ToolSearchReturnPart
from ._messages.typed_tool_parts import parse_tool_kind as parse_tool_kind
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.deferred import DeferredToolResults as DeferredToolResults

__all__ = [
    "INTERRUPTED_TOOL_RETURN_CONTENT",
    "INVALID_JSON_KEY",
    "MULTI_MODAL_CONTENT_TYPES",
    "RETURN_VALUE_KEY",
    "STANDING_PROMPT_PLANTED_KEY",
    "AgentInstructionSource",
    "AgentRunErrorEvent",
    "AgentStreamEvent",
    "AudioFormat",
    "AudioMediaType",
    "AudioUrl",
    "BaseToolCallPart",
    "BaseToolReturnPart",
    "BinaryAudio",
    "BinaryContent",
    "BinaryImage",
    "BuiltinToolCallEvent",
    "BuiltinToolCallPart",
    "BuiltinToolResultEvent",
    "BuiltinToolReturnPart",
    "CachePoint",
    "CapabilityInstructionSource",
    "CompactionPart",
    "DeferredToolRequests",
    "DeferredToolRequestsEvent",
    "DeferredToolResults",
    "DeferredToolResultsEvent",
    "DocumentFormat",
    "DocumentMediaType",
    "DocumentUrl",
    "EnqueueContent",
    "EnqueuedMessagesEvent",
    "FilePart",
    "FileUrl",
    "FinalResultEvent",
    "FinishReason",
    "ForceDownloadMode",
    "FunctionToolCallEvent",
    "FunctionToolResultEvent",
    "HandleResponseEvent",
    "ImageFormat",
    "ImageMediaType",
    "ImageUrl",
    "InstructionId",
    "InstructionPart",
    "InstructionSource",
    "LoadCapabilityArgs",
    "LoadCapabilityCallPart",
    "LoadCapabilityReturn",
    "LoadCapabilityReturnPart",
    "ModelMessage",
    "ModelMessagesTypeAdapter",
    "ModelRequest",
    "ModelRequestPart",
    "ModelRequestState",
    "ModelResponse",
    "ModelResponsePart",
    "ModelResponsePartDelta",
    "ModelResponseState",
    "ModelResponseStreamEvent",
    "MultiModalContent",
    "NativeToolCallPart",
    "NativeToolReturnPart",
    "NativeToolSearchCallPart",
    "NativeToolSearchReturnPart",
    "OutputToolCallEvent",
    "OutputToolResultEvent",
    "PartDeltaEvent",
    "PartEndEvent",
    "PartStartEvent",
    "PendingMessage",
    "PendingMessagePriority",
    "RetryFeedbackCause",
    "RetryFeedbackPart",
    "RetryPromptPart",
    "RunEvent",
    "RunInstructionSource",
    "SerializedInstructionId",
    "SpeechPart",
    "ProviderDetailsDelta",
    "SpeechPartDelta",
    "SystemPromptPart",
    "TextContent",
    "TextPart",
    "TextPartDelta",
    "ThinkingPart",
    "ThinkingPartDelta",
    "ToolAvailabilityDeltaEvent",
    "ToolAvailabilityDeltaPart",
    "ToolCallEvent",
    "ToolCallPart",
    "ToolCallPartDelta",
    "ToolOutcome",
    "ToolPartKind",
    "ToolResultEvent",
    "ToolRetryCause",
    "ToolReturn",
    "ToolReturnContent",
    "ToolReturnPart",
    "ToolSearchArgs",
    "ToolSearchCallPart",
    "ToolSearchMatch",
    "ToolSearchReturnContent",
    "ToolSearchReturnPart",
    "ToolsetInstructionSource",
    "UploadedFile",
    "UploadedFileProviderName",
    "UserContent",
    "UserPromptPart",
    "VideoFormat",
    "VideoMediaType",
    "VideoUrl",
    "is_multi_modal_content",
    "narrow_message_parts",
    "parse_tool_kind",
    "post_compaction_window",
    "sanitize_messages",
    "error_details_ta",
    "tool_return_content_ta",
    "tool_return_ta",
]
