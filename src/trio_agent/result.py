"""What streamed runs produce (the reference API's ``pydantic_ai.result``)."""

from ._engine.nodes import FinalResult as FinalResult
from ._engine.sinks import EventStream as EventStream
from ._engine.streamed_run import StreamedRunResult as StreamedRunResult
from ._engine.streamed_run_sync import StreamedRunResultSync as StreamedRunResultSync

__all__ = ["EventStream", "FinalResult", "StreamedRunResult", "StreamedRunResultSync"]
