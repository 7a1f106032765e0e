"""How a run's output is specified."""

from typing_extensions import TypeVar as _TypeVar

from ._output.specs import NativeOutput as NativeOutput
from ._output.specs import OutputMode as OutputMode
from ._output.specs import OutputSpec as OutputSpec
from ._output.specs import OutputTypeOrFunction as OutputTypeOrFunction
from ._output.specs import PromptedOutput as PromptedOutput
from ._output.specs import TextOutput as TextOutput
from ._output.specs import TextOutputFunc as TextOutputFunc
from ._output.specs import ToolOutput as ToolOutput
from ._output.structured_dict import StructuredDict as StructuredDict
from ._tools.deferred import DeferredToolRequests as DeferredToolRequests
from ._tools.definitions import OutputObjectDefinition as OutputObjectDefinition

OutputDataT = _TypeVar("OutputDataT", default=str, covariant=True)
"""The type of a run's output (the reference API's name for an agent's ``OutputT``)."""

DeferredToolCalls = DeferredToolRequests
"""The earlier name of :class:`DeferredToolRequests`, kept so that code written against it runs."""

__all__ = [
    "DeferredToolCalls",
    "DeferredToolRequests",
    "NativeOutput",
    "OutputDataT",
    "OutputMode",
    "OutputObjectDefinition",
    "OutputSpec",
    "OutputTypeOrFunction",
    "PromptedOutput",
    "StructuredDict",
    "TextOutput",
    "TextOutputFunc",
    "ToolOutput",
]
