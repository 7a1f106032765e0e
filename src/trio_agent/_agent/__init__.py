"""Agents: configuration and the entry points that start runs (the public API is :mod:`trio_agent.agent`).

* :mod:`.base`: what every entry point shares (the spec it runs, the name it infers, the ``RunArgs`` it
  builds) and the argument types (``AgentRetries``, ``AgentModelSettings``, ...).
* :mod:`.run_methods`, :mod:`.iter_methods`, :mod:`.stream_methods`: the typed entry points (``run``,
  ``run_sync``; ``iter``, ``run_stream_events``; ``run_stream``, ``run_stream_sync``), as mixins.
* :mod:`.abstract`: :class:`AbstractAgent`, the mixins combined, with ``output_json_schema``, the node
  predicates and the terminal chat (``to_cli``).
* :mod:`.agent`: :class:`Agent`, the configuration (model, tools, output, instructions, capabilities,
  ``override``) and how it compiles into the engine's immutable ``AgentSpec``; :mod:`.decorators` its
  registering decorators (``@agent.tool``, ``@agent.instructions``, ...).
* :mod:`.wrapper`: :class:`WrapperAgent`, an agent that forwards to another.

Nothing in the engine (:mod:`trio_agent._engine`) imports from here: agents hand it a spec and run arguments.
"""
