"""The decorators that add to an agent: ``@agent.tool``, ``@agent.tool_plain``, ``@agent.toolset``,
``@agent.instructions``, ``@agent.system_prompt`` and ``@agent.output_validator``.

Each registers the function with the agent (the next run compiles a new spec) and returns it unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Concatenate, Generic, overload

from typing_extensions import ParamSpec, TypeVar

if TYPE_CHECKING:
    from pydantic.json_schema import GenerateJsonSchema

from .._exceptions import UserError
from .._output.schema import OutputSchema, OutputValidator
from .._run_context import RunContext
from .._system_prompts import SystemPromptFunc, SystemPromptRunner
from .._tools.docstrings import DocstringFormat
from .._tools.tool import ArgsValidatorFunc, Tool, ToolPrepareFunc
from .._toolsets.abstract import AbstractToolset
from .._toolsets.dynamic import DynamicToolset, ToolsetFunc

__all__ = ["AgentDecorators"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
P = ParamSpec("P")
R = TypeVar("R")
PromptR = TypeVar("PromptR", bound="str | Awaitable[str | None] | None")
"""What an instructions or system prompt function returns."""


class AgentDecorators(Generic[DepsT, OutputT]):
    """The registering decorators of :class:`~trio_agent.Agent` (a mixin over its configuration)."""

    _tools: dict[str, Tool[Any]]
    _output_schema: OutputSchema
    _toolsets: list[AbstractToolset[Any]]
    _instruction_runners: list[SystemPromptRunner]
    _system_prompt_runners: list[SystemPromptRunner]
    _dynamic_system_prompts: dict[str, SystemPromptRunner]
    _output_validators: list[OutputValidator]

    def _changed(self) -> None:
        raise NotImplementedError

    def _add_tool(self, tool: Tool[Any]) -> None:
        if tool.name in self._tools:  # (a clash with an output tool is refused when a run lists its tools)
            raise UserError(f"Tool name conflicts with existing tool: {tool.name!r}")
        self._tools[tool.name] = tool
        self._changed()

    @overload
    def tool(
        self, func: Callable[Concatenate[RunContext[DepsT], P], R], /
    ) -> Callable[Concatenate[RunContext[DepsT], P], R]: ...
    @overload
    def tool(
        self,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        retries: int | None = None,
        sequential: bool = False,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
        strict: bool | None = None,
        prepare: ToolPrepareFunc | None = None,
        requires_approval: bool = False,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
        schema_generator: type[GenerateJsonSchema] | None = None,
        args_validator: ArgsValidatorFunc | None = None,
        include_return_schema: bool | None = None,
        defer_loading: bool = False,
    ) -> Callable[[Callable[Concatenate[RunContext[DepsT], P], R]], Callable[Concatenate[RunContext[DepsT], P], R]]: ...

    def tool(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool whose first parameter is the :class:`RunContext` (``@agent.tool`` or
        ``@agent.tool(retries=2, ...)``); options as for :class:`Tool`. Returns the function unchanged."""
        return self._tool_decorator(func, takes_ctx=True, options=options)

    @overload
    def tool_plain(self, func: Callable[P, R], /) -> Callable[P, R]: ...
    @overload
    def tool_plain(
        self,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
        retries: int | None = None,
        sequential: bool = False,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
        strict: bool | None = None,
        prepare: ToolPrepareFunc | None = None,
        requires_approval: bool = False,
        docstring_format: DocstringFormat = "auto",
        require_parameter_descriptions: bool = False,
        schema_generator: type[GenerateJsonSchema] | None = None,
        args_validator: ArgsValidatorFunc | None = None,
        include_return_schema: bool | None = None,
        defer_loading: bool = False,
    ) -> Callable[[Callable[P, R]], Callable[P, R]]: ...

    def tool_plain(self, func: Callable[..., Any] | None = None, /, **options: Any) -> Any:
        """Register a tool that takes no :class:`RunContext` (``@agent.tool_plain``). Returns the function
        unchanged."""
        return self._tool_decorator(func, takes_ctx=False, options=options)

    def _tool_decorator(self, func: Callable[..., Any] | None, *, takes_ctx: bool, options: dict[str, Any]) -> Any:
        if "retries" in options:
            options["max_retries"] = options.pop("retries")

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._add_tool(Tool(function, takes_ctx=takes_ctx, **options))
            return function

        return register if func is None else register(func)

    @overload
    def toolset(self, func: ToolsetFunc, /) -> ToolsetFunc: ...
    @overload
    def toolset(
        self, /, *, per_run_step: bool = True, id: str | None = None
    ) -> Callable[[ToolsetFunc], ToolsetFunc]: ...
    def toolset(self, func: ToolsetFunc | None = None, /, *, per_run_step: bool = True, id: str | None = None) -> Any:
        """Register a function that chooses a toolset for each run (``@agent.toolset``): ``(ctx) -> toolset |
        None``, sync or async, evaluated before every model request (or once per run with
        ``@agent.toolset(per_run_step=False)``). Returns the function unchanged."""

        def register(function: ToolsetFunc) -> ToolsetFunc:
            self._toolsets.append(DynamicToolset(function, per_run_step=per_run_step, id=id))
            self._changed()
            return function

        return register if func is None else register(func)

    @overload
    def instructions(
        self, func: Callable[[RunContext[DepsT]], PromptR], /
    ) -> Callable[[RunContext[DepsT]], PromptR]: ...
    @overload
    def instructions(self, func: Callable[[], PromptR], /) -> Callable[[], PromptR]: ...
    @overload
    def instructions(self, /) -> Callable[[SystemPromptFunc[DepsT]], SystemPromptFunc[DepsT]]: ...
    def instructions(self, func: Callable[..., Any] | None = None, /) -> Any:
        """Register an instructions function (``(ctx) -> str | None`` or ``() -> ...``, sync or async), used
        bare or as ``@agent.instructions()``. Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._instruction_runners.append(SystemPromptRunner(function))
            self._changed()
            return function

        return register if func is None else register(func)

    @overload
    def system_prompt(
        self, func: Callable[[RunContext[DepsT]], PromptR], /
    ) -> Callable[[RunContext[DepsT]], PromptR]: ...
    @overload
    def system_prompt(self, func: Callable[[], PromptR], /) -> Callable[[], PromptR]: ...
    @overload
    def system_prompt(
        self, /, *, dynamic: bool = False
    ) -> Callable[[SystemPromptFunc[DepsT]], SystemPromptFunc[DepsT]]: ...
    def system_prompt(self, func: Callable[..., Any] | None = None, /, *, dynamic: bool = False) -> Any:
        """Register a system prompt function; ``dynamic=True`` re-evaluates it when a history is continued.
        Returns the function unchanged."""

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            runner = SystemPromptRunner(function, dynamic=dynamic)
            self._system_prompt_runners.append(runner)
            if dynamic:
                self._dynamic_system_prompts[function.__qualname__] = runner
            self._changed()
            return function

        return register if func is None else register(func)

    @overload
    def output_validator(
        self,
        func: Callable[[RunContext[DepsT], OutputT], OutputT],
        /,
    ) -> Callable[[RunContext[DepsT], OutputT], OutputT]: ...
    @overload
    def output_validator(
        self,
        func: Callable[[RunContext[DepsT], OutputT], Awaitable[OutputT]],
        /,
    ) -> Callable[[RunContext[DepsT], OutputT], Awaitable[OutputT]]: ...
    @overload
    def output_validator(self, func: Callable[[OutputT], OutputT], /) -> Callable[[OutputT], OutputT]: ...
    @overload
    def output_validator(
        self, func: Callable[[OutputT], Awaitable[OutputT]], /
    ) -> Callable[[OutputT], Awaitable[OutputT]]: ...

    def output_validator(self, func: Callable[..., Any], /) -> Any:
        """Register an output validator: ``(output)`` or ``(ctx, output)``, sync or async, returning the
        (possibly changed) output or raising ``ModelRetry``. Returns the function unchanged."""
        self._output_validators.append(OutputValidator(func))
        self._changed()
        return func
