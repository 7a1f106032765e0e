"""``AGUIApp``: the ASGI app for an AG-UI endpoint."""

from __future__ import annotations

from typing import Any, cast

from typing_extensions import TypeVar

from ..._agent.abstract import AbstractAgent
from .._adapter import UIAdapter
from .._app import UIApp
from ._adapter import AGUIAdapter

__all__ = ["AGUIApp"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class AGUIApp(UIApp[DepsT, OutputT]):
    """An ASGI app answering AG-UI runs with runs of ``agent`` (arguments as for :class:`~trio_agent.ui.UIApp`,
    without the adapter type)."""

    def __init__(self, agent: AbstractAgent[DepsT, OutputT], **kwargs: Any) -> None:
        super().__init__(cast("type[UIAdapter[Any, Any, Any, DepsT, OutputT]]", AGUIAdapter), agent, **kwargs)
