"""The model interface and model resolution.

Offline models for tests and demos live in :mod:`trio_agent.models.test` (``TestModel``) and
:mod:`trio_agent.models.function` (``FunctionModel``); the HTTP adapters in :mod:`trio_agent.models.openai` and
:mod:`trio_agent.models.anthropic`.

Layout: ``_model`` (the :class:`Model` interface, request parameters, profiles), ``_streamed`` and
``_parts_manager`` (streamed responses assembled from provider fragments), ``_infer`` (``'provider:model'``
names), ``_http_model`` (the request flow every HTTP adapter shares), one package per HTTP adapter (``_openai/``,
``_anthropic/``: model, request mapping, response reading), and the offline models (``_function``,
``_test_model``, with ``_estimate`` and ``_json_test_data``). Transport, retries and keys are the providers'
(:mod:`trio_agent.providers`).
"""

from ._http_client import _cached as _cached_async_http_client  # noqa: F401  (the reference's cache, for fixtures)
from ._http_client import cached_async_http_client as cached_async_http_client
from ._infer import KnownModelName as KnownModelName
from ._infer import infer_model as infer_model
from ._model import Model as Model
from ._model import ModelProfile as ModelProfile
from ._model import ModelRequestParameters as ModelRequestParameters
from ._model import OutputMode as OutputMode
from ._model import StructuredOutputMode as StructuredOutputMode
from ._model import check_allow_model_requests as check_allow_model_requests
from ._model import override_allow_model_requests as override_allow_model_requests
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
    "StructuredOutputMode",
    "cached_async_http_client",
    "check_allow_model_requests",
    "infer_model",
    "override_allow_model_requests",
]
