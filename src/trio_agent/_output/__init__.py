"""A run's output (the public API is :mod:`trio_agent.output`).

* :mod:`.specs`: how the output is asked for: ``ToolOutput``, ``NativeOutput``, ``PromptedOutput``,
  ``TextOutput``, and the ``OutputSpec`` type that ``output_type=`` accepts.
* :mod:`.schema`: :class:`OutputSchema`, built once per agent and output type: the output tools, the text
  processor, and the validators that turn the model's answer into the output value.
"""
