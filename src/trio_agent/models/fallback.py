"""A model that falls back on others when it fails (the reference API's ``pydantic_ai.models.fallback``).

See :mod:`trio_agent.models._fallback` for how requests and streams move from one model to the next.
"""

from ._fallback import ExceptionHandler as ExceptionHandler
from ._fallback import FallbackModel as FallbackModel
from ._fallback import FallbackOn as FallbackOn
from ._fallback import ResponseHandler as ResponseHandler
from ._fallback import ResponseRejected as ResponseRejected

__all__ = ["ExceptionHandler", "FallbackModel", "FallbackOn", "ResponseHandler", "ResponseRejected"]
