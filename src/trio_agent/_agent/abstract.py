"""``AbstractAgent``: the entry points that start runs (``run``, ``run_sync``, ``iter``, ``run_stream``,
``run_stream_events``, ``run_stream_sync``), typed end to end, for any agent that can compile itself into an
:class:`~trio_agent._engine.spec.AgentSpec`; plus what every agent can say about itself (its output's JSON
schema) and the node predicates.

The entry points live in mixins (:mod:`.run_methods`, :mod:`.iter_methods`, :mod:`.stream_methods`), each
collecting its arguments into the engine's ``RunArgs``, asking the engine for a driver and driving it its own
way. The two overloads of each say how the output type flows: without ``output_type=`` a run's output is the
agent's ``OutputT``; with it, the type that ``output_type`` describes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import trio
from typing_extensions import TypeIs, TypeVar

from .._engine.nodes import AgentNode, CallToolsNode, End, FinalResult, ModelRequestNode, UserPromptNode
from .._messages.messages import ModelMessage
from .._output.json_schema import output_json_schema
from .._output.specs import OutputSpec
from .._settings import ModelSettings
from .._sync_guard import refuse_inside_trio
from .._usage import UsageLimits
from ..models import KnownModelName, Model
from .iter_methods import IterMethods
from .run_methods import RunMethods
from .stream_methods import StreamMethods

__all__ = ["AbstractAgent"]

DepsT = TypeVar("DepsT", default=None, contravariant=True)
OutputT = TypeVar("OutputT", default=str, covariant=True)
T = TypeVar("T")
S = TypeVar("S")


class AbstractAgent(RunMethods[DepsT, OutputT], IterMethods[DepsT, OutputT], StreamMethods[DepsT, OutputT]):
    """What every agent can do: start runs. Subclasses say what the agent is (``_compiled``).

    ``DepsT`` is the type of the ``deps`` its runs take, ``OutputT`` the type of their output.
    """

    def output_json_schema(self, output_type: OutputSpec[Any] | None = None) -> dict[str, Any]:
        """The JSON schema of what a run may output: ``{'type': 'string'}`` for text alone, the output type's
        schema for a single non-text output, else an object whose ``result`` is one of the outputs, each tagged
        with its ``kind`` (the output tool's or type's name) and carrying its value in ``data``.

        ``output_type`` asks about a run's own output type instead of the agent's.
        """
        return output_json_schema(self._compiled().output_plan(output_type).schema)

    # -- node predicates ------------------------------------------------------------------------------

    @staticmethod
    def is_user_prompt_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[UserPromptNode[T, S]]:
        """Whether ``node`` is a ``UserPromptNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, UserPromptNode)

    @staticmethod
    def is_model_request_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[ModelRequestNode[T, S]]:
        """Whether ``node`` is a ``ModelRequestNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, ModelRequestNode)

    @staticmethod
    def is_call_tools_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[CallToolsNode[T, S]]:
        """Whether ``node`` is a ``CallToolsNode`` (narrowing its type, with its deps and output types)."""
        return isinstance(node, CallToolsNode)

    @staticmethod
    def is_end_node(node: AgentNode[T, S] | End[FinalResult[S]]) -> TypeIs[End[FinalResult[S]]]:
        """Whether ``node`` is the run's ``End`` (narrowing its type, with its output type)."""
        return isinstance(node, End)

    # -- to_web ---------------------------------------------------------------------------------------

    def to_web(
        self,
        *,
        deps: DepsT = None,  # type: ignore[assignment]
        model: Model | KnownModelName | None = None,
        allowed_hosts: Sequence[str] = ("127.0.0.1", "localhost"),
        max_body_bytes: int = 64 * 1024,
        title: str | None = None,
        board: Any = None,
    ) -> Any:
        """A chat page for this agent: a Starlette (ASGI) app to serve on 127.0.0.1, e.g. with Hypercorn's trio
        worker (``hypercorn -k trio module:app``); with a ``board`` (a :class:`trio_agent.web.RunBoard`), the
        runs board at ``/board/`` too. See :func:`trio_agent.web.create_chat_app` for what the page does, the
        requests it refuses, and resource and error handling. Needs ``pip install 'trio-agent[web]'``.
        """
        from ..web import create_chat_app

        return create_chat_app(
            self,
            deps=deps,
            model=model,
            allowed_hosts=allowed_hosts,
            max_body_bytes=max_body_bytes,
            title=title,
            board=board,
        )

    # -- to_cli ---------------------------------------------------------------------------------------

    async def to_cli(
        self,
        deps: DepsT = None,  # type: ignore[assignment]
        prog_name: str = "trio-agent",
        message_history: Sequence[ModelMessage] | None = None,
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        model: Model | KnownModelName | None = None,
    ) -> None:
        """Chat with this agent on the terminal: the ``trio-agent`` command's chat, with this agent.

        Each prompt you type (after ``prog_name ➤``) is a run that continues the conversation (which starts
        from ``message_history``), its answer streamed live and its tool calls shown as they happen. ``/exit``,
        Ctrl-D, or Ctrl-C at the prompt leave; Ctrl-C during a reply cancels that reply only. A turn that fails
        is shown, and the chat goes on without it. ``deps``, ``model_settings``, ``usage_limits`` and ``model``
        apply to every run, as for :meth:`run`.

        Resource handling: prompts are read with ``input()`` in a worker thread; Ctrl-C is watched with
        ``trio.open_signal_receiver`` while the chat lasts (in the main thread only). A thread waiting in
        ``input()`` cannot be interrupted: after Ctrl-C at the prompt it waits on, and the line it reads next is
        discarded.

        Error handling: a failed turn is printed on stderr (``error: <class>: <message>``); this returns when
        the chat ends.
        """
        from .._cli.chat import run_chat

        await run_chat(
            self,
            prog_name=prog_name,
            history=message_history or (),
            deps=deps,
            model_settings=model_settings,
            usage_limits=usage_limits,
            model=model,
        )

    def to_cli_sync(
        self,
        deps: DepsT = None,  # type: ignore[assignment]
        prog_name: str = "trio-agent",
        message_history: Sequence[ModelMessage] | None = None,
        model_settings: ModelSettings | None = None,
        usage_limits: UsageLimits | None = None,
        model: Model | KnownModelName | None = None,
    ) -> None:
        """:meth:`to_cli` in a new ``trio.run``; raises ``UserError`` inside a running trio loop."""
        refuse_inside_trio(
            "`Agent.to_cli_sync()` cannot be called from inside a running trio loop (it would start a second "
            "`trio.run` in this thread); use `await agent.to_cli(...)` instead."
        )
        trio.run(
            functools.partial(
                self.to_cli,
                deps=deps,
                prog_name=prog_name,
                message_history=message_history,
                model_settings=model_settings,
                usage_limits=usage_limits,
                model=model,
            )
        )
