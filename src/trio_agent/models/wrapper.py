"""Models that wrap another model (the reference API's ``pydantic_ai.models.wrapper``).

See :mod:`trio_agent.models._wrapper`.
"""

from ._wrapper import CompletedStreamedResponse as CompletedStreamedResponse
from ._wrapper import WrapperModel as WrapperModel

__all__ = ["CompletedStreamedResponse", "WrapperModel"]
