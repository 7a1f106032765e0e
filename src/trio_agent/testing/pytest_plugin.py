"""pytest-trio fixtures for testing code built on trio_agent.

Enable them in your ``conftest.py``::

    pytest_plugins = ["trio_agent.testing.pytest_plugin"]

Fixtures:

- ``fake_llm_server``: a :class:`~trio_agent.testing.FakeLLMServer` running in the test's nursery (so it
  needs pytest-trio, as every trio test does); it stops when the test ends.
- ``block_model_requests``: for the test's duration, any request to a model provider raises ``UserError``
  instead of going out (use it with ``@pytest.mark.usefixtures``, or make an autouse fixture of it).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trio

from ..models._model import block_model_requests as _blocking
from ._fake_server import FakeLLMServer

__all__ = ["block_model_requests", "fake_llm_server"]


@pytest.fixture
async def fake_llm_server(nursery: trio.Nursery) -> FakeLLMServer:
    """A scripted OpenAI/Anthropic-compatible server on 127.0.0.1, serving for the duration of the test."""
    server = FakeLLMServer()
    await nursery.start(server.serve)
    return server


@pytest.fixture
def block_model_requests() -> Iterator[None]:
    """Make every request to a model provider fail with ``UserError`` while the test runs."""
    with _blocking():
        yield
