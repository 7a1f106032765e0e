"""A run's committed state as data: :class:`RunSnapshot`, taken between steps and resumed by a fresh run.

A snapshot holds what the driver has committed (see :mod:`.driver`): the messages, usage, retry counters, the
next node, the enqueued content not yet delivered, the run's ids and metadata. Everything else a run needs is
the agent's (its model, tools, instructions, output type), so a snapshot is resumed by *an agent like the one
that took it*: :func:`fingerprint` records the agent's tool and output schemas, and resuming refuses a snapshot
whose agent had different ones (a resumed run would otherwise offer tools, or validate output, unlike the run
that made the calls it is answering).

Because a snapshot is taken only after a commit, the next node's work has not been done (a step that was in
flight when the run stopped committed nothing): resuming does it once, and nothing done before is done again.

This module imports pydantic's model machinery, so the engine imports it only when a run takes or resumes a
snapshot (``import trio_agent`` does not).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import to_jsonable_python

from .._exceptions import UserError
from .._messages.content import UserContent
from .._messages.events import EnqueuedMessagesEvent
from .._messages.messages import ModelMessage, ModelRequest, ModelResponse
from .._messages.parts import ModelRequestPart
from .._usage import RunUsage
from .enqueue import PendingMessage
from .nodes import CallToolsNode, End, ModelRequestNode, UserPromptNode

if TYPE_CHECKING:
    from .config import RunConfig
    from .driver import Driver
    from .nodes import NodeResult
    from .spec import AgentSpec, OutputPlan
    from .state import RunState

__all__ = [
    "SNAPSHOT_VERSION",
    "AgentFingerprint",
    "RunSnapshot",
    "check_compatible",
    "copy",
    "fingerprint",
    "restore",
    "restore_pending",
    "take",
]

SNAPSHOT_VERSION = 1
"""The version of :class:`RunSnapshot`'s format this release writes and reads."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NextUserPrompt(_Model):
    """The run has not taken its first step: it starts from its prompt."""

    kind: Literal["user_prompt"] = "user_prompt"


class NextModelRequest(_Model):
    """The run sends ``request`` next."""

    kind: Literal["model_request"] = "model_request"
    request: ModelRequest
    resuming_without_prompt: bool = False


class NextCallTools(_Model):
    """The run handles ``model_response`` next (the last message of the history): its tool calls, or its output."""

    kind: Literal["call_tools"] = "call_tools"
    model_response: ModelResponse


NextNode = Annotated[NextUserPrompt | NextModelRequest | NextCallTools, Field(discriminator="kind")]


class PendingContent(_Model):
    """Content ``enqueue`` accepted that the run has not delivered yet."""

    enqueue_id: str
    priority: Literal["asap", "when_idle"]
    messages: list[ModelMessage]


class Announcement(_Model):
    """Enqueued content a commit delivered whose ``EnqueuedMessagesEvent`` the next request sends."""

    enqueue_id: str
    messages: list[ModelMessage] = []
    parts: list[ModelRequestPart] = []


class AgentFingerprint(_Model):
    """What a resuming agent must share with the one that took the snapshot."""

    name: str | None
    tools: dict[str, str]
    """The agent's own tools: name -> digest of the parameters' JSON schema."""
    output: str
    """Digest of the output mode, the output tools and the output object's schema."""


