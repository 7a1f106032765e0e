"""The model interface and model resolution.

Offline models for tests and demos live in :mod:`trio_agent.models.test` (``TestModel``) and
:mod:`trio_agent.models.function` (``FunctionModel``).
"""

from ._infer import KnownModelName as KnownModelName
from ._infer import infer_model as infer_model
from ._model import Model as Model
from ._model import ModelProfile as ModelProfile
from ._model import ModelRequestParameters as ModelRequestParameters
from ._model import OutputMode as OutputMode
from ._parts_manager import ModelResponsePartsManager as ModelResponsePartsManager
from ._streamed import StreamedResponse as StreamedResponse

ALLOW_MODEL_REQUESTS = True
"""Whether models may send requests to providers; set it to ``False`` in a test suite (or use
``trio_agent.testing.block_model_requests``) so that an accidental real request fails instead of going out."""

__all__ = [
    "ALLOW_MODEL_REQUESTS",
    "KnownModelName",
    "Model",
    "ModelProfile",
    "ModelRequestParameters",
    "ModelResponsePartsManager",
    "OutputMode",
    "StreamedResponse",
    "infer_model",
]
