"""Identifiers for runs, conversations, enqueued messages and tool calls.

Run and conversation ids are UUIDv7 strings (time-ordered, like the reference API's), generated without the
``uuid`` module's per-call overhead. They identify, they do not protect: the random bits come from
:mod:`random` (reseeded after ``fork``), not from the OS's cryptographic source.
"""

from __future__ import annotations

import time
from random import getrandbits

__all__ = ["new_tool_call_id", "new_uuid7"]


def new_uuid7() -> str:
    """Return a random, time-ordered RFC 9562 version-7 UUID in canonical text form."""
    ms = time.time_ns() // 1_000_000
    rand = getrandbits(74)
    # 48 bits of milliseconds | version 7 | 12 random bits | variant 0b10 | 62 random bits
    value = (ms & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_tool_call_id() -> str:
    """Return a fresh tool-call id in the reference API's ``pyd_ai_<32 hex>`` format."""
    return f"pyd_ai_{getrandbits(128):032x}"
