"""How a run's output is requested from the model and turned into a value.

``output_type`` may be ``str`` (a text answer), any type pydantic validates or an *output function* (the model
calls an output tool), the markers of ``_output_specs`` (``ToolOutput``, ``NativeOutput``, ``PromptedOutput``,
``TextOutput``), or a list/union of these. The :class:`OutputSchema` is built once per agent (and once per
distinct per-run override), never per run.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import types
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pydantic
import typing_extensions

from .._callables import is_async_callable, takes_run_context
from .._exceptions import UserError
from .._lazy_pydantic import tool_json_schema
from .._run_context import RunContext
from .._tools.deferred import DeferredToolRequests
from .._tools.definitions import OutputObjectDefinition, ToolDefinition, prompted_instructions
from .._tools.tool import Tool
from .specs import NativeOutput, OutputMode, PromptedOutput, TextOutput, ToolOutput

__all__ = [
    "DEFAULT_OUTPUT_TOOL_DESCRIPTION",
    "DEFAULT_OUTPUT_TOOL_NAME",
    "AutoOutputSchema",
    "NativeOutputSchema",
    "OutputSchema",
    "OutputTool",
    "OutputValidator",
    "PromptedOutputSchema",
    "TextOutputSchema",
    "ToolOutputSchema",
    "output_schema",
    "output_schema_key",
]

DEFAULT_OUTPUT_TOOL_NAME = "final_result"
DEFAULT_OUTPUT_TOOL_DESCRIPTION = "The final response which ends this conversation"
"""The description of an output tool whose type (or function) has none: the reference's text, verbatim, since it
is part of every request (and of the prompt-cache prefix). With several output tools it follows the type's name:
``"Answer: The final response which ends this conversation"``."""
DEFAULT_PROMPTED_TEMPLATE = (
    "Always respond with a JSON object that's compatible with this schema:\n\n{schema}\n\n"
    "Don't include any text or Markdown fencing before or after.\n"
)
"""The reference's template (``ModelProfile.prompted_output_template``'s default), verbatim: it is part of the
request, and so of what a provider caches."""

# Types built at run time from the user's output types (typed as Any: type checkers cannot follow them).
_typed_dict: Any = typing_extensions.TypedDict
_literal: Any = Literal
_union: Any = Union
_annotated: Any = Annotated


class _CallableOutput:
    """Calls a user function with the value (and the context, if it takes one), awaiting it if async."""

    __slots__ = ("function", "is_async", "takes_ctx")

    def __init__(self, function: Callable[..., Any], *, arity_with_ctx: int) -> None:
        self.function = function
        self.takes_ctx = len(_parameters(function)) >= arity_with_ctx and takes_run_context(function)
        self.is_async = is_async_callable(function)

    async def __call__(self, value: Any, ctx: RunContext[Any]) -> Any:
        result = self.function(ctx, value) if self.takes_ctx else self.function(value)
        if self.is_async:
            awaitable: Awaitable[Any] = result
            result = await awaitable
        return result


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def _text_output_function(function: Callable[..., Any]) -> _CallableOutput:
    """``TextOutput``'s function, checked to take the text as its one argument (after a ``RunContext``)."""
    output = _CallableOutput(function, arity_with_ctx=2)
    params = list(inspect.signature(function).parameters.values())
    try:
        hints = typing_extensions.get_type_hints(function)
    except Exception:  # an annotation that cannot be resolved: the call will tell
        hints = {}
    if len(params) == 2 and params[0].name in hints:  # (ctx, text): the first must be the context
        first: Any = hints[params[0].name]
        output.takes_ctx = (get_origin(first) or first) is RunContext
    text_params = params[1:] if output.takes_ctx else params
    text_hint = hints.get(text_params[0].name, str) if len(text_params) == 1 else None
    if text_hint not in (str, Any):
        raise UserError(
            "TextOutput must take a function taking a single `str` argument (after an optional `RunContext`), "
            f"and {getattr(function, '__qualname__', function)!r} does not: it is given the model's text answer."
        )
    return output


class OutputValidator(_CallableOutput):
    """``@agent.output_validator``: ``(output)`` or ``(ctx, output)``, returning the output or raising
    ``ModelRetry``. Sync validators run on the trio thread (they are meant to be quick checks)."""

    def __init__(self, function: Callable[..., Any]) -> None:
        super().__init__(function, arity_with_ctx=2)

    async def validate(self, output: Any, ctx: RunContext[Any]) -> Any:
        return await self(output, ctx)


