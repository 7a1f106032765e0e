"""The engine: everything that drives one agent run, from its arguments to its result.

Map
---

The entrance (what a run is started with)::

    spec.py          AgentSpec: an agent compiled once into the immutable form the engine reads; OutputPlan
    setup.py         start_run(spec, RunArgs) -> Driver: checks the arguments, builds config, state, first node
    config.py        RunConfig: one run's fixed inputs (the spec plus model, deps, ids, limits, mailbox, emit)
    state.py         RunState: what a run has committed, and the fork a step works on
    run_tools.py     RunToolsets: the toolsets a run reaches, opened for the run, and the tools of each step

The state machine (what a run does)::

    nodes.py         the nodes (UserPromptNode, ModelRequestNode, CallToolsNode, End) and FinalResult
    driver.py        Driver: the transition table (node type -> step), execute on a fork, commit; lock-step serving
    steps/           one module per step, plus what steps share:
      user_prompt.py     adopt the history, build the first request (or resume deferred calls)
      model_request.py   deliver queued content, check limits, run the model-request hooks (history
                         processors: their result replaces the history), call the model, record usage
      call_tools.py      run tools or validate the output; end_strategy
      tool_calls.py      executing function-tool calls: validation, concurrency, deferral (the toolset calls)
      retries.py         the retry budgets (tools, output), each checked in one place
    delivery.py      enqueued content into the conversation: before a request ('asap'), or by redirecting an End
    run_hooks.py     capability run hooks (before/wrap/after/on_error) around run-to-end and lock-step runs
    snapshot.py      RunSnapshot: the committed state as JSON, taken after a commit and restored by start_run
                     (imported only by runs that snapshot or resume); durable engines record the model
                     requests, tool calls and MCP listings through one capability (_capabilities/durability.py)

Steering and events (what flows in and out while a run goes)::

    enqueue.py       what `enqueue` accepts and how it is assembled into messages (PendingMessage)
    mailbox.py       the bounded mailbox `enqueue` writes to from any task or thread
    pipeline.py      EventRouter: a run's events to the node's hook pipeline or to the run's sink
    sinks.py         where events end up: a caller's channel (ChannelSink) or an EventStream (BatchingSink)
    capture.py       capture_run_messages

The three ways of holding a run (what the caller gets)::

    agent_run.py     AgentRun, from `async with agent.iter(...)`: node by node, lock-step over two channels
    streamed_run.py  StreamedRunResult, from `agent.run_stream(...)`: the final answer as it streams
    streamed_run_sync.py  StreamedRunResultSync, from `agent.run_stream_sync(...)`: the same, for sync code
    event_stream.py  `agent.run_stream_events(...)`: every event, then the result
    node_stream.py   `node.stream(run.ctx)`: one node of an `agent.iter` run, with its events
    result.py        AgentRunResult and AgentRunResultEvent

Dependencies point one way: agents (``trio_agent._agent``) compile specs and call :func:`setup.start_run`;
nothing here imports an agent. The engine reads messages, toolsets, output schemas and capabilities, calls
models through the :class:`~trio_agent.models.Model` interface and tools through
:class:`~trio_agent.toolsets.AbstractToolset`.

Theory of operation
-------------------

A run is a state machine over nodes (the table is in :mod:`.driver`). The driver executes one node at a time
as a *step*: the step works on a fork of the run's state and returns the next node; *committing* makes the
fork the run's state, synchronously. So a step that is cancelled or raises changes nothing, a completed step
is never lost, and the end-of-run decision (deliver content enqueued meanwhile, or end) is taken atomically
with closing the mailbox.

``agent.run`` executes and commits steps in the caller's task. ``agent.iter`` runs a driver task in a nursery
the ``async with`` block owns; the consumer sends each node over a buffer-0 channel and receives the outcome
over another (lock-step: the run advances only when asked), and commits it. ``run_stream`` and
``run_stream_events`` run the agent to the end in a task of their block's nursery while the caller reads its
events, with backpressure. In every case nothing the run starts outlives the block or call that started it,
except the worker thread of a sync tool: Python cannot stop a thread, so the run stops waiting for it and
discards its result, and the thread ends when its function returns.
"""
