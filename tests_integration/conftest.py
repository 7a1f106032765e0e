"""The integration tests run against llama.cpp's own server (``nox -s integration`` installs it and a model)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from trio_agent.testing.llamacpp import LlamaCppServer

pytest_plugins = ["trio_agent.testing.pytest_plugin"]


@pytest.fixture(scope="session")
def llamacpp() -> Iterator[LlamaCppServer]:
    """One llama.cpp server (Gemma 3 270M) for the whole session: loading the model takes seconds."""
    with LlamaCppServer() as server:
        yield server
