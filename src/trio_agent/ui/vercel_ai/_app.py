"""``VercelAIApp``: the ASGI app for ``useChat``'s endpoint."""

from __future__ import annotations

from typing import Any, cast

from typing_extensions import TypeVar

from ..._agent.abstract import AbstractAgent
from .._adapter import UIAdapter
from .._app import UIApp
from ._adapter import VercelAIAdapter

__all__ = ["VercelAIApp"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class VercelAIApp(UIApp[DepsT, OutputT]):
    """An ASGI app answering ``useChat``'s requests with runs of ``agent`` (arguments as for
    :class:`~trio_agent.ui.UIApp`, without the adapter type)."""

    def __init__(self, agent: AbstractAgent[DepsT, OutputT], **kwargs: Any) -> None:
        super().__init__(cast("type[UIAdapter[Any, Any, Any, DepsT, OutputT]]", VercelAIAdapter), agent, **kwargs)
