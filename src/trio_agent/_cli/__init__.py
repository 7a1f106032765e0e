"""The ``trio-agent`` command line (``trio-agent``, ``python -m trio_agent``).

* :mod:`.main`: argument parsing and the three commands (one-shot prompt, ``chat``, ``demo``).
* :mod:`.chat`: the chat loop and one turn of it, Ctrl-C as trio cancellation; also ``Agent.to_cli()``.
* :mod:`.display`: how a run is shown: a live rich display, or JSON lines for machines (rich is imported only
  here, and only when the command line runs).
* :mod:`.demo`: the demo's travel assistant and the scripted model that plays it offline.
* :mod:`.trace`: ``--trace``: each run's OpenTelemetry spans, printed as a tree to stderr (OpenTelemetry is
  imported only when the flag is given).
"""

from .main import main as main

__all__ = ["main"]