class RunSnapshot(_Model):
    """A run's committed state between two steps, as JSON-serialisable data.

    Take one with ``run.snapshot()`` (an ``agent.iter`` run between steps), or after every commit with
    ``on_snapshot=`` (``agent.run`` / ``agent.iter``); store it with :meth:`to_json` (or ``model_dump_json``);
    continue the run, in this process or another, with ``agent.iter(resume_from=snapshot)`` (or
    ``agent.run(resume_from=...)``) on an agent with the same tools and output type. The resumed run keeps its
    ``run_id`` and ``conversation_id``, and makes no model request or tool call the snapshot's run had
    already made.
    """

    version: int = SNAPSHOT_VERSION
    run_id: str
    conversation_id: str
    user_prompt: str | list[UserContent] | None = None
    """The run's prompt (``ctx.prompt``)."""
    messages: list[ModelMessage]
    """The conversation so far, the history the run was given included."""
    new_message_index: int
    """Where this run's own messages start in :attr:`messages`."""
    usage: RunUsage
    run_step: int
    output_retries_used: int
    tool_retries: dict[str, int]
    resumed_calls: list[str] = []
    next_node: NextNode
    pending: list[PendingContent] = []
    """Enqueued content not yet delivered, in order."""
    announce: list[Announcement] = []
    """Enqueued content delivered but not yet announced (see :mod:`.delivery`)."""
    metadata: dict[str, Any] | None = None
    agent: AgentFingerprint

    def to_json(self) -> bytes:
        """The snapshot as JSON (what :meth:`from_json` reads)."""
        return self.model_dump_json().encode()

    @classmethod
    def from_json(cls, data: str | bytes) -> RunSnapshot:
        """Read a snapshot written by :meth:`to_json`; raise ``UserError`` for one this release cannot read."""
        try:
            version = json.loads(data).get("version")
        except (ValueError, AttributeError):
            version = None
        if version != SNAPSHOT_VERSION:
            raise UserError(
                f"This is not a version-{SNAPSHOT_VERSION} `RunSnapshot` (its `version` is {version!r}): it was "
                "written by another release of trio_agent, or is not a snapshot. Resume it with the release "
                "that wrote it."
            )
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            raise UserError(f"The `RunSnapshot` JSON does not validate: {exc}") from None


