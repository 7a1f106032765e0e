"""The AG-UI protocol (1.0), on its official package ``ag-ui-protocol`` (``ag_ui.core``'s types).

``AGUIAdapter.dispatch_request(request, agent=agent)`` answers an AG-UI client's ``POST`` of a ``RunAgentInput``;
``AGUIApp(agent)`` is an ASGI app to mount at its endpoint; ``AGUIEventStream(run_input).transform_stream(events)``
turns the events of a run you drive into AG-UI events.

The map: ``_protocol.py`` (the ``ag_ui`` package, imported once), ``_adapter.py`` (the adapter and the frontend's
tools), ``_event_stream.py`` (our events to AG-UI events), ``_messages.py`` (AG-UI messages to our history and
back), ``_app.py`` (the ASGI app).
"""

from .._state import StateDeps as StateDeps
from .._state import StateHandler as StateHandler
from ._adapter import AGUIAdapter as AGUIAdapter
from ._app import AGUIApp as AGUIApp
from ._event_stream import AGUIEventStream as AGUIEventStream
from ._protocol import PROTOCOL_VERSION as PROTOCOL_VERSION

__all__ = ["AGUIAdapter", "AGUIEventStream", "AGUIApp", "StateDeps", "StateHandler", "PROTOCOL_VERSION"]
