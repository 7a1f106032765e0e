"""The engine's entrance: an :class:`~.spec.AgentSpec` and a run's :class:`RunArgs` in, a ready
:class:`~.driver.Driver` out (its config, its state, and its first node).

Everything is checked here, before anything runs: the prompt's shape, the model, the ids. The driver returned
has not started; the caller decides how it is driven (run to the end, lock-step, or streamed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._exceptions import UserError
from .._ids import new_uuid7
from .._messages.content import USER_CONTENT_TYPES, UserContent
from .._messages.messages import ModelMessage
from .._sentinels import NOT_SET
from .._settings import ModelSettings, merge_model_settings
from .._system_prompts import SystemPromptRunner
from .._tools.deferred import DeferredToolResults
from .._toolsets.abstract import AbstractToolset
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model
from .capture import adopt_capture
from .config import RunConfig
from .control import control_for
from .driver import Driver, UnresolvedModel
from .mailbox import Mailbox
from .nodes import UserPromptNode
from .pipeline import EventRouter, EventStreamHandler
from .result import AgentRunErrorEvent
from .run_tools import RunToolsets
from .sinks import ChannelSink, EventSink
from .spec import AgentSpec, plan_output
from .state import RunState

if TYPE_CHECKING:
    from .._capabilities.contributions import SettingsFunc
    from .snapshot import RunSnapshot
    from .spec import MetadataSpec

__all__ = ["RunArgs", "check_user_prompt", "refuse_run", "start_run"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RunArgs:
    """The arguments every entry point takes (see ``Agent.run`` for what each means)."""

    user_prompt: str | Sequence[UserContent] | None = None
    output_type: Any = None
    message_history: Sequence[ModelMessage] | None = None
    deferred_tool_results: DeferredToolResults | None = None
    model: Model | KnownModelName | None = None
    deps: Any = None
    model_settings: ModelSettings | SettingsFunc | None = None
    """Settings for this run's requests, or a function of the run context giving them before each request."""
    usage_limits: UsageLimits | None = None
    usage: RunUsage | None = None
    metadata: MetadataSpec | None = None
    """The run's metadata (instead of the agent's), or a function of the run context giving it as the run starts."""
    conversation_id: str | None = None
    run_id: str | None = None
    toolsets: Sequence[AbstractToolset[Any]] | None = None
    instructions: Any = None
    """Instructions for this run only, after the agent's: text, an instructions function, or a sequence."""
    builtin_tools: tuple[Any, ...] = ()
    """Built-in tools (or functions choosing one per request) for this run only, after the agent's."""
    resume_from: RunSnapshot | None = None
    """Continue the run this snapshot was taken of (see :mod:`.snapshot`)."""
    on_snapshot: Callable[[RunSnapshot], Any] | None = None
    """Called with a snapshot after every commit (see ``RunConfig.on_snapshot``)."""


def check_user_prompt(prompt: object) -> None:
    """Refuse a prompt that is neither text nor a sequence of user content (before anything runs)."""
    if prompt is None or isinstance(prompt, str):
        return
    if isinstance(prompt, USER_CONTENT_TYPES):
        raise UserError(
            f"`user_prompt` is a lone {type(prompt).__name__}; pass a list, e.g. `['Describe this:', item]`."
        )
    if isinstance(prompt, Sequence) and not isinstance(prompt, bytes | bytearray):
        for index, item in enumerate(prompt):
            if not isinstance(item, USER_CONTENT_TYPES):
                raise UserError(
                    f"`user_prompt` item {index} is a {type(item).__name__!r}; a prompt holds text and user content "
                    "(str, TextContent, ImageUrl, AudioUrl, DocumentUrl, VideoUrl, BinaryContent, CachePoint)."
                )
        return
    raise UserError(
        f"`user_prompt` must be text or a list of user content (str, ImageUrl, BinaryContent, ...), "
        f"not a {type(prompt).__name__!r}."
    )


