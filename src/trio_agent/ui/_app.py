"""``UIApp``: an ASGI application answering every ``POST`` with a run, to mount at the endpoint's path.

It is a plain ASGI callable (not a Starlette application), so it mounts in any ASGI framework and importing it
imports nothing: Starlette is imported by the first request. ``POST`` (at any path under the mount point) runs
the agent through :meth:`UIAdapter.dispatch_request`; any other method is answered with 405; the lifespan
protocol is acknowledged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from .._agent.abstract import AbstractAgent
from .._agent.base import AgentBuiltinTool, AgentInstructions, AgentMetadata, AgentModelSettings
from .._messages.messages import ModelMessage
from .._output.specs import OutputSpec
from .._tools.deferred import DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import UsageLimits
from ..models import KnownModelName, Model
from ._adapter import UIAdapter

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

__all__ = ["UIApp"]

DepsT = TypeVar("DepsT", default=None)
OutputT = TypeVar("OutputT", default=str)


class UIApp(Generic[DepsT, OutputT]):
    """An ASGI app running ``agent`` for each ``POST`` in the protocol of ``adapter_type``.

    The run arguments are the same for every request (``deps`` included, except for the frontend's state, which
    each run gets in a copy of ``deps``: see :class:`~trio_agent.ui.StateHandler`). For arguments that depend
    on the request (the user, say), write an endpoint calling ``adapter_type.dispatch_request`` instead.
    ``options`` are the adapter's own fields (``sdk_version=6``...).
    """

    def __init__(
        self,
        adapter_type: type[UIAdapter[Any, Any, Any, DepsT, OutputT]],
        agent: AbstractAgent[DepsT, OutputT],
        *,
        output_type: OutputSpec[Any] | None = None,
        message_history: Sequence[ModelMessage] | None = None,
        deferred_tool_results: DeferredToolResults | None = None,
        model: Model | KnownModelName | None = None,
        instructions: AgentInstructions = None,
        deps: DepsT = None,  # type: ignore[assignment]
        model_settings: AgentModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        metadata: AgentMetadata | None = None,
        infer_name: bool = True,
        toolsets: Sequence[AbstractToolset[DepsT]] | None = None,
        builtin_tools: Sequence[AgentBuiltinTool] | None = None,
        **options: Any,
    ) -> None:
        self.adapter_type = adapter_type
        self.agent = agent
        self.run_arguments: dict[str, Any] = {
            "output_type": output_type,
            "message_history": message_history,
            "deferred_tool_results": deferred_tool_results,
            "model": model,
            "instructions": instructions,
            "deps": deps,
            "model_settings": model_settings,
            "usage_limits": usage_limits,
            "metadata": metadata,
            "infer_name": infer_name,
            "toolsets": toolsets,
            "builtin_tools": builtin_tools,
        }
        """The arguments every run is given."""
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        from starlette.requests import Request
        from starlette.responses import PlainTextResponse, Response

        response: Response
        if scope["type"] != "http":
            raise RuntimeError(f"`UIApp` answers HTTP requests only, not {scope['type']!r}")
        if scope["method"] != "POST":
            response = PlainTextResponse("Method Not Allowed", status_code=405, headers={"allow": "POST"})
        else:
            request = Request(scope, receive)
            response = await self.adapter_type.dispatch_request(
                request, agent=self.agent, **self.run_arguments, **self.options
            )
        await response(scope, receive, send)