def _digest(value: Any) -> str:
    text = json.dumps(to_jsonable_python(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fingerprint(spec: AgentSpec, output: OutputPlan) -> AgentFingerprint:
    """The agent's name, its own tools' parameter schemas and its output schema, as digests."""
    tools = {name: _digest(tool.tool_def.parameters_json_schema) for name, tool in spec.function_toolset.tools.items()}
    params = output.request_parameters
    shape = {
        "mode": params.output_mode,
        "tools": sorted((t.name, t.parameters_json_schema) for t in params.output_tools),
        "object": params.output_object.json_schema if params.output_object is not None else None,
        "text": params.allow_text_output,
    }
    return AgentFingerprint(name=getattr(spec.agent, "name", None), tools=tools, output=_digest(shape))


def take(driver: Driver) -> RunSnapshot:
    """The driver's committed state (between steps only: the caller checks)."""
    config, state = driver.config, driver.state
    metadata = config.metadata
    if metadata is not None:
        try:
            metadata = to_jsonable_python(metadata)
        except Exception as exc:
            raise UserError(
                f"The run's `metadata` cannot be written into a snapshot ({exc}): give the run JSON-serialisable "
                "metadata (a dict of strings, numbers, lists and dicts)."
            ) from None
    snapshot = RunSnapshot(
        run_id=config.run_id,
        conversation_id=config.conversation_id,
        user_prompt=_prompt(config.user_prompt),
        messages=list(state.messages),
        new_message_index=state.new_message_index,
        usage=state.usage._copy(),
        run_step=state.run_step,
        output_retries_used=state.output_retries_used,
        tool_retries=dict(state.tool_retries),
        resumed_calls=list(state.resumed_calls),
        next_node=_next(driver.next_node),
        pending=[
            PendingContent(enqueue_id=p.enqueue_id, priority=p.priority, messages=list(p.messages))
            for p in driver.mailbox.collect()
        ],
        announce=[
            Announcement(enqueue_id=e.enqueue_id, messages=list(e.messages), parts=list(e.parts))
            for e in state.announce
        ],
        metadata=metadata,
        agent=fingerprint(config.spec, config.output),
    )
    return copy(snapshot)  # (the run goes on changing its objects; the snapshot must not change with them)


def copy(snapshot: RunSnapshot) -> RunSnapshot:
    """A snapshot sharing no object with ``snapshot``, made through JSON: what a fresh process would read."""
    return RunSnapshot.model_validate_json(snapshot.model_dump_json())


def _prompt(prompt: Any) -> str | list[UserContent] | None:
    return prompt if prompt is None or isinstance(prompt, str) else list(prompt)


def _next(node: NodeResult) -> NextUserPrompt | NextModelRequest | NextCallTools:
    if isinstance(node, End):
        raise UserError(
            "This run has ended, so there is nothing to resume: keep its `result` (or continue the conversation "
            "with a new run and `message_history=result.all_messages()`)."
        )
    if isinstance(node, UserPromptNode):
        if node.deferred_tool_results is not None:
            raise UserError(
                "A run given `deferred_tool_results` cannot be snapshotted before its first step: take the "
                "snapshot after it (`await run.next(run.next_node)`)."
            )
        return NextUserPrompt()
    if isinstance(node, ModelRequestNode):
        return NextModelRequest(request=node.request, resuming_without_prompt=node.is_resuming_without_prompt)
    if isinstance(node, CallToolsNode):
        if node.tool_call_results is not None or node.user_prompt is not None:
            raise UserError(
                "This run is about to apply `deferred_tool_results`, which a snapshot does not hold: take the "
                "snapshot after this step."
            )
        return NextCallTools(model_response=node.model_response)
    raise UserError(f"Cannot snapshot a run whose next node is {node!r}.")


def check_compatible(snapshot: RunSnapshot, spec: AgentSpec, output: OutputPlan) -> None:
    """Refuse a snapshot taken by an agent with other tools or another output type."""
    if snapshot.version != SNAPSHOT_VERSION:
        raise UserError(
            f"This `RunSnapshot` is version {snapshot.version!r}; this release resumes version "
            f"{SNAPSHOT_VERSION} only. Resume it with the release that wrote it."
        )
    ours, theirs = fingerprint(spec, output), snapshot.agent
    differences: list[str] = []
    if ours.tools != theirs.tools:
        missing = sorted(theirs.tools.keys() - ours.tools.keys())
        extra = sorted(ours.tools.keys() - theirs.tools.keys())
        changed = sorted(n for n in ours.tools.keys() & theirs.tools.keys() if ours.tools[n] != theirs.tools[n])
        if missing:
            differences.append(f"tools it lacks: {missing}")
        if extra:
            differences.append(f"tools the snapshot's agent did not have: {extra}")
        if changed:
            differences.append(f"tools whose parameters changed: {changed}")
    if ours.output != theirs.output:
        differences.append("a different output type (or output mode)")
    if differences:
        name = f"`{theirs.name}`" if theirs.name else "the agent"
        raise UserError(
            f"Cannot resume run `{snapshot.run_id}`: this agent differs from {name} that took the snapshot ("
            + "; ".join(differences)
            + "). Resume it with an agent that has the same tools and output type."
        )


def restore(snapshot: RunSnapshot, config: RunConfig, state: RunState) -> NodeResult:
    """Put the snapshot's committed state into a fresh run's ``state`` and mailbox; return its next node. (The
    run takes the snapshot's objects: pass it a :func:`copy`.)"""
    state.messages[:] = snapshot.messages
    state.new_message_index = snapshot.new_message_index
    state.usage = snapshot.usage._copy()
    state.run_step = snapshot.run_step
    state.output_retries_used = snapshot.output_retries_used
    state.tool_retries = dict(snapshot.tool_retries)
    state.resumed_calls = tuple(snapshot.resumed_calls)
    state.announce = tuple(
        EnqueuedMessagesEvent(enqueue_id=a.enqueue_id, messages=tuple(a.messages), parts=tuple(a.parts))
        for a in snapshot.announce
    )
    restore_pending(snapshot, config)
    node = snapshot.next_node
    if isinstance(node, NextModelRequest):
        return ModelRequestNode(node.request, is_resuming_without_prompt=node.resuming_without_prompt)
    if isinstance(node, NextCallTools):
        return CallToolsNode(node.model_response)
    raise AssertionError("a user-prompt snapshot starts as a new run")  # (see `start_run`)


def restore_pending(snapshot: RunSnapshot, config: RunConfig) -> None:
    """Put the snapshot's undelivered enqueued content back in the run's mailbox, in order."""
    config.mailbox.pending.extend(PendingMessage(list(p.messages), p.priority, p.enqueue_id) for p in snapshot.pending)
