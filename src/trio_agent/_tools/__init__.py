"""Tools as the agent holds them (the public API is :mod:`trio_agent.tools`).

* :mod:`.tool`: :class:`Tool`, a function with its schema, retry budget and execution options.
* :mod:`.function_schema`: from a Python function to a JSON schema, an argument validator and a call.
* :mod:`.docstrings`: descriptions read from Google, NumPy and Sphinx docstrings.
* :mod:`.definitions`: :class:`ToolDefinition` and :class:`OutputObjectDefinition`, what the model is told.
* :mod:`.deferred`: calls the run leaves to the caller (approval, external execution) and their answers.

Executing calls is the engine's job (:mod:`trio_agent._engine.steps.tool_calls`).
"""
