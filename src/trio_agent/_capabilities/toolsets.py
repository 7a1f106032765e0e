"""Capabilities that contribute toolsets: ``Toolset`` (one toolset) and ``PrefixTools`` (another capability's
tools, renamed with a prefix)."""

from __future__ import annotations

import dataclasses
from typing import Any, Generic

from typing_extensions import TypeVar

from .._toolsets.abstract import AbstractToolset
from .abstract import AbstractCapability
from .wrapper import WrapperCapability

__all__ = ["PrefixTools", "Toolset"]

DepsT = TypeVar("DepsT", default=Any)


@dataclasses.dataclass
class Toolset(AbstractCapability[DepsT], Generic[DepsT]):
    """Offers ``toolset``'s tools to the agent (after its own), as ``Agent(toolsets=[toolset])`` would."""

    toolset: AbstractToolset[Any]

    def get_toolset(self) -> AbstractToolset[Any]:
        return self.toolset


class PrefixTools(WrapperCapability[DepsT]):
    """``capability`` with each of its tools named ``f'{prefix}_{name}'`` (its hooks unchanged)."""

    def __init__(self, prefix: str, capability: AbstractCapability[Any]) -> None:
        self.prefix = prefix
        self.wrapped = capability

    def __repr__(self) -> str:
        return f"PrefixTools(prefix={self.prefix!r}, capability={self.wrapped!r})"

    def get_toolset(self) -> AbstractToolset[Any] | None:
        toolset = self.wrapped.get_toolset()
        return toolset.prefixed(self.prefix) if toolset is not None else None
