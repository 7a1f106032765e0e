"""The :class:`Model` interface every model adapter implements, and what a request carries besides messages."""

from __future__ import annotations

import dataclasses
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Self, TypeAlias

from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelResponse
from .._output.specs import OutputMode
from .._repr import fields_eq, no_defaults_repr
from .._settings import ModelSettings, merge_model_settings
from .._tools.builtin import SUPPORTED_BUILTIN_TOOLS, AbstractBuiltinTool
from .._tools.definitions import OutputObjectDefinition, ToolDefinition, prompted_instructions
from ._json_schema import JsonSchemaTransformer

StructuredOutputMode: TypeAlias = Literal["tool", "native", "prompted"]
"""The modes structured output can be asked for in (``ModelProfile.default_structured_output_mode``)."""

if TYPE_CHECKING:
    from .._run_context import RunContext
    from ._streamed import StreamedResponse

__all__ = [
    "DEFAULT_PROFILE",
    "Model",
    "ModelProfile",
    "ModelProfileSpec",
    "ModelRequestParameters",
    "OutputMode",
    "StructuredOutputMode",
    "block_model_requests",
    "check_allow_model_requests",
    "override_allow_model_requests",
]


@dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=True)
class ModelRequestParameters:
    """Everything about a request that is not the messages: tools, and how output is expected."""

    function_tools: list[ToolDefinition] = dataclasses.field(default_factory=list)
    native_tools: list[Any] = dataclasses.field(default_factory=list)
    output_mode: OutputMode = "text"
    output_object: OutputObjectDefinition | None = None
    output_tools: list[ToolDefinition] = dataclasses.field(default_factory=list)
    prompted_output_template: str | Literal[False] | None = None
    """The template of `PromptedOutput` (``False``: send no template; ``None``: the profile's)."""
    allow_text_output: bool = True
    allow_image_output: bool = False

    def __init__(
        self,
        *,
        function_tools: list[ToolDefinition] | None = None,
        native_tools: list[Any] | None = None,
        output_mode: OutputMode = "text",
        output_object: OutputObjectDefinition | None = None,
        output_tools: list[ToolDefinition] | None = None,
        prompted_output_template: str | Literal[False] | None = None,
        allow_text_output: bool = True,
        allow_image_output: bool = False,
        builtin_tools: list[Any] | None = None,
    ) -> None:
        """``builtin_tools`` is the reference API's earlier name for ``native_tools`` (give one of them)."""
        if builtin_tools is not None:
            if native_tools is not None:
                raise UserError(
                    "`ModelRequestParameters` takes `native_tools=` or its earlier name `builtin_tools=`, not both."
                )
            native_tools = builtin_tools
        self.function_tools = [] if function_tools is None else function_tools
        self.native_tools = [] if native_tools is None else native_tools
        self.output_mode = output_mode
        self.output_object = output_object
        self.output_tools = [] if output_tools is None else output_tools
        self.prompted_output_template = prompted_output_template
        self.allow_text_output = allow_text_output
        self.allow_image_output = allow_image_output

    @cached_property
    def tool_defs(self) -> dict[str, ToolDefinition]:
        """Function and output tools by name."""
        return {d.name: d for d in (*self.function_tools, *self.output_tools)}

    @property
    def builtin_tools(self) -> list[Any]:
        """The built-in tools of this request (the reference API's name for :attr:`native_tools`)."""
        return self.native_tools

    @property
    def prompted_output_instructions(self) -> str | None:
        """In ``'prompted'`` mode, the template (``{schema}`` filled in) that asks the model for JSON output;
        ``None`` otherwise, or when the template was turned off with ``template=False``."""
        template: Any = self.prompted_output_template
        if self.output_mode != "prompted" or self.output_object is None or template is False:
            return None
        return prompted_instructions(template or DEFAULT_PROFILE.prompted_output_template, self.output_object)

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModelProfile:
    """What a model (or a family of models) supports, and how requests to it are shaped.

    Give one to a model (``TestModel(profile=...)``, ``FunctionModel(..., profile=...)``, or an HTTP model) to
    change what the run asks of it. Fields left at their defaults take the model's own profile's values when
    one profile is merged into another (:meth:`update`).
    """

    supports_tools: bool = True
    """Whether the model can call tools (function tools, and output tools for ``ToolOutput``)."""
    supports_json_schema_output: bool = False
    """Whether the model accepts a JSON-schema response format (``NativeOutput``)."""
    supports_json_object_output: bool = False
    """Whether the model has a mode that forces JSON output without a schema (used for ``PromptedOutput``)."""
    supports_image_output: bool = False
    """Whether the model can answer with images (``output_type=BinaryImage``)."""
    default_structured_output_mode: StructuredOutputMode = "tool"
    """How structured output is asked for when the output type does not say (``'auto'`` mode)."""
    prompted_output_template: str = (
        "Always respond with a JSON object that's compatible with this schema:\n\n{schema}\n\n"
        "Don't include any text or Markdown fencing before or after.\n"
    )
    """The instructions of ``PromptedOutput`` (``{schema}`` is replaced by the output's JSON schema)."""
    native_output_requires_schema_in_instructions: bool = False
    """Whether ``NativeOutput`` also sends the prompted template (for models that ignore the response format's
    schema otherwise)."""
    json_schema_transformer: type[JsonSchemaTransformer] | None = None
    """Rewrites tool and output schemas into the dialect the model accepts (see :mod:`trio_agent.profiles`)."""
    thinking_tags: tuple[str, str] = ("<think>", "</think>")
    """The tags around thinking in models that write it into their text."""
    ignore_streamed_leading_whitespace: bool = False
    """Whether leading whitespace of a streamed text answer is ignored (some models emit it before tool calls)."""
    supported_builtin_tools: frozenset[type[AbstractBuiltinTool]] = SUPPORTED_BUILTIN_TOOLS
    """The built-in tool types the model accepts."""
    context_window: int | None = None
    """The model's context window in tokens, if known (``RunContext.context_window_used`` needs it)."""
    openai_supports_strict_tool_definition: bool = True
    """OpenAI chat completions: whether the server takes ``strict`` on tool definitions and JSON-schema response
    formats (Ollama, for one, does not). The schemas are made strict-compatible either way."""
    openai_chat_supports_max_completion_tokens: bool = True
    """OpenAI chat completions: whether the ``max_tokens`` setting is sent as ``max_completion_tokens`` (OpenAI's
    field) rather than the older ``max_tokens`` (which some compatible servers, e.g. OpenRouter, want)."""

    @classmethod
    def from_profile(cls, profile: ModelProfile | None) -> Self:
        """This class's defaults updated with ``profile``'s non-default values (``profile`` itself if it is
        already one of this class)."""
        if isinstance(profile, cls):
            return profile
        return cls().update(profile)

    def update(self, profile: ModelProfile | None) -> Self:
        """A copy of this profile with the fields ``profile`` sets to other than their defaults."""
        if profile is None:
            return self
        names = {f.name for f in dataclasses.fields(self)}
        changed = {
            f.name: getattr(profile, f.name)
            for f in dataclasses.fields(profile)
            if f.name in names and getattr(profile, f.name) != _field_default(f)
        }
        return dataclasses.replace(self, **changed)


