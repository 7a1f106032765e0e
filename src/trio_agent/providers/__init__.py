"""Providers: where a model's API lives and how to reach it (see :mod:`trio_agent.providers.openai` and
:mod:`trio_agent.providers.anthropic`).

``_http`` is the HTTP layer every provider shares: typed errors, streaming, and keys kept out of errors, reprs
and logs; ``_retry`` says when a request is tried again (``RetryPolicy``, ``Retry-After``); ``_shared_clients``
holds the ``httpx2.AsyncClient`` that providers without one of their own share, per ``trio.run``.
"""

from ._http import HTTPProvider as HTTPProvider
from ._retry import RetryPolicy as RetryPolicy

__all__ = ["HTTPProvider", "RetryPolicy"]