@dataclasses.dataclass(kw_only=True)
class _ValueShape:
    """How a JSON value is validated into the output: a TypeAdapter, unwrapping ``{outer_key: value}``."""

    adapter: pydantic.TypeAdapter[Any]
    outer_key: str | None
    schema: dict[str, Any]
    description: str | None

    def validate(self, args: str | dict[str, Any] | None) -> Any:
        try:
            if isinstance(args, str):
                value = self.adapter.validate_json(args or "{}")
            else:
                value = self.adapter.validate_python(args or {})
        except pydantic.ValidationError:
            value = self._validate_stringified(args)
            if value is None:
                raise
        return value[self.outer_key] if self.outer_key else value

    def _validate_stringified(self, args: str | dict[str, Any] | None) -> Any:
        """The wrapped value given as a JSON *string* of itself (``{"response": "[...]"}``, as some providers
        send nested payloads), validated once decoded, as the reference API does; ``None`` if it is not that."""
        if self.outer_key is None:
            return None
        try:
            wrapped = json.loads(args) if isinstance(args, str) else args
            inner = wrapped.get(self.outer_key) if isinstance(wrapped, dict) else None
            if not isinstance(inner, str) or inner.lstrip()[:1] not in ("[", "{"):
                return None
            return self.adapter.validate_python({self.outer_key: json.loads(inner)})
        except (ValueError, pydantic.ValidationError):
            return None


def _is_model_like(output_type: Any) -> bool:
    """Whether the type validates an object as is (a model, dataclass, TypedDict or ``StructuredDict``), so the
    output tool's arguments are the value itself rather than ``{"response": value}``."""
    if not isinstance(output_type, type):
        return False
    return bool(
        issubclass(output_type, pydantic.BaseModel)
        or dataclasses.is_dataclass(output_type)
        or typing_extensions.is_typeddict(output_type)
        or getattr(output_type, "__is_model_like__", False)
    )


def _value_shape(output_type: Any) -> _ValueShape:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(output_type)
    schema = adapter.json_schema(schema_generator=tool_json_schema())
    description = schema.pop("description", None)
    if schema.get("type") == "object" and ("properties" in schema or _is_model_like(output_type)):
        return _ValueShape(adapter=adapter, outer_key=None, schema=schema, description=description)
    schema.pop("title", None)
    wrapper = _typed_dict("OutputWrapper", {"response": output_type})
    defs = schema.pop("$defs", None)
    wrapped: dict[str, Any] = {"properties": {"response": schema}, "required": ["response"], "type": "object"}
    if defs:
        wrapped["$defs"] = defs
    return _ValueShape(
        adapter=pydantic.TypeAdapter(wrapper), outer_key="response", schema=wrapped, description=description
    )


@dataclasses.dataclass(kw_only=True)
class OutputTool:
    """A tool whose arguments are the run's output (or an output function's arguments)."""

    tool_def: ToolDefinition
    max_retries: int | None = None
    shape: _ValueShape | None = None
    function: Tool[Any] | None = None
    object_name: str | None = None
    """The output's own name (the type's title or name, the function's name), whatever the tool is called."""
    object_description: str | None = None
    """The output's own description (given, or from the type or function), without the default text."""

    async def process(self, args: str | dict[str, Any] | None, ctx: RunContext[Any]) -> Any:
        """Validate (and, for an output function, call) into the output; raises ``pydantic.ValidationError`` or
        ``ModelRetry``."""
        if self.function is not None:
            return await self.function.call(self.function.function_schema.validate(args), ctx)
        assert self.shape is not None
        return self.shape.validate(args)


_FENCE = re.compile(r"```(?:\w+)?\s*\n?(.*?)```", re.DOTALL)


def _strip_fences(text: str) -> str:
    match = _FENCE.search(text)
    return (match.group(1) if match else text).strip() or "{}"


@dataclasses.dataclass(kw_only=True)
class TextProcessor:
    """Turns a text answer into the output: as is (``str``), through a ``TextOutput`` function, or as JSON."""

    function: _CallableOutput | None = None
    shape: _ValueShape | _KindUnion | None = None

    @property
    def is_plain(self) -> bool:
        """Whether the text is the output as is (a ``str`` output: no function, no shape), so that processing it
        needs no run context."""
        return self.shape is None and self.function is None

    async def process(self, text: str, ctx: RunContext[Any]) -> Any:
        if self.shape is not None:
            return self.shape.validate(_strip_fences(text))
        if self.function is not None:
            return await self.function(text, ctx)
        return text


