"""``RunView``: what every way of holding a live run shows of it (its ids, messages, usage, and result).

:class:`~.agent_run.AgentRun` and :class:`~.streamed_run.StreamedRunResult` both read the run's driver; the
accessors they share are written once, here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from .._messages.messages import ModelMessage, ModelMessagesTypeAdapter

if TYPE_CHECKING:
    from .._usage import RunUsage
    from .driver import Driver
    from .result import AgentRunResult

__all__ = ["RunView"]

OutputT = TypeVar("OutputT", default=str)


class RunView(Generic[OutputT]):
    """The live view of one run, through its driver."""

    _driver: Driver
    _result: AgentRunResult[OutputT] | None

    @property
    def result(self) -> AgentRunResult[OutputT] | None:
        """The run's result once it has ended, else ``None``."""
        return self._result

    @property
    def metadata(self) -> dict[str, Any] | None:
        """The metadata the run was given."""
        return self._driver.config.metadata

    @property
    def run_id(self) -> str:
        return self._driver.config.run_id

    @property
    def conversation_id(self) -> str:
        return self._driver.config.conversation_id

    def usage(self) -> RunUsage:
        """Usage of the run so far."""
        return self._driver.state.usage

    def all_messages(self) -> list[ModelMessage]:
        """The conversation so far, history passed in included; a valid history to resume from."""
        return self._driver.history()

    def all_messages_json(self, *, output_tool_return_content: str | None = None) -> bytes:
        """:meth:`all_messages` as JSON bytes (``output_tool_return_content``: as for
        :meth:`AgentRunResult.all_messages`, once the run has ended)."""
        if output_tool_return_content is None:
            return ModelMessagesTypeAdapter.dump_json(self.all_messages())
        if self._result is None:
            raise ValueError("`output_tool_return_content` needs a run that has ended with an output tool call.")
        return self._result.all_messages_json(output_tool_return_content=output_tool_return_content)

    def new_messages(self) -> list[ModelMessage]:
        """The messages this run produced so far."""
        return self._driver.history()[self._driver.state.new_message_index :]

    def new_messages_json(self) -> bytes:
        """:meth:`new_messages` as JSON bytes."""
        return ModelMessagesTypeAdapter.dump_json(self.new_messages())
