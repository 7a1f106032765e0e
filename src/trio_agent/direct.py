"""Requests to a model with no agent around them (the reference API's ``pydantic_ai.direct``).

See :mod:`trio_agent._direct` for how they work and handle resources.
"""

from ._direct import StreamedResponseSync as StreamedResponseSync
from ._direct import model_request as model_request
from ._direct import model_request_stream as model_request_stream
from ._direct import model_request_stream_sync as model_request_stream_sync
from ._direct import model_request_sync as model_request_sync

__all__ = [
    "StreamedResponseSync",
    "model_request",
    "model_request_stream",
    "model_request_stream_sync",
    "model_request_sync",
]
