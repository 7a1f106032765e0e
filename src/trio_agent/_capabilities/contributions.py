"""What an agent's capabilities contribute to its configuration, collected once when its spec is compiled.

Besides hooks, a capability may contribute instructions (``get_instructions``), a toolset (``get_toolset``),
model settings (``get_model_settings``: a dict, or a function of the run context evaluated per request) and a
model (``get_model``). It may also change the tools offered at each step (``prepare_tools``,
``prepare_output_tools``, ``get_wrapper_toolset``): such an agent lists its tools per step (see
:mod:`trio_agent._engine.run_tools`), and :func:`wrap_run_toolset` applies the changes to each run's toolset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._system_prompts import SystemPromptRunner

if TYPE_CHECKING:
    from .._run_context import RunContext
    from .._settings import ModelSettings
    from .._tools.definitions import ToolDefinition
    from .._toolsets.abstract import AbstractToolset
    from .combined import CombinedCapability

__all__ = ["Contributions", "collect", "prepare_output_tool_defs", "wrap_run_toolset"]

SettingsFunc = Callable[["RunContext[Any]"], "ModelSettings | None"]


@dataclasses.dataclass(frozen=True)
class Contributions:
    """Everything the capabilities add to an agent's configuration."""

    instructions: tuple[str, ...] = ()
    instruction_runners: tuple[SystemPromptRunner, ...] = ()
    toolsets: tuple[AbstractToolset[Any], ...] = ()
    model_settings: ModelSettings | None = None
    settings_functions: tuple[SettingsFunc, ...] = ()
    model: Any = None
    """The last static model a capability chose (a ``Model`` or a name), ``None`` if none did."""
    model_selector: Callable[..., Any] | None = None
    """The last per-request model function a capability gave (it wins over a static choice made before it)."""
    changes_tools: bool = False
    """Whether some capability prepares or wraps the tools (so they are listed per step)."""


def _instructions(found: Any) -> tuple[list[str], list[SystemPromptRunner]]:
    texts: list[str] = []
    runners: list[SystemPromptRunner] = []
    items = found if isinstance(found, Sequence) and not isinstance(found, str) else [found]
    for item in items:
        if item is None:
            continue
        if isinstance(item, str):
            texts.append(item)
        else:
            runners.append(SystemPromptRunner(item))
    return texts, runners


def collect(capability: CombinedCapability) -> Contributions:
    """What the capabilities of ``capability`` contribute (see the module docstring)."""
    texts: list[str] = []
    runners: list[SystemPromptRunner] = []
    toolsets: list[AbstractToolset[Any]] = []
    settings: ModelSettings = {}
    functions: list[SettingsFunc] = []
    model: Any = None
    selector: Callable[..., Any] | None = None
    changes_tools = False
    for member in capability.capabilities:
        found = member.get_instructions()
        if found is not None:
            more_texts, more_runners = _instructions(found)
            texts.extend(more_texts)
            runners.extend(more_runners)
        toolset = member.get_toolset()
        if toolset is not None:
            toolsets.append(toolset)
        contributed = member.get_model_settings()
        if callable(contributed):
            functions.append(contributed)
        elif contributed:
            settings.update(contributed)
        chosen = member.get_model()
        if chosen is not None:
            if callable(chosen) and not hasattr(chosen, "request"):
                selector, model = chosen, None
            else:
                model, selector = chosen, None
        if any(member.overrides(name) for name in ("prepare_tools", "prepare_output_tools", "get_wrapper_toolset")):
            changes_tools = True
    return Contributions(
        instructions=tuple(texts),
        instruction_runners=tuple(runners),
        toolsets=tuple(toolsets),
        model_settings=settings or None,
        settings_functions=tuple(functions),
        model=model,
        model_selector=selector,
        changes_tools=changes_tools,
    )


def wrap_run_toolset(capability: CombinedCapability | None, toolset: AbstractToolset[Any]) -> AbstractToolset[Any]:
    """``toolset`` as the capabilities change it: each ``prepare_tools`` hook in order, then each
    ``get_wrapper_toolset`` (the first capability's outermost)."""
    if capability is None:
        return toolset
    for member in capability.capabilities:
        if member.overrides("prepare_tools"):
            toolset = toolset.prepared(member.prepare_tools)
    for member in reversed(capability.capabilities):
        if member.overrides("get_wrapper_toolset"):
            toolset = member.get_wrapper_toolset(toolset) or toolset
    return toolset


async def prepare_output_tool_defs(
    capability: CombinedCapability | None, ctx: RunContext[Any], tool_defs: list[ToolDefinition]
) -> list[ToolDefinition]:
    """The output tools offered at a step, through every ``prepare_output_tools`` hook in order."""
    if capability is None:
        return tool_defs
    for member in capability.capabilities:
        if member.overrides("prepare_output_tools"):
            tool_defs = await member.prepare_output_tools(ctx, tool_defs)
    return tool_defs
