"""How a run's output is specified, requested from the model, and validated.

``output_type`` may be ``str`` (the model answers in text), any type pydantic can validate (the model calls
an *output tool* whose arguments are the value), or a list/union of those. Built once per agent (and once per
distinct per-run override), never per run.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Union, get_args, get_origin

import pydantic
import typing_extensions
from pydantic.json_schema import GenerateJsonSchema

from ._exceptions import UserError
from ._run_context import RunContext
from ._system_prompts import takes_run_context
from ._tool_def import ToolDefinition

if typing.TYPE_CHECKING:
    from .models import ModelRequestParameters

__all__ = ["OutputSchema", "OutputTool", "OutputValidator", "output_schema"]

DEFAULT_OUTPUT_TOOL_NAME = "final_result"
DEFAULT_OUTPUT_TOOL_DESCRIPTION = "The final response, which ends this conversation"


class _OutputJsonSchema(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _is_object_schema(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" and "properties" in schema


@dataclasses.dataclass(kw_only=True)
class OutputTool:
    """A tool whose arguments are the run's output value."""

    tool_def: ToolDefinition
    adapter: pydantic.TypeAdapter[Any]
    outer_key: str | None
    max_retries: int | None = None

    def process(self, args: str | dict[str, Any] | None) -> Any:
        """Validate the tool call's arguments into the output value (raises ``pydantic.ValidationError``)."""
        if isinstance(args, str):
            value = self.adapter.validate_json(args or "{}")
        else:
            value = self.adapter.validate_python(args or {})
        return value[self.outer_key] if self.outer_key else value


@dataclasses.dataclass(kw_only=True)
class OutputSchema:
    """What the run accepts as output and how the model is asked for it."""

    allow_text_output: bool
    """Whether a plain-text answer is an output (``str`` is among the output types)."""
    tools: dict[str, OutputTool]
    allows_none: bool = False
    request_parameters: tuple[int, ModelRequestParameters] | None = None
    """The agent's request parameters for this output, with the tool-set version they were built for."""

    @property
    def mode(self) -> typing.Literal["text", "tool"]:
        return "tool" if self.tools else "text"

    @property
    def tool_defs(self) -> list[ToolDefinition]:
        return [tool.tool_def for tool in self.tools.values()]


def _flatten(output_type: Any) -> list[Any]:
    if isinstance(output_type, Sequence) and not isinstance(output_type, str):
        return [member for item in output_type for member in _flatten(item)]
    if get_origin(output_type) in (Union, types.UnionType):
        return [member for item in get_args(output_type) for member in _flatten(item)]
    return [output_type]


def output_schema_key(output_type: Any) -> tuple[Any, ...]:
    """A hashable key identifying an output spec (raises ``TypeError`` if a member is unhashable)."""
    key = tuple(_flatten(output_type))
    hash(key)
    return key


def _output_tool(output_type: Any, name: str) -> OutputTool:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(output_type)
    schema = adapter.json_schema(schema_generator=_OutputJsonSchema)
    outer_key = None
    if not _is_object_schema(schema):
        outer_key = "response"
        wrapper = typing_extensions.TypedDict(f"{name}_wrapper", {"response": output_type})  # type: ignore[misc]
        adapter = pydantic.TypeAdapter(wrapper)
        schema = {"type": "object", "properties": {"response": schema}, "required": ["response"]}
    description = schema.pop("description", None) or DEFAULT_OUTPUT_TOOL_DESCRIPTION
    schema.pop("title", None)
    return OutputTool(
        tool_def=ToolDefinition(
            name=name,
            parameters_json_schema=schema,
            description=description,
            outer_typed_dict_key=outer_key,
            kind="output",
        ),
        adapter=adapter,
        outer_key=outer_key,
    )


def output_schema(output_type: Any) -> OutputSchema:
    """Build the :class:`OutputSchema` for an ``output_type`` spec."""
    members = _flatten(output_type)
    allows_none = type(None) in members or None in members
    allow_text = str in members
    structured = [m for m in members if m not in (str, type(None), None)]
    if not structured and not allow_text:
        raise UserError(f"`output_type={output_type!r}` names no output type; use `str` or a type to validate.")
    tools: dict[str, OutputTool] = {}
    for member in structured:
        name = DEFAULT_OUTPUT_TOOL_NAME
        if len(structured) > 1:
            name = f"{DEFAULT_OUTPUT_TOOL_NAME}_{getattr(member, '__name__', 'output')}"
        if name in tools:
            raise UserError(f"Two output types would both be called {name!r}; give them distinct names.")
        tools[name] = _output_tool(member, name)
    return OutputSchema(allow_text_output=allow_text, tools=tools, allows_none=allows_none)


OutputValidatorFunc = Callable[..., Any]


class OutputValidator:
    """A function checking (and possibly replacing) the output; it may raise ``ModelRetry``."""

    __slots__ = ("function", "is_async", "takes_ctx")

    def __init__(self, function: OutputValidatorFunc) -> None:
        self.function = function
        self.takes_ctx = len(inspect.signature(function).parameters) > 1 and takes_run_context(function)
        self.is_async = inspect.iscoroutinefunction(function)

    async def validate(self, output: Any, ctx: RunContext[Any]) -> Any:
        result = self.function(ctx, output) if self.takes_ctx else self.function(output)
        if self.is_async:
            awaitable: Awaitable[Any] = result
            result = await awaitable
        return result
