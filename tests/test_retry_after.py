"""``Retry-After``: delay-seconds and every HTTP-date form are honoured (in any local time zone); any other value
is "no usable ``Retry-After``", so the retry policy's own backoff applies, never an error."""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Iterator

import pytest
import trio

from trio_agent import Agent, ModelHTTPError
from trio_agent.providers import RetryPolicy
from trio_agent.testing import ErrorReply, FakeLLMServer

BACKOFF = 0.2
"""The policy's first delay (no jitter): the gap between the attempts when the header is not usable."""


def agent_for(server: FakeLLMServer, kind: str = "openai") -> Agent[None, str]:
    policy = RetryPolicy(initial_delay=BACKOFF, jitter=0.0, max_retry_after=10)
    model = (
        server.openai_model(retry_policy=policy) if kind == "openai" else server.anthropic_model(retry_policy=policy)
    )
    return Agent(model)


def gap(server: FakeLLMServer) -> float:
    first, second = server.requests[:2]
    return second.received_at - first.received_at


@pytest.fixture
def far_from_utc() -> Iterator[None]:
    """Run the test with the local time zone five hours from UTC (a date without a zone is GMT in HTTP, not
    local time: reading it as local time would be five hours off)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "EST+05"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize("value", ["soon", "", "nan", "inf", "-inf", "1e400", "-5", "Sun, 06 Nov 1994", "12 seconds"])
async def test_an_unusable_retry_after_falls_back_to_the_policy_backoff(
    fake_llm_server: FakeLLMServer, kind: str, value: str
) -> None:
    fake_llm_server.script(ErrorReply(429, "later", {"retry-after": value}))
    with trio.fail_after(5):
        assert (await agent_for(fake_llm_server, kind).run("hi")).output == "done"
    assert BACKOFF <= gap(fake_llm_server) < BACKOFF + 0.5


def http_dates(at: float) -> dict[str, str]:
    """``at`` in the three HTTP-date forms a recipient must accept (RFC 9110, section 5.6.7), plus the email
    form with an unknown zone (``-0000``), which servers send too."""
    gmt = time.gmtime(at)
    return {
        "imf-fixdate": email.utils.formatdate(at, usegmt=True),
        "rfc850": time.strftime("%A, %d-%b-%y %H:%M:%S GMT", gmt),
        "asctime": time.asctime(gmt),
        "email-unknown-zone": email.utils.formatdate(at),
    }


@pytest.mark.usefixtures("far_from_utc")
@pytest.mark.parametrize("form", list(http_dates(0)))
async def test_an_http_date_is_honoured_in_any_time_zone(fake_llm_server: FakeLLMServer, form: str) -> None:
    fake_llm_server.script(ErrorReply(503, "busy", {"retry-after": http_dates(time.time() + 1.5)[form]}))
    with trio.fail_after(5):
        assert (await agent_for(fake_llm_server).run("hi")).output == "done"
    assert 0.4 <= gap(fake_llm_server) < 1.6  # the date is to the second: 0.5 to 1.5 s from when it was made


async def test_an_http_date_in_the_past_is_retried_at_once(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(503, "busy", {"retry-after": http_dates(time.time() - 3600)["imf-fixdate"]}))
    assert (await agent_for(fake_llm_server).run("hi")).output == "done"
    assert gap(fake_llm_server) < BACKOFF


async def test_an_http_date_beyond_max_retry_after_fails_at_once(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(503, "busy", {"retry-after": http_dates(time.time() + 3600)["imf-fixdate"]}))
    with pytest.raises(ModelHTTPError, match="status_code: 503"):
        await agent_for(fake_llm_server).run("hi")
    assert len(fake_llm_server.requests) == 1
