"""Capabilities about the model and its answers: ``Thinking``, ``ModelSettingsCapability``,
``ResolveModelId``, ``SelectModel``, ``RaiseContentFilterError`` and ``UseThreadExecutor``."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, cast

import trio
from typing_extensions import TypeVar

from .._exceptions import ContentFilterError
from .._messages.messages import ModelResponse
from .._run_context import RunContext
from .._settings import ModelSettings
from .abstract import AbstractCapability, ModelRequestContext

if TYPE_CHECKING:
    from ..models import Model

__all__ = [
    "ModelSettingsCapability",
    "RaiseContentFilterError",
    "ResolveModelId",
    "SelectModel",
    "ThreadExecutor",
    "Thinking",
    "UseThreadExecutor",
]

DepsT = TypeVar("DepsT", default=Any)


@dataclasses.dataclass
class ModelSettingsCapability(AbstractCapability[DepsT], Generic[DepsT]):
    """Model settings merged over the agent's: a dict, or a function of the run context evaluated before each
    request."""

    settings: ModelSettings | Callable[[RunContext[Any]], ModelSettings]

    def get_model_settings(self) -> ModelSettings | Callable[[RunContext[Any]], ModelSettings]:
        return self.settings


class Thinking(ModelSettingsCapability[DepsT]):
    """Turns the model's thinking (reasoning) on, in each provider's terms: OpenAI's reasoning effort
    (``effort``, default ``'high'``), Anthropic's adaptive thinking. Providers that cannot think ignore it."""

    def __init__(self, effort: str = "high") -> None:
        self.effort = effort
        super().__init__(
            cast(ModelSettings, {"openai_reasoning_effort": effort, "anthropic_thinking": {"type": "adaptive"}})
        )


@dataclasses.dataclass
class ResolveModelId(AbstractCapability[DepsT], Generic[DepsT]):
    """Resolves model names (``'openai:gpt-4o'``) with ``resolver(ctx, model_id)`` (sync or async): a model, or
    ``None`` to leave the name to the next resolver and finally to ``infer_model``."""

    resolver: Callable[[RunContext[Any], str], Model | Awaitable[Model | None] | None]

    async def resolve_model_id(self, ctx: RunContext[Any], *, model_id: str) -> Model | None:
        found = self.resolver(ctx, model_id)
        return await found if inspect.isawaitable(found) else found


@dataclasses.dataclass
class SelectModel(AbstractCapability[DepsT], Generic[DepsT]):
    """Chooses the model of each request: ``selector(ctx)`` (sync or async) returns a model or a model name.

    The choice replaces the run's model for that request (a ``model=`` given to ``Agent.override`` still
    wins)."""

    selector: Callable[[RunContext[Any]], Any]

    async def before_model_request(
        self, ctx: RunContext[Any], request_context: ModelRequestContext
    ) -> ModelRequestContext:
        from ..models import infer_model

        chosen = self.selector(ctx)
        if inspect.isawaitable(chosen):
            chosen = await chosen
        if chosen is not None:
            request_context.model = infer_model(chosen) if isinstance(chosen, str) else chosen
        return request_context


@dataclasses.dataclass
class RaiseContentFilterError(AbstractCapability[DepsT], Generic[DepsT]):
    """Ends the run with :class:`~trio_agent.exceptions.ContentFilterError` when a response's
    ``finish_reason`` is ``'content_filter'``, even if it holds partial text (its JSON is the error's
    ``body``)."""

    async def after_model_request(
        self, ctx: RunContext[Any], *, request_context: ModelRequestContext, response: ModelResponse
    ) -> ModelResponse:
        if response.finish_reason == "content_filter":
            from .._messages.messages import ModelMessagesTypeAdapter

            body = ModelMessagesTypeAdapter.dump_json([response]).decode()
            raise ContentFilterError("Content filter triggered. Finish reason: 'content_filter'", body=body)
        return response


@dataclasses.dataclass
class UseThreadExecutor(AbstractCapability[DepsT], Generic[DepsT]):
    """Bounds the worker threads sync tools of the agent's runs may use at once, with ``limiter`` (a
    ``trio.CapacityLimiter``, or a number of threads). trio has no executors: this is its counterpart of the
    reference's thread-pool executor."""

    limiter: trio.CapacityLimiter | int

    def __post_init__(self) -> None:
        if isinstance(self.limiter, int):
            self.limiter = trio.CapacityLimiter(self.limiter)

    async def wrap_tool_execute(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: dict[str, Any], handler: Any
    ) -> Any:
        assert isinstance(self.limiter, trio.CapacityLimiter)
        async with self.limiter:
            return await handler(args)


class ThreadExecutor(UseThreadExecutor[DepsT]):
    """The reference API's name: ``ThreadExecutor(executor)`` bounds the agent's tool calls to the executor's
    ``max_workers`` (``_max_workers`` of a ``ThreadPoolExecutor``), or to ``executor`` itself when it is a
    number or a ``trio.CapacityLimiter``."""

    def __init__(self, executor: Any) -> None:
        if not isinstance(executor, int | trio.CapacityLimiter):
            executor = getattr(executor, "_max_workers", None) or 1
        super().__init__(executor)
