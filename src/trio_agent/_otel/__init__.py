"""OpenTelemetry instrumentation: spans and metrics of runs, model requests and tool calls.

``import trio_agent`` imports only :mod:`.settings` from here, which imports no OpenTelemetry; the OpenTelemetry
packages (``pip install 'trio-agent[otel]'``) are imported when instrumentation is first switched on.

* :mod:`.settings`: :class:`InstrumentationSettings`, the tracer and meter runs report to, and what they record.
* :mod:`.tracing`: the spans and metrics themselves (:class:`~.tracing.RunTracer`, one per run, and
  :class:`~.tracing.ModelSpan` for a model request, which ``InstrumentedModel`` uses on its own too).
* :mod:`.encoding`: messages, tool calls and results as the GenAI semantic conventions encode them (only with
  ``include_content=True``).
* :mod:`.render`: finished spans as a tree of text (``trio-agent --trace``).

The capability that connects them to a run is :class:`trio_agent.capabilities.Instrumentation`.

Theory of operation. OpenTelemetry keeps the current span in a contextvar, which trio copies into every child
task and into ``trio.to_thread``; so the span a task makes current is the parent of whatever the task and its
children start. A run's steps do not all run in one task (``agent.iter`` runs its ``wrap_run`` hook in a task of
its own, beside the driver's), so the run span is never *inherited*: each model-request and tool span names the
run span as its parent explicitly, and is made current only inside its own task for as long as it is open, so
user spans inside a tool, HTTP client spans inside a request, and the run span of an agent called from a tool,
nest under it. Every span is ended in a ``finally``; an exception that leaves one (``trio.Cancelled`` and
``RunCancelled`` included) is recorded on it with status ``ERROR``.
"""
