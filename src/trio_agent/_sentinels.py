"""The library's sentinel values: one enum, one member per meaning.

A sentinel stands for "no value here" where ``None`` is a legitimate value. Each is a member of
:class:`Sentinel`, so it has a readable ``repr``, survives ``copy`` and ``pickle`` as itself, and type checkers
narrow ``x is NOT_SET`` (annotate such a parameter as ``T | Literal[Sentinel.NOT_SET]``).
"""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias

__all__ = ["ALREADY_ANSWERED", "EXECUTE", "NOTHING_YET", "NOT_SET", "NotSet", "Sentinel"]


class Sentinel(enum.Enum):
    """Every sentinel of the library."""

    NOT_SET = "NOT_SET"
    """An optional argument that was not given (``Agent.override(deps=...)``, where ``None`` is valid deps)."""
    EXECUTE = "EXECUTE"
    """A tool call that ``deferred_tool_results`` does not answer: execute it."""
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    """A tool call whose result an earlier run already recorded: neither execute nor record it again."""
    NOTHING_YET = "NOTHING_YET"
    """A streamed output that has no value to show yet."""

    def __repr__(self) -> str:
        return self.value


NOT_SET: Final = Sentinel.NOT_SET
EXECUTE: Final = Sentinel.EXECUTE
ALREADY_ANSWERED: Final = Sentinel.ALREADY_ANSWERED
NOTHING_YET: Final = Sentinel.NOTHING_YET

NotSet: TypeAlias = Literal[Sentinel.NOT_SET]
"""The type of :data:`NOT_SET`, for annotations."""
