"""The base of the protocol's models: snake_case attributes, camelCase JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["CamelBaseModel"]


class CamelBaseModel(BaseModel):
    """A model whose JSON keys are its fields' names in camelCase (either spelling populates it)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)
