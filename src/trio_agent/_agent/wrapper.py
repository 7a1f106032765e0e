"""``WrapperAgent``: an agent that forwards everything to another agent (the reference API's
``pydantic_ai.agent.WrapperAgent``).

Subclass it to change part of what an agent does and pass the rest through: its runs use the wrapped agent's
configuration (its compiled spec), and its properties, ``override`` and ``async with`` are the wrapped agent's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from typing_extensions import TypeVar

from .._engine.pipeline import EventStreamHandler
from .._engine.spec import AgentSpec
from .._output.specs import OutputSpec
from .._toolsets.abstract import AbstractToolset
from ..models import Model
from .abstract import AbstractAgent
from .base import AgentRetries

__all__ = ["WrapperAgent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)


class WrapperAgent(AbstractAgent[DepsT, OutputT]):
    """An agent that does nothing on its own: every run is a run of :attr:`wrapped`'s configuration.

    Args:
        wrapped: The agent to forward to (any agent: an ``Agent``, or another wrapper).
    """

    def __init__(self, wrapped: AbstractAgent[DepsT, OutputT]) -> None:
        self.wrapped = wrapped

    def _compiled(self) -> AgentSpec:
        return self.wrapped._compiled()

    def _spec_for(self, retries: int | AgentRetries | None) -> AgentSpec:
        return self.wrapped._spec_for(retries)

    @property
    def name(self) -> str | None:
        """The wrapped agent's name."""
        return self.wrapped.name

    @name.setter
    def name(self, value: str | None) -> None:
        self.wrapped.name = value

    @property
    def event_stream_handler(self) -> EventStreamHandler | None:
        """The wrapped agent's default event stream handler."""
        return self.wrapped.event_stream_handler

    @event_stream_handler.setter
    def event_stream_handler(self, value: EventStreamHandler | None) -> None:
        self.wrapped.event_stream_handler = value

    @property
    def model(self) -> Model | None:
        """The wrapped agent's model."""
        return self._compiled().model

    @property
    def output_type(self) -> OutputSpec[OutputT]:
        """The wrapped agent's output type."""
        output_type: OutputSpec[OutputT] = getattr(self.wrapped, "output_type")  # noqa: B009
        return output_type

    @property
    def deps_type(self) -> type:
        """The wrapped agent's deps type."""
        deps_type: type = getattr(self.wrapped, "deps_type", type(None))
        return deps_type

    @property
    def toolsets(self) -> Sequence[AbstractToolset[Any]]:
        """The wrapped agent's toolsets."""
        spec = self._compiled()
        return (spec.function_toolset, *spec.toolsets)

    async def __aenter__(self) -> AbstractAgent[DepsT, OutputT]:
        enter = getattr(self.wrapped, "__aenter__", None)
        if enter is not None:
            await enter()
        return self

    async def __aexit__(self, *args: Any) -> bool | None:
        exit_ = getattr(self.wrapped, "__aexit__", None)
        if exit_ is not None:
            result: bool | None = await exit_(*args)
            return result
        return None

    @contextlib.contextmanager
    def override(self, **changes: Any) -> Iterator[None]:
        """The wrapped agent's ``override`` (same arguments)."""
        override = getattr(self.wrapped, "override", None)
        if override is None:
            raise TypeError(f"`{type(self.wrapped).__name__}` has no `override`.")
        with override(**changes):
            yield

    def __repr__(self) -> str:
        return f"{type(self).__name__}(wrapped={self.wrapped!r})"
