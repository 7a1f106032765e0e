"""Tools for testing code built on trio_agent.

- :class:`FakeLLMServer` and its replies: a scripted OpenAI/Anthropic-compatible server on 127.0.0.1, to test
  real providers (errors, retries, cut streams, what goes over the wire) without the internet.
- :func:`block_model_requests`: a context manager in which any request to a real provider fails.
- :mod:`trio_agent.testing.pytest_plugin`: pytest-trio fixtures (``fake_llm_server``,
  ``block_model_requests``); enable it with ``pytest_plugins = ["trio_agent.testing.pytest_plugin"]`` in your
  ``conftest.py``.

The offline models themselves are :class:`~trio_agent.models.test.TestModel` and
:class:`~trio_agent.models.function.FunctionModel`; see the testing guide.
"""

from ..models._model import block_model_requests as block_model_requests
from ._fake_server import FakeLLMServer as FakeLLMServer
from ._replies import CutReply as CutReply
from ._replies import DropReply as DropReply
from ._replies import ErrorReply as ErrorReply
from ._replies import JSONReply as JSONReply
from ._replies import RawReply as RawReply
from ._replies import RecordedRequest as RecordedRequest
from ._replies import Reply as Reply
from ._replies import SSEReply as SSEReply
from ._replies import StallReply as StallReply
from ._replies import sse_event as sse_event

__all__ = [
    "FakeLLMServer",
    "CutReply",
    "DropReply",
    "ErrorReply",
    "JSONReply",
    "RawReply",
    "RecordedRequest",
    "Reply",
    "SSEReply",
    "StallReply",
    "sse_event",
    "block_model_requests",
]
