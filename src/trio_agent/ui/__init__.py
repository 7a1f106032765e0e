"""UI protocols: run an agent for a chat frontend and stream the run in the frontend's protocol.

The map:

* ``_adapter.py`` — :class:`UIAdapter`: a request's run input in (messages, frontend tools, state), the agent
  run, the protocol's events out; ``dispatch_request`` answers a Starlette request with a streaming response.
* ``_event_stream.py`` — :class:`UIEventStream`: our events in, the protocol's events out (``transform_stream``,
  a plain async generator you may use on a run you drive yourself), and their encoding (``encode_stream``).
* ``_http.py`` — the Starlette side (imported on first use): the streaming response that owns the run.
* ``_app.py`` — :class:`UIApp`: an ASGI app to mount at the endpoint's path.
* ``_state.py`` — :class:`StateHandler` and :class:`StateDeps`: frontend state in ``deps``.
* ``_messages_builder.py`` — :class:`MessagesBuilder`: a history built part by part, for ``load_messages``.
* ``vercel_ai/`` — the Vercel AI SDK's UI message stream protocol (AI SDK 5).
* ``ag_ui/`` — the AG-UI protocol (1.0, on the ``ag-ui-protocol`` package).

Importing this package imports neither Starlette nor a protocol's package.
"""

from ._adapter import UIAdapter as UIAdapter
from ._app import UIApp as UIApp
from ._event_stream import SSE_CONTENT_TYPE as SSE_CONTENT_TYPE
from ._event_stream import NativeEvent as NativeEvent
from ._event_stream import OnCompleteFunc as OnCompleteFunc
from ._event_stream import UIEventStream as UIEventStream
from ._messages_builder import MessagesBuilder as MessagesBuilder
from ._state import StateDeps as StateDeps
from ._state import StateHandler as StateHandler

__all__ = [
    "UIAdapter",
    "UIEventStream",
    "UIApp",
    "StateDeps",
    "StateHandler",
    "MessagesBuilder",
    "NativeEvent",
    "OnCompleteFunc",
    "SSE_CONTENT_TYPE",
]
