"""Request parts recording a change to what the model can use from that point of the history on.

:class:`ToolAvailabilityDeltaPart` (``'tool-availability-delta'``): tools revealed to the model (tool search,
a capability loaded on demand). Additions only. It is never sent to a model as it is; a history keeps it so a
resumed run knows what the model has been shown. Releases before the newest spelled ``tools_added`` as
``added``; both load, and a loaded part dumps under the key it was loaded with.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Literal

from .._repr import fields_eq, no_defaults_repr
from .fields import history_fields

__all__ = ["ToolAvailabilityDeltaPart"]


@history_fields(legacy={"added": "tools_added"})
@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ToolAvailabilityDeltaPart:
    """Records that tools became available to the model at this point (additions only)."""

    tools_added: list[str] = field(default_factory=list)
    """The names of the tools revealed here."""
    tool_call_id: str | None = None
    """The tool call that revealed them, if any."""
    part_kind: Literal["tool-availability-delta"] = "tool-availability-delta"

    @property
    def added(self) -> list[str]:
        """The earlier releases' name for :attr:`tools_added`."""
        return self.tools_added

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
