"""JSON-schema transformers (the reference API's ``pydantic_ai.profiles._json_schema``; defined in
:mod:`trio_agent.models._json_schema`)."""

from ..models._json_schema import InlineDefsJsonSchemaTransformer as InlineDefsJsonSchemaTransformer
from ..models._json_schema import JsonSchema as JsonSchema
from ..models._json_schema import JsonSchemaTransformer as JsonSchemaTransformer

__all__ = ["InlineDefsJsonSchemaTransformer", "JsonSchema", "JsonSchemaTransformer"]
