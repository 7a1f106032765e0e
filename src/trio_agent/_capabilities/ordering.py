"""``CapabilityOrdering``: where a capability goes in the middleware chain, whatever order it was listed in.

The first capability listed is the outermost layer (its ``before_*`` hooks run first, its ``wrap_*`` hooks
surround the others'). A capability may declare, through ``get_ordering()``, a tier (``'outermost'`` or
``'innermost'``), capabilities it must wrap or be wrapped by, and capability types that must be present.
:func:`sort_capabilities` orders a list to satisfy every declaration, keeping the listed order wherever the
declarations leave a choice; declarations that contradict each other are a ``UserError`` naming them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from .._exceptions import UserError

if TYPE_CHECKING:
    from .abstract import AbstractCapability

__all__ = ["CapabilityOrdering", "CapabilityPosition", "CapabilityRef", "sort_capabilities"]

CapabilityPosition = Literal["outermost", "innermost"]
"""A capability's tier: before every other capability, or after every other one."""

CapabilityRef: TypeAlias = "type[AbstractCapability[Any]] | AbstractCapability[Any]"
"""A capability type (every instance of it) or one capability instance."""


@dataclasses.dataclass
class CapabilityOrdering:
    """Constraints on a capability's place among an agent's capabilities (see the module docstring)."""

    position: CapabilityPosition | None = None
    """``'outermost'`` or ``'innermost'`` tier, or ``None`` for the listed order."""
    wraps: Sequence[CapabilityRef] = ()
    """Capabilities (types or instances) this one must be outside of."""
    wrapped_by: Sequence[CapabilityRef] = ()
    """Capabilities (types or instances) this one must be inside of."""
    requires: Sequence[type[AbstractCapability[Any]]] = ()
    """Capability types that must be present too (no order implied)."""


def _matches(ref: Any, capability: Any) -> bool:
    if isinstance(ref, type):
        return isinstance(capability, ref)
    return ref is capability


def sort_capabilities(capabilities: Sequence[AbstractCapability[Any]]) -> list[AbstractCapability[Any]]:
    """``capabilities`` in an order that satisfies their :class:`CapabilityOrdering` declarations."""
    orderings = [c.get_ordering() for c in capabilities]
    if not any(orderings):
        return list(capabilities)
    for capability, ordering in zip(capabilities, orderings, strict=True):
        for required in ordering.requires if ordering else ():
            if not any(isinstance(other, required) for other in capabilities):
                raise UserError(
                    f"`{type(capability).__name__}` requires a `{required.__name__}` capability; add one to the "
                    "agent's `capabilities`."
                )
    count = len(capabilities)
    tier = [{"outermost": 0, "innermost": 2}.get((o.position or "") if o else "", 1) for o in orderings]
    after: list[set[int]] = [set() for _ in range(count)]  # after[j] holds every i that must come before j
    for i, ordering in enumerate(orderings):
        if ordering is None:
            continue
        for j, other in enumerate(capabilities):
            if i == j:
                continue
            if any(_matches(ref, other) for ref in ordering.wraps):
                after[j].add(i)
            if any(_matches(ref, other) for ref in ordering.wrapped_by):
                after[i].add(j)
    for j in range(count):
        after[j].update(i for i in range(count) if tier[i] < tier[j])
    placed: list[int] = []
    remaining = list(range(count))
    while remaining:
        ready = next((j for j in remaining if not (after[j] - set(placed))), None)
        if ready is None:
            names = ", ".join(f"`{type(capabilities[j]).__name__}`" for j in remaining)
            raise UserError(f"The ordering constraints of capabilities {names} contradict each other.")
        placed.append(ready)
        remaining.remove(ready)
    return [capabilities[j] for j in placed]
