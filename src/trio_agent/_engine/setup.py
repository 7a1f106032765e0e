"""Turning an agent and a run's arguments into a ready-to-drive :class:`Driver` (config, state, first node)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._exceptions import UserError
from .._ids import new_uuid7
from .._messages.content import USER_CONTENT_TYPES, UserContent
from .._messages.messages import ModelMessage
from .._output.schema import OutputSchema
from .._settings import ModelSettings, merge_model_settings
from .._tools.deferred import DeferredToolResults
from .._usage import RunUsage, UsageLimits
from ..models import KnownModelName, Model, infer_model
from .capture import adopt_capture
from .config import RunConfig
from .driver import Driver
from .mailbox import Mailbox
from .nodes import UserPromptNode
from .pipeline import EventStreamHandler
from .sinks import EventSink
from .state import RunState

if TYPE_CHECKING:
    from .._agent.agent import Agent

__all__ = ["NOT_SET", "RunArgs", "build_driver"]

NOT_SET: Any = object()
"""Marks an ``Agent.override`` argument that was not given."""


@dataclasses.dataclass(frozen=True)
class RunArgs:
    """The arguments every entry point takes (see ``Agent.run``)."""

    user_prompt: str | Sequence[UserContent] | None
    _: dataclasses.KW_ONLY
    output_type: Any
    message_history: Sequence[ModelMessage] | None
    deferred_tool_results: DeferredToolResults | None
    model: Model | KnownModelName | None
    deps: Any
    model_settings: ModelSettings | None
    usage_limits: UsageLimits | None
    usage: RunUsage | None
    metadata: dict[str, Any] | None
    conversation_id: str | None
    run_id: str | None

    @classmethod
    def of(cls, arguments: Mapping[str, Any]) -> RunArgs:
        """The run arguments among an entry point's arguments (its ``locals()``, whose names match the fields)."""
        return cls(**{name: arguments[name] for name in _FIELDS})


_FIELDS = tuple(field.name for field in dataclasses.fields(RunArgs))


def check_user_prompt(prompt: Any) -> None:
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


def build_driver(
    agent: Agent[Any, Any], args: RunArgs, *, sink: EventSink | None, stream_handler: EventStreamHandler | None
) -> Driver:
    """Everything a run needs, built once per run from the agent's cached schemas and the run's arguments."""
    user_prompt, output_type, message_history = args.user_prompt, args.output_type, args.message_history
    deferred_tool_results, model, deps = args.deferred_tool_results, args.model, args.deps
    model_settings, usage_limits, usage = args.model_settings, args.usage_limits, args.usage
    metadata, conversation_id, run_id = args.metadata, args.conversation_id, args.run_id
    check_user_prompt(user_prompt)
    override = agent._override.get()
    resolved = (override.model if override and override.model else None) or (
        infer_model(model) if model is not None else agent.model
    )
    if resolved is None:
        raise UserError("`model` must be set either when creating the agent or when running it.")
    if override is not None and override.deps is not NOT_SET:
        deps = override.deps
    history = list(message_history) if message_history else []
    if run_id == "":
        raise UserError("`run_id` must be a non-empty string when provided.")
    schema = agent._schema_for(output_type)
    config = RunConfig(
        model=resolved,
        deps=deps,
        user_prompt=user_prompt,
        model_settings=merge_model_settings(agent.model_settings, model_settings),
        usage_limits=usage_limits or _DEFAULT_LIMITS,
        output_schema=schema,
        output_validators=agent._output_validators,
        tools=agent._tools,
        request_parameters=agent._request_parameters(schema),
        prepares_tools=any(tool.prepare is not None for tool in agent._tools.values()),
        max_output_retries=agent._max_output_retries,
        default_tool_retries=agent._default_retries,
        tool_timeout=agent.tool_timeout,
        end_strategy=agent.end_strategy,
        instructions="\n\n".join([*agent._instructions, *_prompted(schema)]) or None,
        instruction_runners=agent._instruction_runners,
        dynamic_system_prompts=agent._dynamic_system_prompts,
        run_id=run_id or new_uuid7(),
        conversation_id=_conversation_id(conversation_id, history),
        metadata=metadata if metadata is not None else agent.metadata,
        mailbox=Mailbox(),
        capability=agent._capability,
        tool_call_metadata=deferred_tool_results.metadata if deferred_tool_results is not None else {},
        thread_limiter=agent.thread_limiter,
    )
    state = RunState(history, usage._copy() if usage is not None else RunUsage())
    capture = adopt_capture()
    if capture is not None:
        capture[:] = history
    driver = Driver(config, state, capture, sink=sink, stream_handler=stream_handler)
    driver.next_node = UserPromptNode(
        user_prompt,
        deferred_tool_results=deferred_tool_results,
        instructions=config.instructions,
        instructions_functions=list(agent._instruction_runners),
        system_prompts=agent._system_prompts,
        system_prompt_functions=list(agent._system_prompt_runners),
        system_prompt_dynamic_functions=dict(agent._dynamic_system_prompts),
    )
    return driver


_DEFAULT_LIMITS = UsageLimits()


def _prompted(schema: OutputSchema) -> list[str]:
    text = schema.prompted_instructions()
    return [text] if text else []


def _conversation_id(requested: str | None, history: list[ModelMessage]) -> str:
    if requested is not None and requested != "new":
        return requested
    if requested is None:
        for message in reversed(history):
            if message.conversation_id is not None:
                return message.conversation_id
    return new_uuid7()