def _field_default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return dataclasses.MISSING


ModelProfileSpec: TypeAlias = "ModelProfile | Callable[[str], ModelProfile | None]"
"""A profile, or a function from a model name to its profile (``None``: the provider's default)."""

DEFAULT_PROFILE = ModelProfile()


class Model(ABC):
    """A language model the agent can send requests to.

    Implement :meth:`request` (one complete response) and, for streaming, :meth:`request_stream` (an async
    context manager yielding a :class:`StreamedResponse`); plus the :attr:`model_name` and :attr:`system`
    properties. A model must be safe to use from many concurrent runs.
    """

    def __init__(self, *, settings: ModelSettings | None = None, profile: ModelProfile | None = None) -> None:
        self._settings = settings
        self._profile = profile

    @property
    def settings(self) -> ModelSettings | None:
        """The model's default settings (overridden by the agent's and the run's)."""
        return self._settings

    _effective_profile: tuple[ModelProfile | None, ModelProfile] | None = None
    """The profile given (``_profile``) and the profile :attr:`profile` made of it (``None``: not made yet)."""

    @property
    def profile(self) -> ModelProfile:
        """The model's profile; its ``supported_builtin_tools`` are those of the profile given that this model
        class implements (:meth:`supported_builtin_tools`)."""
        made = self._effective_profile
        if made is not None and made[0] is self._profile:
            return made[1]
        given = self._profile
        profile = given or DEFAULT_PROFILE
        implemented = type(self).supported_builtin_tools()
        if not profile.supported_builtin_tools <= implemented:
            profile = dataclasses.replace(
                profile, supported_builtin_tools=profile.supported_builtin_tools & implemented
            )
        self._effective_profile = (given, profile)
        return profile

    @classmethod
    def supported_builtin_tools(cls) -> frozenset[type[AbstractBuiltinTool]]:
        """The built-in tool types this model class can send to its provider: none, unless a subclass says so
        (``TestModel`` and ``FunctionModel`` accept them all, for tests)."""
        return frozenset()

    @property
    @abstractmethod
    def model_name(self) -> str:
        """The model's name, e.g. ``'gpt-4o'``."""

    @property
    @abstractmethod
    def system(self) -> str:
        """The provider's name, e.g. ``'openai'``."""

    @abstractmethod
    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        """Send ``messages`` and return the complete response."""

    def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AbstractAsyncContextManager[StreamedResponse]:
        """Send ``messages`` and yield the response as it streams.

        Leaving the block (normally, by an error, or by cancellation) closes the stream and whatever
        connection carries it.
        """
        raise NotImplementedError(f"Streamed requests are not supported by {type(self).__name__}")

    def prepare_request(
        self, model_settings: ModelSettings | None, params: ModelRequestParameters
    ) -> tuple[ModelSettings | None, ModelRequestParameters]:
        """Merge the model's settings under ``model_settings`` and resolve the ``'auto'`` output mode."""
        settings = merge_model_settings(self.settings, model_settings)
        if params.output_mode == "auto":
            mode = self.profile.default_structured_output_mode
            params = dataclasses.replace(
                params,
                output_mode=mode,
                allow_text_output=mode in ("native", "prompted"),
                output_tools=params.output_tools if mode == "tool" else [],
            )
        profile = self.profile
        if params.native_tools:
            params = self._check_builtin_tools(params, profile)
        if params.output_mode == "native" and not profile.supports_json_schema_output:
            raise UserError(
                "Native structured output is not supported by this model. `NativeOutput` needs a model that "
                f"supports JSON-schema structured output, and {self.system}:{self.model_name} does not; use "
                "`ToolOutput` or `PromptedOutput` instead."
            )
        if params.output_mode == "tool" and params.output_tools and not profile.supports_tools:
            raise UserError(
                f"Tool output is not supported by this model. {self.system}:{self.model_name} cannot call tools; "
                "use `PromptedOutput` (or `NativeOutput`, if it supports JSON-schema output) instead."
            )
        if params.allow_image_output and not profile.supports_image_output:
            raise UserError(
                f"Image output is not supported by this model. {self.system}:{self.model_name} cannot answer with "
                "images; remove `BinaryImage` from the output types."
            )
        return settings, params

    def _check_builtin_tools(self, params: ModelRequestParameters, profile: ModelProfile) -> ModelRequestParameters:
        """``params`` with one built-in tool per ``unique_id`` (the last given wins, at the first one's place);
        ``UserError`` if the profile does not support one."""
        unique = list({tool.unique_id: tool for tool in params.native_tools}.values())
        if len(unique) != len(params.native_tools):
            params = dataclasses.replace(params, native_tools=unique)
        supported = tuple(profile.supported_builtin_tools)
        unsupported = [type(tool).__name__ for tool in unique if not isinstance(tool, supported)]
        if unsupported:
            names = sorted(t.__name__ for t in supported)
            raise UserError(
                f"Builtin tool(s) {unsupported} not supported by this model. Supported: {names}. "
                f"{self.system}:{self.model_name} cannot run these built-in tools: remove them from "
                "`builtin_tools=`, or use a model whose profile lists them in `supported_builtin_tools`."
            )
        return params

    @property
    def model_id(self) -> str:
        return f"{self.system}:{self.model_name}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_name={self.model_name!r})"