def start_run(
    spec: AgentSpec,
    args: RunArgs,
    *,
    sink: EventSink | None = None,
    stream_handler: EventStreamHandler | None = None,
) -> Driver:
    """Everything one run needs, from the agent's spec and the run's arguments; raises ``UserError`` on bad
    input."""
    snapshot = args.resume_from
    if snapshot is not None:
        from .snapshot import copy  # (pydantic's model machinery, only for resumed runs)

        snapshot = copy(snapshot)  # the run changes the objects it is given; the caller's snapshot stays as it was
        args = _resumed_args(args, snapshot)
    check_user_prompt(args.user_prompt)
    if args.run_id == "":
        raise UserError("`run_id` must be a non-empty string when provided.")
    capability = spec.capability
    if (
        spec.model_override is None
        and isinstance(args.model, str)
        and capability is not None
        and capability.resolves_models
    ):
        model: Any = UnresolvedModel(
            args.model
        )  # capabilities resolve it as the run starts (`Driver.bind_capabilities`)
    else:
        model = spec.model_override or (spec.model_for(args.model) if args.model is not None else spec.model)
    if model is None:
        raise UserError(
            "`model` must either be set on the agent or included when calling it. Give the agent a model "
            "(`Agent('openai:gpt-4o')`) or pass `model=` to the run."
        )
    history = list(args.message_history) if args.message_history else []
    run_id = args.run_id or new_uuid7()
    output = spec.output_plan(args.output_type)
    if snapshot is not None:
        from .snapshot import check_compatible  # (pydantic's model machinery, only for resumed runs)

        check_compatible(snapshot, spec, output)  # before any of the caller's code runs (a metadata function)
    runners = spec.instruction_runners
    if args.instructions is not None:
        texts, more = _run_instructions(args.instructions)
        if texts:
            output = plan_output(output.schema, spec.static_tools, (*spec.instructions, *texts))
        runners = (*runners, *more)
    settings_functions = spec.settings_functions
    metadata = args.metadata if args.metadata is not None else spec.metadata
    run_settings = args.model_settings
    if callable(run_settings):  # a function of the run context, evaluated before each request
        settings_functions, run_settings = (*settings_functions, run_settings), None
    if stream_handler is None and capability is not None and capability.durability is not None:
        stream_handler = capability.durability.event_stream_handler
    wrappers = capability.event_stream_wrappers if capability is not None else ()
    router = EventRouter(run_id, sink, stream_handler, wrappers) if sink or stream_handler or wrappers else None
    deferred = args.deferred_tool_results
    toolsets = None
    if spec.static_tools is None or args.toolsets:
        toolsets = RunToolsets(
            [spec.function_toolset, *spec.toolsets, *(args.toolsets or ())],
            spec.capability if spec.wraps_tools else None,
        )
    config = RunConfig(
        spec=spec,
        output=output,
        model=model,
        deps=args.deps if spec.deps is NOT_SET else spec.deps,
        user_prompt=args.user_prompt,
        model_settings=merge_model_settings(spec.model_settings, run_settings),
        usage_limits=args.usage_limits or _DEFAULT_LIMITS,
        run_id=run_id,
        conversation_id=_conversation_id(args.conversation_id, history),
        metadata=None if callable(metadata) else metadata,
        mailbox=Mailbox(),
        tool_call_metadata=deferred.metadata if deferred is not None else _NO_METADATA,
        emit=router.emit if router is not None else None,
        toolsets=toolsets,
        instruction_runners=runners,
        settings_functions=settings_functions,
        builtin_tools=(*spec.builtin_tools, *args.builtin_tools) if args.builtin_tools else spec.builtin_tools,
        on_snapshot=args.on_snapshot,
    )
    control = control_for(
        sink.channel if isinstance(sink, ChannelSink) else None,
        run_id,
        spec.agent,
        model,
        config.mailbox,
        args.user_prompt,
    )
    state = RunState(history, args.usage._copy() if args.usage is not None else RunUsage())
    if callable(metadata):  # a function of the run context, resolved as the run starts
        config._resolve_metadata(metadata, state)
    capture = adopt_capture()
    if capture is not None:
        capture[:] = history
    first: UserPromptNode[Any, Any] = UserPromptNode(
        args.user_prompt,
        deferred_tool_results=deferred,
        instructions=output.instructions,
        instructions_functions=list(runners),
        system_prompts=spec.system_prompts,
        system_prompt_functions=list(spec.system_prompt_runners),
        system_prompt_dynamic_functions=dict(spec.dynamic_system_prompts),
    )
    if snapshot is None:
        return Driver(config, state, capture, router, first, control)
    from .snapshot import restore, restore_pending

    if snapshot.next_node.kind == "user_prompt":  # taken before the first step: the run starts from its prompt
        restore_pending(snapshot, config)
        return Driver(config, state, capture, router, first, control)
    resumed = restore(snapshot, config, state)
    if capture is not None:
        capture[:] = state.messages
    return Driver(config, state, capture, router, resumed, control)


def _resumed_args(args: RunArgs, snapshot: RunSnapshot) -> RunArgs:
    """The arguments of a run resumed from ``snapshot``: its ids, history, usage and metadata are the snapshot's."""
    given = [
        name
        for name in ("user_prompt", "message_history", "deferred_tool_results", "usage", "run_id", "conversation_id")
        if getattr(args, name) is not None
    ]
    if given:
        raise UserError(
            f"`resume_from` continues a run with its own state; do not also pass {', '.join(f'`{n}`' for n in given)}."
        )
    return dataclasses.replace(
        args,
        user_prompt=snapshot.user_prompt,
        message_history=snapshot.messages if snapshot.next_node.kind == "user_prompt" else None,
        usage=snapshot.usage,
        run_id=snapshot.run_id,
        conversation_id=snapshot.conversation_id,
        metadata=snapshot.metadata if args.metadata is None else args.metadata,
    )


async def refuse_run(sink: EventSink | None, args: RunArgs, error: BaseException) -> None:
    """A run whose setup failed still tells its event channel: one ``AgentRunErrorEvent``, then the channel
    closes (a consumer of many runs learns this one's fate instead of waiting for it)."""
    if sink is None:
        return
    try:
        history = list(args.message_history) if args.message_history else []
        await sink.emit_terminal(AgentRunErrorEvent(args.run_id or new_uuid7(), error, history), shielded=True)
    finally:
        sink.close()


_DEFAULT_LIMITS = UsageLimits()
_NO_METADATA: dict[str, Any] = {}


def _run_instructions(given: Any) -> tuple[tuple[str, ...], tuple[SystemPromptRunner, ...]]:
    items = given if isinstance(given, Sequence) and not isinstance(given, str) else [given]
    texts = tuple(item for item in items if isinstance(item, str) and item)
    runners = tuple(SystemPromptRunner(item) for item in items if item is not None and not isinstance(item, str))
    return texts, runners


def _conversation_id(requested: str | None, history: list[ModelMessage]) -> str:
    if requested is not None and requested != "new":
        return requested
    if requested is None:
        for message in reversed(history):
            if message.conversation_id is not None:
                return message.conversation_id
    return new_uuid7()
