"""Usage as the reference counts it: provider details (missing values skipped), OpenTelemetry attributes, the
deprecated names of limits and of ``RunUsage``."""

from __future__ import annotations

import warnings

import pytest

from trio_agent.usage import RequestUsage, RunUsage, Usage, UsageLimits


def test_details_add_up_and_missing_values_are_skipped() -> None:
    total = RunUsage(requests=1, input_tokens=10, details={"reasoning_tokens": 5})
    more = RunUsage(requests=1, input_tokens=5)
    more.details = {"reasoning_tokens": None, "other": 10}  # type: ignore[dict-item]  # as some providers report
    assert total + more == RunUsage(requests=2, input_tokens=15, details={"reasoning_tokens": 5, "other": 10})
    first = RequestUsage(input_tokens=1, details={"r": 1})
    assert (first + RequestUsage(details={"r": 2})).details == {"r": 3}
    assert first.details == {"r": 1}  # adding does not change either side


def test_opentelemetry_attributes_leave_out_zero_counters() -> None:
    usage = RunUsage(input_tokens=103, output_tokens=13, details={"custom1": 10, "custom3": 0})
    assert usage.opentelemetry_attributes() == {
        "gen_ai.usage.input_tokens": 103,
        "gen_ai.usage.output_tokens": 13,
        "gen_ai.usage.details.custom1": 10,
    }


def test_deprecated_limit_names_still_read_and_set() -> None:
    assert UsageLimits(request_tokens_limit=123).input_tokens_limit == 123
    assert UsageLimits(input_tokens_limit=0, request_tokens_limit=123).input_tokens_limit == 0  # explicit 0 wins
    assert UsageLimits(response_tokens_limit=7).output_tokens_limit == 7
    with pytest.warns(DeprecationWarning, match="`request_tokens_limit` is deprecated, use `input_tokens_limit`"):
        assert UsageLimits(input_tokens_limit=100).request_tokens_limit == 100
    with pytest.warns(DeprecationWarning, match="`response_tokens_limit` is deprecated, use `output_tokens_limit`"):
        assert UsageLimits(output_tokens_limit=5).response_tokens_limit == 5


def test_usage_is_a_deprecated_run_usage() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        usage = Usage(requests=1, input_tokens=2)
    assert isinstance(usage, RunUsage)
    assert usage.total_tokens == 2
    assert [str(w.message) for w in caught] == ["`Usage` is deprecated, use `RunUsage` instead"]
    with pytest.warns(DeprecationWarning, match="`request_tokens` is deprecated"):
        assert RunUsage(input_tokens=4).request_tokens == 4


def test_usage_read_from_a_raw_provider_response() -> None:
    raw = {"model": "gpt-4o", "usage": {"prompt_tokens": 10, "completion_tokens": 5}}
    usage = RequestUsage.extract(raw, provider="openai", provider_url="", provider_fallback="", api_flavor="chat")
    assert usage == RequestUsage(input_tokens=10, output_tokens=5)
    unknown = RequestUsage.extract({}, provider="unknown", provider_url="", provider_fallback="")
    assert unknown == RequestUsage()
