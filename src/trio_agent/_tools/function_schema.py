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
    from pydantic.json_schema import GenerateJsonSchema
    from pydantic.plugin._schema_validator import PluggableSchemaValidator

from .._callables import is_async_callable
from .._exceptions import UserError
from .._lazy_pydantic import tool_json_schema
from .._run_context import RunContext
from .docstrings import DocstringFormat, parse_function_docs

__all__ = ["FunctionSchema", "function_schema", "return_schema"]


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
    var_positional: str | None = None
    """The name of a ``*args`` parameter (the model sends a list under that name), if there is one."""

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
        if isinstance(value, dict):  # a tool made from a JSON schema: the arguments as sent
            return value
        return dict(value.__dict__) | (value.__pydantic_extra__ or {})

    def call_args(self, kwargs: dict[str, Any], ctx: RunContext[Any] | None) -> tuple[list[Any], dict[str, Any]]:
        args: list[Any] = [ctx] if self.takes_ctx else []
        for name in self.positional:
            args.append(kwargs.pop(name))
        if self.var_positional is not None:
            args.extend(kwargs.pop(self.var_positional, ()))
        return args, kwargs


def function_schema(
    function: Callable[..., Any],
    *,
    takes_ctx: bool,
    name: str,
    docstring_format: DocstringFormat = "auto",
    require_parameter_descriptions: bool = False,
    schema_generator: type[GenerateJsonSchema] | None = None,
) -> FunctionSchema:
    """Build the :class:`FunctionSchema` of ``function`` (its JSON schema by ``schema_generator``, the tool
    generator without per-field titles if ``None``).

    Raises :class:`UserError` worded as the reference words it: ``Error generating schema for <qualname>:``
    followed by one indented line per problem (a ``RunContext`` where none belongs or missing where one must
    be, missing parameter descriptions, a function without a signature).
    """
    errors: list[str] = []
    qualname = getattr(function, "__qualname__", name)
    try:
        signature = inspect.signature(function)
    except ValueError as exc:
        errors.append(f"Error getting signature for {qualname}: {exc}")
        signature = inspect.Signature()
    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except NameError as exc:
        raise UserError(f"Cannot resolve the type hints of tool {name!r}: {exc}") from exc
    except TypeError:  # a builtin or other object without annotations
        hints = {}
    docs = parse_function_docs(function, docstring_format) if not errors else None
    params: list[inspect.Parameter] = []
    for index, param in enumerate(signature.parameters.values()):
        annotation = hints.get(param.name)
        if param.annotation is inspect.Parameter.empty:
            if takes_ctx and index == 0:
                continue  # the context, unannotated
        elif index == 0 and takes_ctx:
            if not is_run_context(annotation):
                errors.append("First parameter of tools that take context must be annotated with RunContext[...]")
            continue
        elif not takes_ctx and is_run_context(annotation):
            errors.append("RunContext annotations can only be used with tools that take context")
            continue
        elif is_run_context(annotation):
            errors.append("RunContext annotations can only be used as the first argument")
            continue
        params.append(param)
    if takes_ctx and not signature.parameters and not errors:
        errors.append("First parameter of tools that take context must be annotated with RunContext[...]")
    if require_parameter_descriptions and docs is not None:
        missing = [p.name for p in params if p.name not in docs.parameters]
        if missing:
            errors.append(f"Missing parameter descriptions for {', '.join(missing)}")
    if errors:
        details = "\n  ".join(errors)
        raise UserError(f"Error generating schema for {qualname}:\n  {details}")
    assert docs is not None
    generator = schema_generator or tool_json_schema()
    return _build(
        function, params, hints, docs.description, docs.parameters, takes_ctx=takes_ctx, name=name, generator=generator
    )


def _build(
    function: Callable[..., Any],
    params: list[inspect.Parameter],
    hints: dict[str, Any],
    description: str | None,
    descriptions: dict[str, str],
    *,
    takes_ctx: bool,
    name: str,
    generator: type[GenerateJsonSchema],
) -> FunctionSchema:
    is_async = is_async_callable(function)
    if len(params) == 1 and params[0].kind not in _VARIADIC and _is_model_like(hints.get(params[0].name)):
        annotation = hints[params[0].name]
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(annotation)
        schema = adapter.json_schema(schema_generator=generator)
        if typing_extensions.is_typeddict(annotation):
            _typed_dict_as_the_reference(annotation, schema)
        return FunctionSchema(
            function=function,
            takes_ctx=takes_ctx,
            is_async=is_async,
            json_schema=schema,
            description=description or schema.pop("description", None),
            validator=adapter.validator,
            single_argument=params[0].name,
        )

    fields: dict[str, Any] = {}
    accepts_extra = False
    var_positional: str | None = None
    for param in params:
        annotation = hints.get(param.name, Any)
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_extra = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            var_positional = param.name
            annotation = list[annotation]  # type: ignore[valid-type]  # *args: the model sends a list
        default = ... if param.default is inspect.Parameter.empty else param.default
        # A description given with the annotation (`Annotated[str, Field(description=...)]`) wins over the
        # docstring's, as in the reference.
        described = any(getattr(meta, "description", None) for meta in getattr(annotation, "__metadata__", ()))
        doc = None if described else descriptions.get(param.name)
        field = pydantic.Field(default) if doc is None else pydantic.Field(default, description=doc)
        fields[param.name] = (annotation, field)
    model = pydantic.create_model(
        f"{name}_args",
        __config__=pydantic.ConfigDict(extra="allow" if accepts_extra else "forbid", arbitrary_types_allowed=True),
        **fields,
    )
    schema = model.model_json_schema(schema_generator=generator)
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
        description=description,
        validator=model.__pydantic_validator__,
        positional=tuple(p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_ONLY),
        var_positional=var_positional,
    )


_VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _typed_dict_as_the_reference(typed_dict: Any, schema: dict[str, Any]) -> None:
    """A TypedDict parameter's schema as the reference shows it: closed (``additionalProperties: false``) when
    it is total, and its fields described by their attribute docstrings."""
    if getattr(typed_dict, "__total__", True):
        schema.setdefault("additionalProperties", False)
    try:
        from pydantic._internal._docs_extraction import extract_docstrings_from_cls
    except ImportError:  # pragma: no cover - pydantic moved it: the descriptions are a nicety
        return
    docs = extract_docstrings_from_cls(typed_dict, use_inspect=True)
    for name, prop in schema.get("properties", {}).items():
        if name in docs and isinstance(prop, dict):
            prop.setdefault("description", docs[name])


def return_schema(function: Callable[..., Any]) -> dict[str, Any] | None:
    """The JSON schema of ``function``'s return annotation (``None`` if it has none, or returns ``None``)."""
    try:
        annotation = typing.get_type_hints(function, include_extras=True).get("return")
    except (NameError, TypeError):
        return None
    if annotation is None or annotation is type(None):
        return None
    return pydantic.TypeAdapter(annotation).json_schema(schema_generator=tool_json_schema())
