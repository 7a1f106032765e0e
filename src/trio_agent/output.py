"""How a run's output is specified."""

from ._output_specs import NativeOutput as NativeOutput
from ._output_specs import PromptedOutput as PromptedOutput
from ._output_specs import TextOutput as TextOutput
from ._output_specs import ToolOutput as ToolOutput
from ._tool_def import OutputObjectDefinition as OutputObjectDefinition

__all__ = ["NativeOutput", "OutputObjectDefinition", "PromptedOutput", "TextOutput", "ToolOutput"]
