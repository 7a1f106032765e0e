"""The :class:`Model` interface every model adapter implements, and what a request carries besides messages."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from .._exceptions import UserError
from .._messages.messages import ModelMessage, ModelResponse
from .._output.specs import OutputMode
from .._repr import fields_eq, no_defaults_repr
from .._settings import ModelSettings, merge_model_settings
from .._tools.definitions import OutputObjectDefinition, ToolDefinition

if TYPE_CHECKING:
    from .._run_context import RunContext
    from ._streamed import StreamedResponse

__all__ = [
    "Model",
    "ModelProfile",
    "ModelRequestParameters",
    "OutputMode",
    "block_model_requests",
    "check_allow_model_requests",
]


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class ModelRequestParameters:
    """Everything about a request that is not the messages: tools, and how output is expected."""

    function_tools: list[ToolDefinition] = dataclasses.field(default_factory=list)
    native_tools: list[Any] = dataclasses.field(default_factory=list)
    output_mode: OutputMode = "text"
    output_object: OutputObjectDefinition | None = None
    output_tools: list[ToolDefinition] = dataclasses.field(default_factory=list)
    prompted_output_template: str | None = None
    allow_text_output: bool = True
    allow_image_output: bool = False

    @cached_property
    def tool_defs(self) -> dict[str, ToolDefinition]:
        """Function and output tools by name."""
        return {d.name: d for d in (*self.function_tools, *self.output_tools)}

    __repr__ = no_defaults_repr
    __eq__ = fields_eq


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModelProfile:
    """What a model supports, as far as the run needs to know."""

    supports_tools: bool = True
    supports_json_schema_output: bool = False
    """Whether the model accepts a JSON-schema response format (``NativeOutput``)."""
    supports_json_object_output: bool = False
    default_structured_output_mode: Literal["tool", "native", "prompted"] = "tool"
    prompted_output_template: str = (
        "Always respond with a JSON object that's compatible with this schema:\n\n{schema}\n\n"
        "Don't include any text or Markdown fencing before or after.\n"
    )
    openai_supports_strict_tool_definition: bool = True
    """OpenAI chat completions: whether the server takes ``strict`` on tool definitions and JSON-schema response
    formats (Ollama, for one, does not). The schemas are made strict-compatible either way."""
    openai_chat_supports_max_completion_tokens: bool = True
    """OpenAI chat completions: whether the ``max_tokens`` setting is sent as ``max_completion_tokens`` (OpenAI's
    field) rather than the older ``max_tokens`` (which some compatible servers, e.g. OpenRouter, want)."""


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

    @property
    def profile(self) -> ModelProfile:
        return self._profile or DEFAULT_PROFILE

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
        if params.output_mode == "native" and not self.profile.supports_json_schema_output:
            raise UserError(
                f"`NativeOutput` needs a model that supports JSON-schema structured output, and "
                f"{self.system}:{self.model_name} does not; use `ToolOutput` or `PromptedOutput` instead."
            )
        return settings, params

    @property
    def model_id(self) -> str:
        return f"{self.system}:{self.model_name}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_name={self.model_name!r})"


def check_allow_model_requests() -> None:
    """Raise ``UserError`` if ``trio_agent.models.ALLOW_MODEL_REQUESTS`` is false; every model that talks to a
    provider calls it before sending a request."""
    from . import ALLOW_MODEL_REQUESTS  # read at call time: tests set the package attribute

    if not ALLOW_MODEL_REQUESTS:
        raise UserError(
            "A request to a model provider was attempted while `trio_agent.models.ALLOW_MODEL_REQUESTS` is "
            "False (tests block real requests): give the agent a `TestModel` or `FunctionModel`, e.g. with "
            "`agent.override(model=TestModel())`."
        )


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
