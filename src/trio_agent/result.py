"""What streamed runs produce (the reference API's ``pydantic_ai.result``)."""

from ._engine.node_stream import NodeEventStream as AgentStream
from ._engine.nodes import FinalResult as FinalResult
from ._engine.sinks import EventStream as EventStream
from ._engine.streamed_run import StreamedRunResult as StreamedRunResult
from ._engine.streamed_run_sync import StreamedRunResultSync as StreamedRunResultSync
from ._usage import RunUsage as RunUsage

__all__ = ["AgentStream", "EventStream", "FinalResult", "RunUsage", "StreamedRunResult", "StreamedRunResultSync"]
