"""``ExternalToolset``: tools the model can call but the caller executes (in a browser, another service)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from pydantic_core import SchemaValidator, core_schema
from typing_extensions import TypeVar

from .._exceptions import UserError
from .._run_context import RunContext
from .._tools.definitions import ToolDefinition
from .abstract import AbstractToolset, ToolsetTool

__all__ = ["ANY_ARGS", "ExternalToolset"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)

ANY_ARGS = SchemaValidator(core_schema.dict_schema(core_schema.str_schema(), core_schema.any_schema()))
"""Accepts any JSON object as arguments (the tool's own side checks them)."""


class ExternalToolset(AbstractToolset[DepsT]):
    """Tools described by ``tool_defs`` whose calls the run does not make: a response that calls one ends the run
    with ``DeferredToolRequests`` (its ``calls``) as output, which must be among the agent's output types; a
    later run continues with the results in ``deferred_tool_results=DeferredToolResults(calls={...})``."""

    def __init__(self, tool_defs: Sequence[ToolDefinition], *, id: str | None = None) -> None:
        self.tool_defs = list(tool_defs)
        self._id = id

    @property
    def id(self) -> str | None:
        return self._id

    async def get_tools(self, ctx: RunContext[DepsT]) -> dict[str, ToolsetTool[DepsT]]:
        return {
            tool_def.name: ToolsetTool(
                toolset=self,
                tool_def=dataclasses.replace(tool_def, kind="external"),
                max_retries=0,
                args_validator=ANY_ARGS,
            )
            for tool_def in self.tool_defs
        }

    async def call_tool(
        self, name: str, tool_args: dict[str, Any], ctx: RunContext[DepsT], tool: ToolsetTool[DepsT]
    ) -> Any:
        raise UserError(f"Tool {name!r} of {self.label} is external: the run defers its calls to the caller.")


DeferredToolset = ExternalToolset
"""The earlier name of :class:`ExternalToolset`."""
