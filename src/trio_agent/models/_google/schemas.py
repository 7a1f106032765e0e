"""The request's tool and output schemas rewritten in the dialect of the model's profile (for Gemini, the
OpenAPI subset of :class:`~trio_agent.profiles.google.GoogleJsonSchemaTransformer`).

The walk is done once per definition set: :func:`transformed_parameters` remembers its answer for each
``ModelRequestParameters`` object (they are built once per agent) and transformer, for as long as that object
lives, so an unsupported schema warns (or fails) once, not at every request.
"""

from __future__ import annotations

import dataclasses
import weakref

from ..._tools.definitions import OutputObjectDefinition, ToolDefinition
from .._json_schema import JsonSchemaTransformer
from .._model import ModelRequestParameters

__all__ = ["transformed_parameters"]

_memo: dict[tuple[int, type[JsonSchemaTransformer]], tuple[weakref.ref[ModelRequestParameters], ModelRequestParameters]]
_memo = {}
"""By ``id`` of the original parameters and the transformer; an entry goes when its parameters are collected
(plain dict operations, atomic in CPython: the weakref callback can run in the middle of any allocation)."""


def _tool(definition: ToolDefinition, transformer: type[JsonSchemaTransformer]) -> ToolDefinition:
    walk = transformer(definition.parameters_json_schema, strict=definition.strict)
    return dataclasses.replace(definition, parameters_json_schema=walk.walk())


def _output(definition: OutputObjectDefinition, transformer: type[JsonSchemaTransformer]) -> OutputObjectDefinition:
    walk = transformer(definition.json_schema, strict=definition.strict)
    return dataclasses.replace(definition, json_schema=walk.walk())


def transformed_parameters(
    params: ModelRequestParameters, transformer: type[JsonSchemaTransformer]
) -> ModelRequestParameters:
    """``params`` with every tool schema and the output schema rewritten by ``transformer``."""
    key = (id(params), transformer)
    entry = _memo.get(key)
    if entry is not None and entry[0]() is params:
        return entry[1]
    output = params.output_object
    prepared = dataclasses.replace(
        params,
        function_tools=[_tool(t, transformer) for t in params.function_tools],
        output_tools=[_tool(t, transformer) for t in params.output_tools],
        output_object=_output(output, transformer) if output is not None else None,
    )
    _memo[key] = (weakref.ref(params, lambda _: _memo.pop(key, None)), prepared)
    return prepared
