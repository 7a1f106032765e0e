"""Agents: configuration and the entry points that start runs (the public API is :mod:`trio_agent.agent`).

* :mod:`.abstract`: :class:`AbstractAgent`, the typed entry points (``run``, ``run_sync``, ``iter``,
  ``run_stream``, ``run_stream_events``), each turning its arguments into the engine's ``RunArgs``.
* :mod:`.agent`: :class:`Agent`, the configuration (model, tools, output, instructions, capabilities, the
  decorators and ``override``) and how it compiles into the engine's immutable ``AgentSpec``.

Nothing in the engine (:mod:`trio_agent._engine`) imports from here: agents hand it a spec and run arguments.
"""