@dataclasses.dataclass(kw_only=True)
class OutputSchema:
    """What the run accepts as output and how the model is asked for it."""

    mode: OutputMode
    tools: dict[str, OutputTool]
    text: TextProcessor | None
    output_object: OutputObjectDefinition | None = None
    prompted_template: str | Literal[False] | None = None
    allows_none: bool = False
    allows_deferred: bool = False
    """Whether ``DeferredToolRequests`` is among the output types (so deferred calls can end the run)."""

    @property
    def allow_text_output(self) -> bool:
        """Whether a plain-text answer can be the output."""
        return self.text is not None

    @property
    def allows_text(self) -> bool:
        """The reference API's name for :attr:`allow_text_output`."""
        return self.text is not None

    @property
    def tool_defs(self) -> list[ToolDefinition]:
        return [tool.tool_def for tool in self.tools.values()]

    @property
    def object_def(self) -> OutputObjectDefinition | None:
        """The reference API's name for :attr:`output_object`."""
        return self.output_object

    def prompted_instructions(self) -> str | None:
        """The instructions that ask for JSON output, in ``'prompted'`` mode."""
        if self.mode != "prompted" or self.output_object is None or self.prompted_template is False:
            return None
        return prompted_instructions(self.prompted_template or DEFAULT_PROMPTED_TEMPLATE, self.output_object)


class TextOutputSchema(OutputSchema):
    """Plain text is the output (``str`` or ``TextOutput``), with no output tools."""


class ToolOutputSchema(OutputSchema):
    """Output through output tools (``ToolOutput``), possibly next to text."""


class AutoOutputSchema(ToolOutputSchema):
    """Output types given as plain types or functions: the model's profile decides how they are asked for
    (output tools unless the profile says otherwise)."""


class NativeOutputSchema(OutputSchema):
    """``NativeOutput``: the provider's JSON-schema response format."""


class PromptedOutputSchema(OutputSchema):
    """``PromptedOutput``: the schema in the instructions, the answer parsed from the text."""


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


def _type_name(value: Any) -> str:
    name = str(getattr(value, "__name__", None) or type(value).__name__)
    return re.sub(r"[^a-zA-Z0-9_-]", "", name)


def _unique(name: str, taken: dict[str, Any]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}_{n}"
    return candidate


def _is_output_function(member: Any) -> bool:
    return callable(member) and not isinstance(member, type) and get_origin(member) is None


def _output_tool(member: Any, spec: ToolOutput[Any] | None, name: str, *, several: bool) -> OutputTool:
    value = spec.output if spec is not None else member
    description = spec.description if spec is not None else None
    max_retries = spec.max_retries if spec is not None else None
    strict = spec.strict if spec is not None else None
    sequential = spec.sequential if spec is not None else False
    default = f"{_type_name(value)}: {DEFAULT_OUTPUT_TOOL_DESCRIPTION}" if several else DEFAULT_OUTPUT_TOOL_DESCRIPTION
    if _is_output_function(value):
        function: Tool[Any] = Tool(value, name=name, description=description, strict=strict, sequential=sequential)
        tool_def = dataclasses.replace(
            function.tool_def, kind="output", description=function.tool_def.description or default
        )
        return OutputTool(
            tool_def=tool_def,
            max_retries=max_retries,
            function=function,
            object_name=getattr(value, "__name__", None),
            object_description=function.tool_def.description or None,
        )
    shape = _value_shape(value)
    if description and shape.description:
        description = f"{description}. {shape.description}"
    return OutputTool(
        object_name=str(shape.schema.get("title") or getattr(value, "__name__", None) or _type_name(value)),
        object_description=description or shape.description,
        tool_def=ToolDefinition(
            name=name,
            parameters_json_schema=shape.schema,
            description=description or shape.description or default,
            outer_typed_dict_key=shape.outer_key,
            strict=strict,
            sequential=sequential,
            kind="output",
        ),
        max_retries=max_retries,
        shape=shape,
    )


class _KindUnion:
    """Several structured-text outputs as one object: ``{"result": {"kind": <name>, "data": <value>}}``."""

    def __init__(self, members: list[Any]) -> None:
        self.shapes: dict[str, _ValueShape] = {}
        entries: list[dict[str, Any]] = []
        defs: dict[str, Any] = {}
        for member in members:
            key = _unique(_type_name(member), self.shapes)
            shape = self.shapes[key] = _value_shape(member)
            data = dict(shape.schema)
            defs.update(data.pop("$defs", {}))
            entry: dict[str, Any] = {
                "type": "object",
                "properties": {"kind": {"type": "string", "const": key}, "data": data},
                "required": ["kind", "data"],
                "additionalProperties": False,
                "title": key,
            }
            if shape.description:
                entry["description"] = shape.description
            entries.append(entry)
        self.schema: dict[str, Any] = {
            "type": "object",
            "properties": {"result": {"anyOf": entries}},
            "required": ["result"],
            "additionalProperties": False,
        }
        if defs:
            self.schema["$defs"] = defs
        self.description: str | None = None
        envelopes = [_typed_dict("Envelope", {"kind": _literal[key], "data": Any}) for key in self.shapes]
        union = _annotated[_union[tuple(envelopes)], pydantic.Discriminator("kind")]
        self._envelope: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(_typed_dict("Result", {"result": union}))

    def validate(self, args: str | dict[str, Any] | None) -> Any:
        if isinstance(args, str):
            envelope = self._envelope.validate_json(args or "{}")
        else:
            envelope = self._envelope.validate_python(args or {})
        result = envelope["result"]
        return self.shapes[result["kind"]].validate(result["data"])


