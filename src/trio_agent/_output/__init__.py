"""A run's output (the public API is :mod:`trio_agent.output`).

* :mod:`.specs`: how the output is asked for: ``ToolOutput``, ``NativeOutput``, ``PromptedOutput``,
  ``TextOutput``, and the ``OutputSpec`` type that ``output_type=`` accepts.
* :mod:`.schema`: :class:`OutputSchema`, built once per agent and output type: the output tools, the text
  processor, and the validators that turn the model's answer into the output value.
* :mod:`.structured_dict`: ``StructuredDict``, output described by a JSON schema.
* :mod:`.json_schema`: the JSON schema of everything a run may output (``Agent.output_json_schema``).

The names below are importable from here as from the reference API's private ``pydantic_ai._output``.
"""

from .schema import DEFAULT_OUTPUT_TOOL_DESCRIPTION as DEFAULT_OUTPUT_TOOL_DESCRIPTION
from .schema import DEFAULT_OUTPUT_TOOL_NAME as DEFAULT_OUTPUT_TOOL_NAME
from .schema import AutoOutputSchema as AutoOutputSchema
from .schema import NativeOutputSchema as NativeOutputSchema
from .schema import OutputSchema as OutputSchema
from .schema import OutputValidator as OutputValidator
from .schema import PromptedOutputSchema as PromptedOutputSchema
from .schema import TextOutputSchema as TextOutputSchema
from .schema import TextProcessor as TextOutputProcessor
from .schema import ToolOutputSchema as ToolOutputSchema
from .specs import NativeOutput as NativeOutput
from .specs import OutputSpec as OutputSpec
from .specs import PromptedOutput as PromptedOutput
from .specs import TextOutput as TextOutput
from .specs import ToolOutput as ToolOutput

__all__ = [
    "DEFAULT_OUTPUT_TOOL_DESCRIPTION",
    "DEFAULT_OUTPUT_TOOL_NAME",
    "AutoOutputSchema",
    "NativeOutput",
    "NativeOutputSchema",
    "OutputSchema",
    "OutputSpec",
    "OutputValidator",
    "PromptedOutput",
    "PromptedOutputSchema",
    "TextOutput",
    "TextOutputProcessor",
    "TextOutputSchema",
    "ToolOutput",
    "ToolOutputSchema",
]
