"""Frontend state in ``deps``: the :class:`StateHandler` protocol and :class:`StateDeps`, its simplest form.

A UI protocol may send the application's state with each run (AG-UI's ``state``). When a run's ``deps``
implements :class:`StateHandler` (a dataclass with a ``state`` field), the adapter runs the agent with a copy
of ``deps`` whose ``state`` is the state the frontend sent, validated into the type of the ``state`` it had if
that is a pydantic model. The ``deps`` passed in are never modified, so one ``deps`` object may serve many
concurrent requests.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel

__all__ = ["StateDeps", "StateHandler", "with_state"]

StateT = TypeVar("StateT", bound=BaseModel)


@runtime_checkable
class StateHandler(Protocol):
    """``deps`` that receive the frontend's state: a dataclass with a ``state`` field."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def state(self) -> Any:
        """The run's state."""
        ...


@dataclass
class StateDeps(Generic[StateT]):
    """``deps`` holding just the frontend's state, as the pydantic model ``StateT``.

    Pass ``StateDeps(MyState())`` as ``deps``: each run gets ``StateDeps(<the state the frontend sent>)``.
    """

    state: StateT


def with_state(deps: Any, state: dict[str, Any] | None) -> Any:
    """``deps`` with ``state`` put in, if ``deps`` is a :class:`StateHandler` (else ``deps``, with a warning when
    a state was sent, since it is then dropped)."""
    if isinstance(deps, StateHandler):
        raw = state or {}
        current = deps.state
        value = type(current).model_validate(raw) if isinstance(current, BaseModel) else raw
        return dataclasses.replace(deps, state=value)
    if state:
        warnings.warn(
            f"The frontend sent a state, but `deps` of type `{type(deps).__name__}` does not implement "
            "`StateHandler`, so the state was ignored: use `StateDeps[...]` (or a dataclass with a `state` field).",
            UserWarning,
            stacklevel=4,
        )
    return deps
