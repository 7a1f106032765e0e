"""Usage accounting (RequestUsage, RunUsage) and the limits a run enforces (UsageLimits)."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest

from trio_agent.exceptions import UsageLimitExceeded
from trio_agent.usage import RequestUsage, RunUsage, UsageLimits

TOKEN_FIELDS = [
    "input_tokens",
    "cache_write_tokens",
    "cache_read_tokens",
    "output_tokens",
    "input_audio_tokens",
    "cache_audio_read_tokens",
    "output_audio_tokens",
]


# -- fields and defaults -------------------------------------------------------------------------------


def test_request_usage_fields_in_reference_order() -> None:
    assert [f.name for f in dataclasses.fields(RequestUsage)] == [*TOKEN_FIELDS, "details", "cost"]


def test_run_usage_adds_requests_and_tool_calls() -> None:
    names = [f.name for f in dataclasses.fields(RunUsage)]
    assert set(names) == {*TOKEN_FIELDS, "details", "cost", "requests", "tool_calls"}
    assert len(names) == len(TOKEN_FIELDS) + 4


@pytest.mark.parametrize("cls", [RequestUsage, RunUsage])
def test_defaults(cls: type[Any]) -> None:
    usage = cls()
    assert all(getattr(usage, name) == 0 for name in TOKEN_FIELDS)
    assert usage.details == {}
    assert usage.details is not cls().details  # a fresh dict per instance
    assert usage.cost is None
    assert usage.total_tokens == 0
    assert not usage.has_values()


def test_run_usage_counts_default_to_zero_and_request_usage_is_one_request() -> None:
    assert (RunUsage().requests, RunUsage().tool_calls) == (0, 0)
    assert RequestUsage().requests == 1
    assert RequestUsage(input_tokens=5).requests == 1


@pytest.mark.parametrize("cls", [RequestUsage, RunUsage])
def test_constructor_is_keyword_only(cls: type[Any]) -> None:
    with pytest.raises(TypeError, match=r"__init__\(\) takes 1 positional argument but 2 were given"):
        cls(5)


@pytest.mark.parametrize(
    ("usage", "total"),
    [
        (RequestUsage(input_tokens=53, output_tokens=6), 59),
        (RequestUsage(input_tokens=10, cache_read_tokens=4, input_audio_tokens=2, output_audio_tokens=3), 10),
        (RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1), 125),
    ],
)
def test_total_tokens_is_input_plus_output(usage: RequestUsage | RunUsage, total: int) -> None:
    assert usage.total_tokens == total


@pytest.mark.parametrize("name", TOKEN_FIELDS)
@pytest.mark.parametrize("cls", [RequestUsage, RunUsage])
def test_has_values_when_any_token_count_is_set(cls: type[Any], name: str) -> None:
    assert cls(**{name: 1}).has_values()


def test_has_values_counts_details() -> None:
    assert RequestUsage(details={"reasoning_tokens": 3}).has_values()


# -- adding usage --------------------------------------------------------------------------------------


def test_request_usage_incr_adds_every_counter_in_place() -> None:
    usage = RequestUsage(**dict.fromkeys(TOKEN_FIELDS, 1), details={"a": 1, "b": 2}, cost=Decimal("0.25"))
    other = RequestUsage(**{name: i for i, name in enumerate(TOKEN_FIELDS, 10)}, details={"b": 3, "c": 4})
    usage.incr(other)
    assert [getattr(usage, name) for name in TOKEN_FIELDS] == [11, 12, 13, 14, 15, 16, 17]
    assert usage.details == {"a": 1, "b": 5, "c": 4}
    assert usage.cost == Decimal("0.25")  # other.cost is None: unchanged
    assert other.details == {"b": 3, "c": 4}


@pytest.mark.parametrize(
    ("first", "second", "total"),
    [
        (None, None, None),
        (None, Decimal("0.5"), Decimal("0.5")),
        (Decimal("0.5"), None, Decimal("0.5")),
        (Decimal("0.1"), Decimal("0.2"), Decimal("0.3")),
    ],
)
def test_cost_is_added_as_decimal(first: Decimal | None, second: Decimal | None, total: Decimal | None) -> None:
    combined = RequestUsage(cost=first) + RequestUsage(cost=second)
    assert combined.cost == total
    assert combined.cost is None or type(combined.cost) is Decimal
    run = RunUsage(cost=first)
    run.incr(RequestUsage(cost=second))
    assert run.cost == total


def test_request_usage_add_returns_a_new_object() -> None:
    a = RequestUsage(input_tokens=1, output_tokens=2, details={"x": 1})
    b = RequestUsage(input_tokens=10, output_tokens=20, details={"x": 2, "y": 3})
    total = a + b
    assert total == RequestUsage(input_tokens=11, output_tokens=22, details={"x": 3, "y": 3})
    assert type(total) is RequestUsage
    assert a == RequestUsage(input_tokens=1, output_tokens=2, details={"x": 1})  # details were copied, not shared
    assert b == RequestUsage(input_tokens=10, output_tokens=20, details={"x": 2, "y": 3})


def test_run_usage_incr_with_request_usage_leaves_the_counts_alone() -> None:
    run = RunUsage(input_tokens=5, requests=1, tool_calls=2)
    run.incr(RequestUsage(input_tokens=3, output_tokens=4, details={"r": 1}))
    assert run == RunUsage(input_tokens=8, output_tokens=4, details={"r": 1}, requests=1, tool_calls=2)


def test_run_usage_plus_run_usage_adds_the_counts() -> None:
    a = RunUsage(input_tokens=53, output_tokens=5, requests=1, tool_calls=1)
    b = RunUsage(input_tokens=56, output_tokens=11, requests=1)
    total = a + b
    assert total == RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1)
    assert type(total) is RunUsage
    assert a == RunUsage(input_tokens=53, output_tokens=5, requests=1, tool_calls=1)
    a.incr(b)
    assert a == total


def test_run_usage_plus_request_usage() -> None:
    total = RunUsage(requests=1) + RequestUsage(input_tokens=7, output_tokens=1)
    assert total == RunUsage(input_tokens=7, output_tokens=1, requests=1)


def test_summing_the_responses_of_a_function_tool_run() -> None:
    run = RunUsage()
    for response_usage in (
        RequestUsage(input_tokens=53, output_tokens=5),
        RequestUsage(input_tokens=56, output_tokens=11),
    ):
        run.requests += 1
        run.incr(response_usage)
    run.tool_calls += 1
    assert run == RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1)
    assert repr(run) == "RunUsage(input_tokens=109, output_tokens=16, requests=2, tool_calls=1)"


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        (RequestUsage(), "RequestUsage()"),
        (
            RequestUsage(input_tokens=5, cache_read_tokens=0, output_tokens=3),
            "RequestUsage(input_tokens=5, output_tokens=3)",
        ),
        (RequestUsage(cost=Decimal("0.5")), "RequestUsage(cost=Decimal('0.5'))"),
        (RunUsage(), "RunUsage()"),
        (RunUsage(requests=1), "RunUsage(requests=1)"),
    ],
)
def test_repr_shows_only_truthy_fields(usage: RequestUsage | RunUsage, expected: str) -> None:
    assert repr(usage) == expected


# -- limits --------------------------------------------------------------------------------------------


def test_usage_limits_defaults() -> None:
    limits = UsageLimits()
    assert dataclasses.asdict(limits) == {
        "cost_limit": None,
        "request_limit": 50,
        "tool_calls_limit": None,
        "input_tokens_limit": None,
        "output_tokens_limit": None,
        "total_tokens_limit": None,
        "per_request_input_tokens_limit": None,
        "count_tokens_before_request": False,
    }
    assert [f.name for f in dataclasses.fields(UsageLimits)] == list(dataclasses.asdict(limits))
    assert not limits.has_token_limits()
    with pytest.raises(TypeError, match=r"__init__\(\) takes 1 positional argument but 2 were given"):
        UsageLimits(3)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("limits", "expected"),
    [
        (UsageLimits(), "UsageLimits()"),
        (UsageLimits(request_limit=3, output_tokens_limit=10), "UsageLimits(request_limit=3, output_tokens_limit=10)"),
        (UsageLimits(request_limit=None), "UsageLimits(request_limit=None)"),
    ],
)
def test_usage_limits_repr_omits_defaults(limits: UsageLimits, expected: str) -> None:
    assert repr(limits) == expected


@pytest.mark.parametrize(
    "name", ["input_tokens_limit", "output_tokens_limit", "total_tokens_limit", "per_request_input_tokens_limit"]
)
def test_has_token_limits(name: str) -> None:
    assert UsageLimits(**{name: 100}).has_token_limits()


def test_request_and_tool_call_limits_are_not_token_limits() -> None:
    assert not UsageLimits(request_limit=1, tool_calls_limit=1, cost_limit=1).has_token_limits()


def raises_starting_with(prefix: str) -> Any:
    return pytest.raises(UsageLimitExceeded, match="^" + re.escape(prefix))


# Each case: the limits, the check and its argument just within the limit, and just beyond it with the message.
CHECKS = [
    pytest.param(
        UsageLimits(),
        "check_before_request",
        RunUsage(requests=49),
        RunUsage(requests=50),
        "The next request would exceed the request_limit of 50",
        id="request_limit-default",
    ),
    pytest.param(
        UsageLimits(request_limit=1),
        "check_before_request",
        RunUsage(requests=0),
        RunUsage(requests=1),
        "The next request would exceed the request_limit of 1",
        id="request_limit",
    ),
    pytest.param(
        UsageLimits(input_tokens_limit=10),
        "check_before_request",
        RunUsage(input_tokens=10),
        RunUsage(input_tokens=11),
        "The next request would exceed the input_tokens_limit of 10 (input_tokens=11)",
        id="before_request-input_tokens",
    ),
    pytest.param(
        UsageLimits(total_tokens_limit=10),
        "check_before_request",
        RunUsage(input_tokens=4, output_tokens=6),
        RunUsage(input_tokens=4, output_tokens=7),
        "The next request would exceed the total_tokens_limit of 10 (total_tokens=11)",
        id="before_request-total_tokens",
    ),
    pytest.param(
        UsageLimits(cost_limit=Decimal("1.5")),
        "check_before_request",
        RunUsage(cost=Decimal("1.5")),
        RunUsage(cost=Decimal("1.75")),
        "The next request would exceed the `cost_limit` of 1.5 (`cost`=Decimal('1.75'))",
        id="before_request-cost",
    ),
    pytest.param(
        UsageLimits(input_tokens_limit=10),
        "check_tokens",
        RunUsage(input_tokens=10, output_tokens=99),
        RunUsage(input_tokens=11),
        "Exceeded the input_tokens_limit of 10 (input_tokens=11)",
        id="tokens-input",
    ),
    pytest.param(
        UsageLimits(output_tokens_limit=10),
        "check_tokens",
        RunUsage(input_tokens=99, output_tokens=10),
        RunUsage(output_tokens=11),
        "Exceeded the output_tokens_limit of 10 (output_tokens=11)",
        id="tokens-output",
    ),
    pytest.param(
        UsageLimits(total_tokens_limit=10),
        "check_tokens",
        RunUsage(input_tokens=5, output_tokens=5),
        RunUsage(input_tokens=5, output_tokens=6),
        "Exceeded the total_tokens_limit of 10 (total_tokens=11)",
        id="tokens-total",
    ),
    pytest.param(
        UsageLimits(per_request_input_tokens_limit=10),
        "check_per_request_input_tokens",
        10,
        11,
        "Exceeded the per_request_input_tokens_limit of 10 (request_input_tokens=11)",
        id="per_request_input_tokens",
    ),
    pytest.param(
        UsageLimits(tool_calls_limit=1),
        "check_before_tool_call",
        RunUsage(tool_calls=1),
        RunUsage(tool_calls=2),
        "The next tool call(s) would exceed the tool_calls_limit of 1 (tool_calls=2)",
        id="tool_calls",
    ),
    pytest.param(
        UsageLimits(cost_limit=Decimal("1.5")),
        "check_cost",
        RunUsage(cost=Decimal("1.5")),
        RunUsage(cost=Decimal("2")),
        "Exceeded the `cost_limit` of 1.5 (`usage.cost`=Decimal('2'))",
        id="cost",
    ),
]


@pytest.mark.parametrize(("limits", "check", "within", "beyond", "message"), CHECKS)
def test_limit_checks(limits: UsageLimits, check: str, within: Any, beyond: Any, message: str) -> None:
    getattr(limits, check)(within)  # at the boundary: allowed
    with raises_starting_with(message) as exc_info:
        getattr(limits, check)(beyond)
    assert isinstance(exc_info.value, UsageLimitExceeded)


def test_tool_call_limit_message_has_a_single_full_stop() -> None:
    with pytest.raises(UsageLimitExceeded) as exc_info:
        UsageLimits(tool_calls_limit=1).check_before_tool_call(RunUsage(tool_calls=2))
    assert "(tool_calls=2). " in str(exc_info.value)
    assert "(tool_calls=2).." not in str(exc_info.value)


def test_check_tokens_reports_input_before_output_before_total() -> None:
    limits = UsageLimits(input_tokens_limit=1, output_tokens_limit=1, total_tokens_limit=1)
    with raises_starting_with("Exceeded the input_tokens_limit of 1 (input_tokens=5)"):
        limits.check_tokens(RunUsage(input_tokens=5, output_tokens=5))
    with raises_starting_with("Exceeded the output_tokens_limit of 1 (output_tokens=5)"):
        limits.check_tokens(RunUsage(input_tokens=1, output_tokens=5))


def test_check_before_request_looks_at_the_request_limit_first() -> None:
    limits = UsageLimits(request_limit=2, input_tokens_limit=1)
    with raises_starting_with("The next request would exceed the request_limit of 2"):
        limits.check_before_request(RunUsage(requests=2, input_tokens=5))


@pytest.mark.parametrize(
    ("check", "usage", "limit"),
    [
        ("check_before_request", RunUsage(requests=10**6), {"request_limit": 10}),
        ("check_before_request", RunUsage(input_tokens=10**9), {"input_tokens_limit": 10}),
        ("check_before_request", RunUsage(cost=Decimal(10**6)), {"cost_limit": 10}),
        ("check_tokens", RunUsage(output_tokens=10**9), {"output_tokens_limit": 10}),
        ("check_tokens", RunUsage(input_tokens=10**9, output_tokens=10**9), {"total_tokens_limit": 10}),
        ("check_before_tool_call", RunUsage(tool_calls=10**6), {"tool_calls_limit": 10}),
        ("check_cost", RunUsage(cost=Decimal(10**6)), {"cost_limit": 10}),
        ("check_per_request_input_tokens", 10**9, {"per_request_input_tokens_limit": 10}),
    ],
)
def test_none_means_unbounded(check: str, usage: Any, limit: dict[str, int]) -> None:
    getattr(UsageLimits(request_limit=None), check)(usage)
    [name] = limit
    with pytest.raises(UsageLimitExceeded, match=rf"[eE]xceed(ed)? the `?{name}`? of 10\b"):  # that limit, no other
        getattr(UsageLimits(**{"request_limit": None, **limit}), check)(usage)


def test_cost_limit_ignores_an_unknown_cost() -> None:
    limits = UsageLimits(cost_limit=1)
    limits.check_cost(RunUsage(input_tokens=10**6))
    limits.check_before_request(RunUsage(input_tokens=10**6))
    with raises_starting_with("Exceeded the `cost_limit` of 1"):
        limits.check_cost(RunUsage(cost=Decimal("1.01")))


@pytest.mark.parametrize("cls", [RequestUsage, RunUsage])
def test_copies_carry_every_field_and_own_their_details(cls: type[Any]) -> None:
    values: dict[str, Any] = {}
    for index, field in enumerate(dataclasses.fields(cls), start=1):
        values[field.name] = {"reasoning_tokens": index} if field.name == "details" else index
    values["cost"] = Decimal("1.5")
    usage = cls(**values)
    clone = usage._copy()
    assert type(clone) is cls
    assert {f.name: getattr(clone, f.name) for f in dataclasses.fields(cls)} == values
    clone.details["reasoning_tokens"] += 1
    assert usage.details == values["details"]  # the copy's details are its own


# -- a response that crosses a limit --------------------------------------------------------------------


async def test_a_response_that_crosses_a_token_limit_is_kept_then_the_run_fails() -> None:
    """It was paid for: the history the failure leaves (``capture_run_messages``) ends with it."""
    from trio_agent import Agent, capture_run_messages
    from trio_agent.messages import ModelMessage, ModelResponse, TextPart
    from trio_agent.models.function import AgentInfo, FunctionModel

    def costly(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        return ModelResponse(parts=[TextPart("long answer")], usage=RequestUsage(input_tokens=5, output_tokens=80))

    with capture_run_messages() as messages, pytest.raises(UsageLimitExceeded, match="output_tokens_limit"):
        await Agent(FunctionModel(costly)).run("hi", usage_limits=UsageLimits(output_tokens_limit=50))
    assert isinstance(messages[-1], ModelResponse)
    assert messages[-1].parts == [TextPart("long answer")]


async def test_a_streamed_answer_over_the_limit_leaves_each_message_once() -> None:
    """After a tool step, the answer that crosses the limit follows the tool returns, which are not repeated."""
    from trio_agent import Agent
    from trio_agent.messages import ModelRequest, ModelResponse
    from trio_agent.models.test import TestModel

    agent = Agent(TestModel())

    @agent.tool_plain
    async def ret_a(x: str) -> str:
        return f"{x}-apple"

    with pytest.raises(UsageLimitExceeded, match="output_tokens_limit of 10"):
        async with agent.run_stream("Hello", usage_limits=UsageLimits(output_tokens_limit=10)) as result:
            history = result.all_messages()
    assert [type(m) for m in history] == [ModelRequest, ModelResponse, ModelRequest, ModelResponse]
    assert len({id(m) for m in history}) == 4
