"""Inspecting the callables users hand us (tools, prompt functions, validators, model functions)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["is_async_callable", "takes_run_context"]


def is_async_callable(obj: Any) -> bool:
    """Whether calling ``obj`` returns a coroutine: async functions, partials of them, and objects with an
    async ``__call__``."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or (callable(obj) and inspect.iscoroutinefunction(obj.__call__))


def takes_run_context(func: Callable[..., Any]) -> bool:
    """Whether ``func``'s first parameter is positional (and so receives the :class:`RunContext`)."""
    params = list(inspect.signature(func).parameters.values())
    return bool(params) and params[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
