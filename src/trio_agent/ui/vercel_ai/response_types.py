"""What the server streams to ``useChat``: the chunks of the UI message stream protocol (AI SDK 5 and 6).

The models live in ``trio_agent.ui.vercel_ai._response_types``; this module is their public name."""

from ._response_types import AbortChunk as AbortChunk
from ._response_types import BaseChunk as BaseChunk
from ._response_types import DataChunk as DataChunk
from ._response_types import DoneChunk as DoneChunk
from ._response_types import ErrorChunk as ErrorChunk
from ._response_types import FileChunk as FileChunk
from ._response_types import FinishChunk as FinishChunk
from ._response_types import FinishReason as FinishReason
from ._response_types import FinishStepChunk as FinishStepChunk
from ._response_types import MessageMetadataChunk as MessageMetadataChunk
from ._response_types import ReasoningDeltaChunk as ReasoningDeltaChunk
from ._response_types import ReasoningEndChunk as ReasoningEndChunk
from ._response_types import ReasoningStartChunk as ReasoningStartChunk
from ._response_types import SourceDocumentChunk as SourceDocumentChunk
from ._response_types import SourceUrlChunk as SourceUrlChunk
from ._response_types import StartChunk as StartChunk
from ._response_types import StartStepChunk as StartStepChunk
from ._response_types import TextDeltaChunk as TextDeltaChunk
from ._response_types import TextEndChunk as TextEndChunk
from ._response_types import TextStartChunk as TextStartChunk
from ._response_types import ToolApprovalRequestChunk as ToolApprovalRequestChunk
from ._response_types import ToolInputAvailableChunk as ToolInputAvailableChunk
from ._response_types import ToolInputDeltaChunk as ToolInputDeltaChunk
from ._response_types import ToolInputErrorChunk as ToolInputErrorChunk
from ._response_types import ToolInputStartChunk as ToolInputStartChunk
from ._response_types import ToolOutputAvailableChunk as ToolOutputAvailableChunk
from ._response_types import ToolOutputDeniedChunk as ToolOutputDeniedChunk
from ._response_types import ToolOutputErrorChunk as ToolOutputErrorChunk

__all__ = [
    "FinishReason",
    "BaseChunk",
    "StartChunk",
    "StartStepChunk",
    "FinishStepChunk",
    "FinishChunk",
    "AbortChunk",
    "MessageMetadataChunk",
    "TextStartChunk",
    "TextDeltaChunk",
    "TextEndChunk",
    "ReasoningStartChunk",
    "ReasoningDeltaChunk",
    "ReasoningEndChunk",
    "ToolInputStartChunk",
    "ToolInputDeltaChunk",
    "ToolInputAvailableChunk",
    "ToolInputErrorChunk",
    "ToolOutputAvailableChunk",
    "ToolOutputErrorChunk",
    "ToolApprovalRequestChunk",
    "ToolOutputDeniedChunk",
    "FileChunk",
    "SourceUrlChunk",
    "SourceDocumentChunk",
    "DataChunk",
    "ErrorChunk",
    "DoneChunk",
]
