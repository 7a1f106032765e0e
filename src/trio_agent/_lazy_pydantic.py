"""Pydantic annotations and adapters whose machinery is imported when the first schema is built, not before.

``import pydantic`` costs little beyond ``pydantic_core`` (which validation needs anyway), but
``pydantic.Field``, ``Discriminator``, ``AfterValidator`` and ``TypeAdapter`` pull in pydantic's schema
generator (~45 ms). Module-level annotations
and adapters made with them would charge that to every ``import trio_agent``, including programs that never
validate or dump a message. The stand-ins here hold what to build and build it on first use; the schemas they
produce are pydantic's own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, cast

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, TypeAdapter
    from pydantic.json_schema import GenerateJsonSchema
    from pydantic_core import CoreSchema

__all__ = ["After", "Tagged", "lazy_adapter", "tool_json_schema"]


class Tagged:
    """``Annotated`` metadata for a union told apart by the literal ``field`` its members carry (pydantic's
    ``Discriminator(field)``)."""

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import Field

        return handler(Annotated[source, Field(discriminator=self.field)])

    def __repr__(self) -> str:
        return f"Tagged({self.field!r})"


class After:
    """``Annotated`` metadata running ``function`` on the validated value (pydantic's ``AfterValidator``)."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic import AfterValidator

        return AfterValidator(self.function).__get_pydantic_core_schema__(source, handler)

    def __repr__(self) -> str:
        return f"After({getattr(self.function, '__qualname__', self.function)!r})"


class _LazyTypeAdapter:
    """Stands in for ``pydantic.TypeAdapter(type_, config=config)``: every attribute is the real adapter's,
    which is built (schema and all) on first access."""

    def __init__(self, type_: Any, config: dict[str, Any]) -> None:
        self._type = type_
        self._config = config

    @functools.cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        from pydantic import ConfigDict, TypeAdapter

        return TypeAdapter(self._type, config=ConfigDict(**self._config))  # type: ignore[typeddict-item]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._adapter, name)

    def __repr__(self) -> str:
        return f"TypeAdapter({self._type!r}) (built at first use)"


def lazy_adapter(type_: Any, **config: Any) -> TypeAdapter[Any]:
    """A ``TypeAdapter`` for ``type_`` (with ``config``) built at first use; typed as the real thing."""
    return cast("TypeAdapter[Any]", _LazyTypeAdapter(type_, config))


@functools.cache
def tool_json_schema() -> type[GenerateJsonSchema]:
    """Pydantic's JSON schema generator without the per-field ``title``s a model has no use for."""
    from pydantic.json_schema import GenerateJsonSchema

    class ToolJsonSchema(GenerateJsonSchema):
        def field_title_should_be_set(self, schema: Any) -> bool:
            return False

    return ToolJsonSchema
