"""Providers: where a model's API lives and how to reach it (see :mod:`trio_agent.providers.openai` and
:mod:`trio_agent.providers.anthropic`)."""

from ._http import HTTPProvider as HTTPProvider
from ._http import RetryPolicy as RetryPolicy

__all__ = ["HTTPProvider", "RetryPolicy"]
