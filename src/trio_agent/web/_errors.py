"""What a page is told of a run's failure: enough to know what happened, never a provider's details.

A provider's HTTP error body may quote the request (and so the API key), and its URL may carry credentials: the
page gets the status only, and the server's log (logger ``trio_agent.web``) the whole error.
"""

from __future__ import annotations

import re

import trio

from .._exceptions import AgentRunError, ModelAPIError, ModelHTTPError, RunCancelled

__all__ = ["describe_error"]

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def describe_error(error: BaseException) -> str:
    """``error`` as a page may show it: our own run errors' messages (URLs left out), only the status of a
    provider's HTTP error, and only the type of anything else."""
    if isinstance(error, RunCancelled):
        return str(error)
    if isinstance(error, trio.Cancelled):
        return "The run was cancelled."
    if isinstance(error, ModelHTTPError):
        return f"The model provider answered with HTTP status {error.status_code}; the server's log says more."
    if isinstance(error, ModelAPIError):
        return "The model provider could not be reached; the server's log says more."
    if isinstance(error, AgentRunError):
        return _URL.sub("<url>", str(error))
    return f"The run failed with an internal error ({type(error).__name__}); the server's log says more."
