"""``Hooks``: a capability made of functions registered with decorators, instead of a subclass.

::

    hooks = Hooks()

    @hooks.on.before_model_request
    async def log(ctx, request_context):
        print(len(request_context.messages))
        return request_context

    agent = Agent(model, capabilities=[hooks])

``hooks.on.<name>`` registers a function for a hook: ``before_*`` / ``after_*`` / ``prepare_tools`` under
their own names, a ``wrap_*`` hook under its short name (``run``, ``node_run``, ``model_request``,
``tool_validate``, ``tool_execute``, ``run_event_stream``), an ``on_*_error`` hook as ``<short>_error``
(``run_error``, ``model_request_error``, ...), and ``event`` for a function called with each event. Each
decorator works bare or with options: ``timeout=`` (seconds; :class:`HookTimeoutError` past it) and, for
tool hooks, ``tools=[names]``. Functions may be sync or async and take the arguments of the hook they stand
for. ``Hooks(before_model_request=f, ...)`` registers functions by their hook name too.

Several functions for one hook compose as capabilities do: ``before``/``after`` hooks chain in the order
registered, ``wrap`` hooks nest (the first outermost), error hooks are tried until one recovers.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic

import trio
from typing_extensions import TypeVar

from .._run_context import RunContext
from .abstract import AbstractCapability
from .nesting import nest

__all__ = ["HookTimeoutError", "Hooks"]

DepsT = TypeVar("DepsT", default=Any)

_SHORT = {
    "run": "wrap_run",
    "run_error": "on_run_error",
    "node_run": "wrap_node_run",
    "node_run_error": "on_node_run_error",
    "model_request": "wrap_model_request",
    "model_request_error": "on_model_request_error",
    "tool_validate": "wrap_tool_validate",
    "tool_validate_error": "on_tool_validate_error",
    "tool_execute": "wrap_tool_execute",
    "tool_execute_error": "on_tool_execute_error",
    "run_event_stream": "wrap_run_event_stream",
}
_PLAIN = (
    "before_run",
    "after_run",
    "before_node_run",
    "after_node_run",
    "before_model_request",
    "after_model_request",
    "prepare_tools",
    "before_tool_validate",
    "after_tool_validate",
    "before_tool_execute",
    "after_tool_execute",
)
_HOOKS = frozenset([*_PLAIN, *_SHORT.values()])


class HookTimeoutError(TimeoutError):
    """A hook function took longer than the ``timeout`` it was registered with."""

    def __init__(self, hook_name: str, func_name: str, timeout: float) -> None:
        self.hook_name = hook_name
        self.func_name = func_name
        self.timeout = timeout
        super().__init__(f"Hook {hook_name!r} function {func_name!r} timed out after {timeout}s")


@dataclasses.dataclass
class _Entry:
    func: Callable[..., Any]
    timeout: float | None = None
    tools: frozenset[str] | None = None

    def applies_to(self, tool_name: str | None) -> bool:
        return self.tools is None or tool_name in self.tools


async def _call(entry: _Entry, hook: str, *args: Any, **kwargs: Any) -> Any:
    async def call() -> Any:
        result = entry.func(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    if entry.timeout is None:
        return await call()
    with trio.move_on_after(entry.timeout) as scope:
        return await call()
    assert scope.cancelled_caught
    raise HookTimeoutError(hook, getattr(entry.func, "__name__", repr(entry.func)), entry.timeout)


class _Registration:
    """The ``hooks.on`` namespace: one decorator per hook (see the module docstring)."""

    def __init__(self, hooks: Hooks[Any]) -> None:
        self._hooks = hooks

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name == "event":
            hook = "event"
        else:
            hook = _SHORT.get(name, name)
            if hook not in _HOOKS:
                raise AttributeError(f"`Hooks.on` has no hook {name!r}; see `trio_agent.capabilities.Hooks`.")

        def register(
            func: Callable[..., Any] | None = None,
            /,
            *,
            timeout: float | None = None,
            tools: Sequence[str] | None = None,
        ) -> Any:
            def add(f: Callable[..., Any]) -> Callable[..., Any]:
                self._hooks._add(hook, _Entry(f, timeout, frozenset(tools) if tools is not None else None))
                return f

            return add(func) if func is not None else add

        return register


class Hooks(AbstractCapability[DepsT], Generic[DepsT]):
    """A capability whose hooks are functions registered with ``hooks.on.<hook>`` (see the module docstring)."""

    def __init__(self, **functions: Callable[..., Any]) -> None:
        self._registry: dict[str, list[_Entry]] = {}
        for name, func in functions.items():
            getattr(self.on, name.removeprefix("on_") if name.startswith("on_") and name != "on_event" else name)(func)

    @property
    def on(self) -> Any:
        """The registration decorators: ``@hooks.on.before_model_request``, ``@hooks.on.tool_execute(tools=[...])``."""
        return _Registration(self)

    def _add(self, hook: str, entry: _Entry) -> None:
        self._registry.setdefault(hook, []).append(entry)

    def _entries(self, hook: str, tool_name: str | None = None) -> list[_Entry]:
        return [e for e in self._registry.get(hook, ()) if e.applies_to(tool_name)]

    def overrides(self, hook: str) -> bool:
        if hook == "wrap_run_event_stream":  # (streams every response: only when asked for)
            return bool(self._registry.get(hook) or self._registry.get("event"))
        return hook in _HOOKS  # functions registered after the agent was made still run

    # -- helpers ----------------------------------------------------------------------------------------

    async def _recover(self, hook: str, tool: str | None, error: Exception, *args: Any, **kwargs: Any) -> Any:
        entries = self._entries(hook, tool)
        if not entries:
            raise error
        for entry in reversed(entries):
            try:
                return await _call(entry, hook, *args, error=error, **kwargs)
            except Exception as raised:
                error = raised
        raise error

    # -- run ----------------------------------------------------------------------------------------------

    async def before_run(self, ctx: RunContext[Any]) -> None:
        for entry in self._entries("before_run"):
            await _call(entry, "before_run", ctx)

    async def wrap_run(self, ctx: RunContext[Any], *, handler: Callable[[], Awaitable[Any]]) -> Any:
        return await nest(
            self._entries("wrap_run"),
            lambda entry, _, inner: _call(entry, "wrap_run", ctx, handler=lambda: inner(None)),
            lambda _: handler(),
            None,
        )

    async def after_run(self, ctx: RunContext[Any], *, result: Any) -> Any:
        for entry in self._entries("after_run"):
            result = await _call(entry, "after_run", ctx, result=result)
        return result

    async def on_run_error(self, ctx: RunContext[Any], *, error: Exception) -> Any:
        return await self._recover("on_run_error", None, error, ctx)

    # -- node ---------------------------------------------------------------------------------------------

    async def before_node_run(self, ctx: RunContext[Any], *, node: Any) -> Any:
        for entry in self._entries("before_node_run"):
            node = await _call(entry, "before_node_run", ctx, node=node)
        return node

    async def wrap_node_run(self, ctx: RunContext[Any], *, node: Any, handler: Any) -> Any:
        return await nest(
            self._entries("wrap_node_run"),
            lambda entry, current, inner: _call(entry, "wrap_node_run", ctx, node=current, handler=inner),
            handler,
            node,
        )

    async def after_node_run(self, ctx: RunContext[Any], *, node: Any, result: Any) -> Any:
        for entry in self._entries("after_node_run"):
            result = await _call(entry, "after_node_run", ctx, node=node, result=result)
        return result

    async def on_node_run_error(self, ctx: RunContext[Any], *, node: Any, error: Exception) -> Any:
        return await self._recover("on_node_run_error", None, error, ctx, node=node)

    # -- model request ------------------------------------------------------------------------------------

    async def before_model_request(self, ctx: RunContext[Any], request_context: Any) -> Any:
        for entry in self._entries("before_model_request"):
            request_context = await _call(entry, "before_model_request", ctx, request_context)
        return request_context

    async def wrap_model_request(self, ctx: RunContext[Any], *, request_context: Any, handler: Any) -> Any:
        return await nest(
            self._entries("wrap_model_request"),
            lambda entry, rc, inner: _call(entry, "wrap_model_request", ctx, request_context=rc, handler=inner),
            handler,
            request_context,
        )

    async def after_model_request(self, ctx: RunContext[Any], *, request_context: Any, response: Any) -> Any:
        for entry in self._entries("after_model_request"):
            response = await _call(
                entry, "after_model_request", ctx, request_context=request_context, response=response
            )
        return response

    async def on_model_request_error(self, ctx: RunContext[Any], *, request_context: Any, error: Exception) -> Any:
        return await self._recover("on_model_request_error", None, error, ctx, request_context=request_context)

    # -- tools --------------------------------------------------------------------------------------------

    async def prepare_tools(self, ctx: RunContext[Any], tool_defs: list[Any]) -> list[Any]:
        for entry in self._entries("prepare_tools"):
            tool_defs = await _call(entry, "prepare_tools", ctx, tool_defs)
        return tool_defs

    async def before_tool_validate(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
        for entry in self._entries("before_tool_validate", call.tool_name):
            args = await _call(entry, "before_tool_validate", ctx, call=call, tool_def=tool_def, args=args)
        return args

    async def wrap_tool_validate(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, handler: Any
    ) -> Any:
        return await self._tool_wrap("wrap_tool_validate", ctx, call, tool_def, args, handler)

    async def after_tool_validate(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
        for entry in self._entries("after_tool_validate", call.tool_name):
            args = await _call(entry, "after_tool_validate", ctx, call=call, tool_def=tool_def, args=args)
        return args

    async def on_tool_validate_error(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, error: Exception
    ) -> Any:
        return await self._recover(
            "on_tool_validate_error", call.tool_name, error, ctx, call=call, tool_def=tool_def, args=args
        )

    async def before_tool_execute(self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any) -> Any:
        for entry in self._entries("before_tool_execute", call.tool_name):
            args = await _call(entry, "before_tool_execute", ctx, call=call, tool_def=tool_def, args=args)
        return args

    async def wrap_tool_execute(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, handler: Any
    ) -> Any:
        return await self._tool_wrap("wrap_tool_execute", ctx, call, tool_def, args, handler)

    async def after_tool_execute(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, result: Any
    ) -> Any:
        for entry in self._entries("after_tool_execute", call.tool_name):
            result = await _call(
                entry, "after_tool_execute", ctx, call=call, tool_def=tool_def, args=args, result=result
            )
        return result

    async def on_tool_execute_error(
        self, ctx: RunContext[Any], *, call: Any, tool_def: Any, args: Any, error: Exception
    ) -> Any:
        return await self._recover(
            "on_tool_execute_error", call.tool_name, error, ctx, call=call, tool_def=tool_def, args=args
        )

    async def _tool_wrap(
        self, hook: str, ctx: RunContext[Any], call: Any, tool_def: Any, args: Any, handler: Any
    ) -> Any:
        return await nest(
            self._entries(hook, call.tool_name),
            lambda entry, current, inner: _call(
                entry, hook, ctx, call=call, tool_def=tool_def, args=current, handler=inner
            ),
            handler,
            args,
        )

    # -- events -------------------------------------------------------------------------------------------

    def wrap_run_event_stream(self, ctx: RunContext[Any], *, stream: AsyncIterable[Any]) -> AsyncIterable[Any]:
        for entry in self._entries("wrap_run_event_stream"):
            stream = entry.func(ctx, stream=stream)
        per_event = self._entries("event")
        if per_event:
            stream = _each_event(ctx, stream, per_event)
        return stream


async def _each_event(ctx: RunContext[Any], stream: AsyncIterable[Any], entries: list[_Entry]) -> AsyncIterator[Any]:
    async for event in stream:
        for entry in entries:
            event = await _call(entry, "event", ctx, event)
        yield event
