"""How a run's output is specified."""

from ._tool_def import OutputObjectDefinition as OutputObjectDefinition

__all__ = ["OutputObjectDefinition"]
