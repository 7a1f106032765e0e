"""The steps of a run: one function per node type (the driver's transition table names them), and what
they share (tool-call execution, retry accounting). Each step takes the run's config, the (forked) state it
may change, and the node; it returns the next node. See :mod:`trio_agent._engine` for the map.
"""
