"""When a failed request is tried again: :class:`RetryPolicy`, the retryable statuses, and the server's
``Retry-After``.

``Retry-After`` (RFC 9110, section 10.2.3) is either delay-seconds or an HTTP-date, which is always GMT, in any
of its three forms (IMF-fixdate ``Sun, 06 Nov 1994 08:49:37 GMT``, the obsolete RFC 850 and asctime forms). Any
other value (``soon``, a negative or non-finite number, a date without a time) is no usable ``Retry-After``:
the request is retried after the policy's own backoff, as if the header were absent, never failed for it.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.utils
import math
import random
import time

import httpx2

__all__ = ["RETRY_STATUSES", "RetryPolicy", "retry_after"]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504, 529})  # 529: Anthropic "overloaded"
"""The HTTP statuses worth another attempt."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How failed requests are retried: a failure to connect, a connection dropped before the response, or a
    status in :data:`RETRY_STATUSES` is tried again after an exponential backoff with jitter, or after the
    server's usable ``Retry-After`` (see :func:`retry_after`)."""

    max_attempts: int = 3
    """Attempts in all, the first included (1 disables retries)."""
    initial_delay: float = 0.5
    """Seconds before the first retry; doubled for each further one."""
    max_delay: float = 8.0
    jitter: float = 0.25
    """Each delay is multiplied by a random factor in ``[1 - jitter, 1 + jitter]``."""
    max_retry_after: float = 60.0
    """The longest ``Retry-After`` honoured; a longer one fails the request instead of waiting."""

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` if the request should not be retried.

        ``retry_after`` is the server's usable ``Retry-After`` in seconds (see :func:`retry_after`), if any.
        """
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        base = min(self.initial_delay * float(2 ** (attempt - 1)), self.max_delay)
        return base * random.uniform(1 - self.jitter, 1 + self.jitter)


def retry_after(headers: httpx2.Headers) -> float | None:
    """The seconds a response's ``Retry-After`` asks to wait (``0.0`` for a date already past), or ``None`` if
    it has none that is usable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(http_date: str) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (ValueError, TypeError, IndexError, OverflowError):  # what the stdlib parser raises for junk
        return None
    if when.tzinfo is None:  # the asctime form, or ``-0000``: an HTTP-date is GMT, never local time
        when = when.replace(tzinfo=datetime.UTC)
    return max(when.timestamp() - time.time(), 0.0)
