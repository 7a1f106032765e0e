"""How a run's output is specified."""

from ._output.specs import NativeOutput as NativeOutput
from ._output.specs import PromptedOutput as PromptedOutput
from ._output.specs import TextOutput as TextOutput
from ._output.specs import ToolOutput as ToolOutput
from ._tools.definitions import OutputObjectDefinition as OutputObjectDefinition

__all__ = ["NativeOutput", "OutputObjectDefinition", "PromptedOutput", "TextOutput", "ToolOutput"]
