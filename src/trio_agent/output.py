"""How a run's output is specified."""

from ._output.specs import NativeOutput as NativeOutput
from ._output.specs import OutputMode as OutputMode
from ._output.specs import OutputSpec as OutputSpec
from ._output.specs import PromptedOutput as PromptedOutput
from ._output.specs import TextOutput as TextOutput
from ._output.specs import ToolOutput as ToolOutput
from ._tools.definitions import OutputObjectDefinition as OutputObjectDefinition

__all__ = [
    "NativeOutput",
    "OutputMode",
    "OutputObjectDefinition",
    "OutputSpec",
    "PromptedOutput",
    "TextOutput",
    "ToolOutput",
]
