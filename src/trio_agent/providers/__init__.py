"""Providers: where a model's API lives and how to reach it (see :mod:`trio_agent.providers.openai` and
:mod:`trio_agent.providers.anthropic`).

``_http`` is the HTTP layer every provider shares: one ``httpx.AsyncClient`` per provider, retries with
backoff, typed errors, and keys kept out of errors, reprs and logs.
"""

from ._http import HTTPProvider as HTTPProvider
from ._http import RetryPolicy as RetryPolicy

__all__ = ["HTTPProvider", "RetryPolicy"]
