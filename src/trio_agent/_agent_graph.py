"""The reference API's private ``pydantic_ai._agent_graph`` names, for code (and tests) that import them.

trio_agent's run loop is not a graph: a run's state is :class:`trio_agent._engine.state.RunState`. Only the names
such code imports are kept here; their constructors and fields are ours, not the reference's.
"""

from ._engine.state import RunState as GraphAgentState

__all__ = ["GraphAgentState"]