_PACKAGE = __name__.rpartition(".")[0]
"""``trio_agent.models``, which holds ``ALLOW_MODEL_REQUESTS``."""


def check_allow_model_requests() -> None:
    """Raise ``UserError`` if ``trio_agent.models.ALLOW_MODEL_REQUESTS`` is false; every model that talks to a
    provider calls it before sending a request."""
    # Read at call time, as tests set the package attribute; from `sys.modules`, as a `from . import` runs the
    # import machinery on every request.
    if not sys.modules[_PACKAGE].ALLOW_MODEL_REQUESTS:
        raise UserError(
            "A request to a model provider was attempted while `trio_agent.models.ALLOW_MODEL_REQUESTS` is False "
            "(tests block real requests): Model requests are not allowed, since ALLOW_MODEL_REQUESTS is False; "
            "give the agent a `TestModel` or `FunctionModel`, e.g. with `agent.override(model=TestModel())`."
        )


@contextmanager
def override_allow_model_requests(allow_model_requests: bool) -> Iterator[None]:
    """Within the block, ``trio_agent.models.ALLOW_MODEL_REQUESTS`` is ``allow_model_requests``; restored on exit
    (process-wide, not per task). ``block_model_requests()`` is ``override_allow_model_requests(False)``."""
    from .. import models

    previous = models.ALLOW_MODEL_REQUESTS
    models.ALLOW_MODEL_REQUESTS = allow_model_requests
    try:
        yield
    finally:
        models.ALLOW_MODEL_REQUESTS = previous


@contextmanager
def block_model_requests() -> Iterator[None]:
    """Within the block, any request to a model provider (every model but ``TestModel`` and ``FunctionModel``)
    raises ``UserError`` instead of going out: a guard for test suites. Sets
    ``trio_agent.models.ALLOW_MODEL_REQUESTS`` to ``False`` and restores it on exit (process-wide, not
    per task)."""
    from .. import models

    previous = models.ALLOW_MODEL_REQUESTS
    models.ALLOW_MODEL_REQUESTS = False
    try:
        yield
    finally:
        models.ALLOW_MODEL_REQUESTS = previous
