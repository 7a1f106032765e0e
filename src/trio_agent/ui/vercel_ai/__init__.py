"""The Vercel AI SDK's UI message stream protocol (AI SDK 5; 6 with ``sdk_version=6``), for ``useChat``.

``VercelAIAdapter.dispatch_request(request, agent=agent)`` answers ``useChat``'s ``POST``; ``VercelAIApp(agent)``
is an ASGI app to mount at its endpoint; ``VercelAIEventStream(run_input).transform_stream(events)`` turns the
events of a run you drive into chunks. The request and chunk models are in :mod:`.request_types` and
:mod:`.response_types`.

The map: ``_adapter.py`` (the adapter), ``_event_stream.py`` (our events to chunks), ``_messages.py`` (UI
messages to our history and back), ``_request_types.py`` and ``_response_types.py`` (the protocol's models),
``_app.py`` (the ASGI app).
"""

from ._adapter import VercelAIAdapter as VercelAIAdapter
from ._app import VercelAIApp as VercelAIApp
from ._event_stream import UI_MESSAGE_STREAM_HEADERS as UI_MESSAGE_STREAM_HEADERS
from ._event_stream import VercelAIEventStream as VercelAIEventStream

__all__ = ["VercelAIAdapter", "VercelAIEventStream", "VercelAIApp", "UI_MESSAGE_STREAM_HEADERS"]