def _structured_text(
    spec: NativeOutput[Any] | PromptedOutput[Any],
) -> tuple[_ValueShape | _KindUnion, OutputObjectDefinition]:
    members = _flatten(spec.outputs)
    shape: _ValueShape | _KindUnion = _value_shape(members[0]) if len(members) == 1 else _KindUnion(members)
    name = spec.name
    if name is None and len(members) == 1:
        name = str(shape.schema.get("title") or _type_name(members[0]))
    description = spec.description
    if description and shape.description:
        description = f"{description}. {shape.description}"
    strict = spec.strict if isinstance(spec, NativeOutput) else None
    definition = OutputObjectDefinition(
        json_schema=shape.schema, name=name, description=description or shape.description, strict=strict
    )
    return shape, definition


def output_schema(output_type: Any) -> OutputSchema:
    """Build the :class:`OutputSchema` for an ``output_type`` spec; misuse is a :class:`UserError`."""
    members = _flatten(output_type)
    allows_none = any(m is None or m is type(None) for m in members)
    allows_deferred = DeferredToolRequests in members
    members = [m for m in members if m is not None and m is not type(None) and m is not DeferredToolRequests]
    structured_text = [m for m in members if isinstance(m, NativeOutput | PromptedOutput)]
    if structured_text:
        spec = structured_text[0]
        if len(members) > 1:
            marker = type(spec).__name__
            raise UserError(
                f"`{marker}` must be the only output type. List the types it may produce inside it: "
                f"`{marker}([TypeA, TypeB])` (`DeferredToolRequests` may go next to it)."
            )
        shape, definition = _structured_text(spec)
        structured_kind = NativeOutputSchema if isinstance(spec, NativeOutput) else PromptedOutputSchema
        return structured_kind(
            mode="native" if isinstance(spec, NativeOutput) else "prompted",
            tools={},
            text=TextProcessor(shape=shape),
            output_object=definition,
            prompted_template=spec.template if isinstance(spec, PromptedOutput) else None,
            allows_none=allows_none,
            allows_deferred=allows_deferred,
        )
    text_members = [m for m in members if m is str or isinstance(m, TextOutput)]
    if len(text_members) > 1:
        raise UserError(
            "Only one `str` or `TextOutput` is allowed: they would both claim a text answer. Keep one of them."
        )
    text = None
    if text_members:
        member = text_members[0]
        text = TextProcessor(
            function=_text_output_function(member.output_function) if isinstance(member, TextOutput) else None
        )
    tool_members = [m for m in members if m not in text_members]
    if not tool_members and text is None:
        if allows_deferred:
            raise UserError(
                "At least one output type must be provided other than `DeferredToolRequests`: a run that makes no "
                "deferred calls needs an output too, e.g. `output_type=[str, DeferredToolRequests]`."
            )
        raise UserError(
            f"At least one output type must be provided. `output_type={output_type!r}` names none; use `str` or a "
            "type to validate."
        )
    tools: dict[str, OutputTool] = {}
    several = len(tool_members) > 1
    for member in tool_members:
        tool_spec = member if isinstance(member, ToolOutput) else None
        name = tool_spec.name if tool_spec is not None and tool_spec.name else DEFAULT_OUTPUT_TOOL_NAME
        if several and not (tool_spec is not None and tool_spec.name):
            name = f"{DEFAULT_OUTPUT_TOOL_NAME}_{_type_name(tool_spec.output if tool_spec is not None else member)}"
        name = _unique(name, tools)
        tools[name] = _output_tool(member, tool_spec, name, several=several)
    if not tools:
        kind: type[OutputSchema] = TextOutputSchema
    elif text is None and not any(isinstance(m, ToolOutput) for m in tool_members):
        kind = AutoOutputSchema
    else:
        kind = ToolOutputSchema
    return kind(
        mode="tool" if tools else "text",
        tools=tools,
        text=text,
        allows_none=allows_none,
        allows_deferred=allows_deferred,
    )
