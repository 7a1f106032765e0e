"""From a Python function to a tool: its JSON schema, an argument validator, and how to call it.

The schema comes from the type hints (pydantic); the description and the parameter descriptions from the
docstring (see :mod:`.docstrings`). A first parameter annotated ``RunContext`` receives the run context and is
left out of the schema. A function whose only parameter is model-like (a pydantic model, a dataclass or a
TypedDict) is presented with that model's schema, unwrapped.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, get_origin

import pydantic
import typing_extensions
from pydantic_core import SchemaValidator

if TYPE_CHECKING:
    from pydantic.plugin._schema_validator import PluggableSchemaValidator

from .._callables import is_async_callable
from .._exceptions import UserError
from .._lazy_pydantic import tool_json_schema
from .._run_context import RunContext
from .docstrings import DocstringFormat, parse_function_docs

__all__ = ["FunctionSchema", "function_schema"]


def is_run_context(annotation: Any) -> bool:
    return annotation is RunContext or get_origin(annotation) is RunContext


def _is_model_like(annotation: Any) -> bool:
    return isinstance(annotation, type) and (
        issubclass(annotation, pydantic.BaseModel)
        or dataclasses.is_dataclass(annotation)
        or typing_extensions.is_typeddict(annotation)
    )


@dataclasses.dataclass(kw_only=True)
class FunctionSchema:
    """Everything needed to present a function to a model as a tool and to call it."""

    function: Callable[..., Any]
    takes_ctx: bool
    is_async: bool
    json_schema: dict[str, Any]
    description: str | None
    validator: SchemaValidator | PluggableSchemaValidator
    positional: tuple[str, ...] = ()
    """Positional-only parameters, passed by position (in order)."""
    single_argument: str | None = None
    """The name of the lone model-like parameter whose schema is the tool's, if that is the case."""

    def validate(self, args: str | dict[str, Any] | None) -> dict[str, Any]:
        """Validate the model's arguments (JSON text or a dict) into keyword arguments.

        Raises ``pydantic.ValidationError``.
        """
        if isinstance(args, str):
            value = self.validator.validate_json(args or "{}")
        else:
            value = self.validator.validate_python(args or {})
        if self.single_argument is not None:
            return {self.single_argument: value}
        return dict(value.__dict__) | (value.__pydantic_extra__ or {})

    def call_args(self, kwargs: dict[str, Any], ctx: RunContext[Any] | None) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = [ctx] if self.takes_ctx else []
        for name in self.positional:
            args.append(kwargs.pop(name))
        return args, kwargs


def function_schema(
    function: Callable[..., Any],
    *,
    takes_ctx: bool,
    name: str,
    docstring_format: DocstringFormat = "auto",
    require_parameter_descriptions: bool = False,
) -> FunctionSchema:
    """Build the :class:`FunctionSchema` of ``function``; raise :class:`UserError` for misuse of ``RunContext``."""
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except NameError as exc:
        raise UserError(f"Cannot resolve the type hints of tool {name!r}: {exc}") from exc
    docs = parse_function_docs(function, docstring_format)
    params = list(signature.parameters.values())
    if takes_ctx:
        if not params:
            raise UserError(f"Tool {name!r} is registered with `@agent.tool` but takes no `RunContext` parameter.")
        first = params.pop(0)
        if first.annotation is not inspect.Parameter.empty and not is_run_context(hints.get(first.name)):
            raise UserError(
                f"First parameter of tool {name!r} (registered with `@agent.tool`) must be annotated "
                f"`RunContext[...]`, got {hints.get(first.name)!r}. Use `@agent.tool_plain` for a tool without context."
            )
    for param in params:
        _check_parameter(param, hints.get(param.name), takes_ctx=takes_ctx, name=name)
    if require_parameter_descriptions:
        missing = [p.name for p in params if p.kind is not p.VAR_KEYWORD and p.name not in docs.parameters]
        if missing:
            raise UserError(f"Missing parameter descriptions for tool {name!r}: {', '.join(missing)}")

    is_async = is_async_callable(function)
    if len(params) == 1 and params[0].kind is not params[0].VAR_KEYWORD and _is_model_like(hints.get(params[0].name)):
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(hints[params[0].name])
        schema = adapter.json_schema(schema_generator=tool_json_schema())
        description = docs.description or schema.pop("description", None)
        return FunctionSchema(
            function=function,
            takes_ctx=takes_ctx,
            is_async=is_async,
            json_schema=schema,
            description=description,
            validator=adapter.validator,
            single_argument=params[0].name,
        )

    fields: dict[str, Any] = {}
    accepts_extra = False
    for param in params:
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_extra = True
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        field = pydantic.Field(default, description=docs.parameters.get(param.name))
        fields[param.name] = (hints.get(param.name, Any), field)
    model = pydantic.create_model(
        f"{name}_args",
        __config__=pydantic.ConfigDict(extra="allow" if accepts_extra else "forbid", arbitrary_types_allowed=True),
        **fields,
    )
    schema = model.model_json_schema(schema_generator=tool_json_schema())
    schema.pop("title", None)
    if accepts_extra:
        schema.pop("additionalProperties", None)
    else:
        schema["additionalProperties"] = False
    return FunctionSchema(
        function=function,
        takes_ctx=takes_ctx,
        is_async=is_async,
        json_schema=dict(sorted(schema.items())),
        description=docs.description,
        validator=model.__pydantic_validator__,
        positional=tuple(p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY),
    )


def _check_parameter(param: inspect.Parameter, annotation: Any, *, takes_ctx: bool, name: str) -> None:
    if is_run_context(annotation):
        if takes_ctx:
            raise UserError(
                f"Tool {name!r} takes a `RunContext` as parameter {param.name!r}, but the context must be the "
                "first parameter."
            )
        raise UserError(
            f"Tool {name!r} is registered with `@agent.tool_plain` but its parameter {param.name!r} is a "
            "`RunContext`; use `@agent.tool` (context first) or drop the parameter."
        )
    if param.kind is inspect.Parameter.VAR_POSITIONAL:
        raise UserError(f"Tool {name!r} takes `*{param.name}`; tools need named parameters the model can fill in.")
