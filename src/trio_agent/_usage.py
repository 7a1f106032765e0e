"""Token and request accounting: per-request :class:`RequestUsage`, per-run :class:`RunUsage`, and the
:class:`UsageLimits` a run enforces (checked before each request and after each response)."""

from __future__ import annotations

import dataclasses
import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic_core import core_schema
from typing_extensions import deprecated

from ._exceptions import UsageLimitExceeded
from ._repr import fields_eq, no_defaults_repr

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler

__all__ = ["RequestUsage", "RunUsage", "Usage", "UsageLimits"]

_TOKEN_FIELDS = (
    "input_tokens",
    "cache_write_tokens",
    "cache_read_tokens",
    "output_tokens",
    "input_audio_tokens",
    "cache_audio_read_tokens",
    "output_audio_tokens",
)
_LEGACY_KEYS = {"request_tokens": "input_tokens", "response_tokens": "output_tokens"}


def _upgrade_legacy_keys(value: Any) -> Any:
    if isinstance(value, dict) and (_LEGACY_KEYS.keys() & value.keys() or value.get("details", 0) is None):
        value = {_LEGACY_KEYS.get(k, k): v for k, v in value.items()}
        if value.get("details", 0) is None:
            value["details"] = {}
    return value


def _truthy_repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={v!r}" for f in dataclasses.fields(self) if (v := getattr(self, f.name)))
    return f"{type(self).__qualname__}({shown})"


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class _Usage:
    input_tokens: int = 0
    """Tokens in the prompt, including cached ones."""
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    output_tokens: int = 0
    """Tokens the model generated."""
    input_audio_tokens: int = 0
    cache_audio_read_tokens: int = 0
    output_audio_tokens: int = 0
    details: dict[str, int] = dataclasses.field(default_factory=dict)
    """Provider-specific counters (for example reasoning tokens)."""
    cost: Decimal | None = None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    @property
    @deprecated("`request_tokens` is deprecated, use `input_tokens` instead")
    def request_tokens(self) -> int:
        """The earlier name of :attr:`input_tokens`."""
        return self.input_tokens

    @property
    @deprecated("`response_tokens` is deprecated, use `output_tokens` instead")
    def response_tokens(self) -> int:
        """The earlier name of :attr:`output_tokens`."""
        return self.output_tokens

    def opentelemetry_attributes(self) -> dict[str, int]:
        """The non-zero counters as OpenTelemetry ``gen_ai.usage.*`` attributes (details under
        ``gen_ai.usage.details.<name>``)."""
        attributes: dict[str, int] = {}
        if self.input_tokens:
            attributes["gen_ai.usage.input_tokens"] = self.input_tokens
        if self.output_tokens:
            attributes["gen_ai.usage.output_tokens"] = self.output_tokens
        for key, value in self.details.items():
            if value:
                attributes[f"gen_ai.usage.details.{key}"] = value
        return attributes

    def has_values(self) -> bool:
        """Whether any counter is non-zero."""
        return bool(
            self.input_tokens
            or self.output_tokens
            or self.cache_write_tokens
            or self.cache_read_tokens
            or self.input_audio_tokens
            or self.cache_audio_read_tokens
            or self.output_audio_tokens
            or self.details
        )

    def incr(self, other: _Usage) -> None:
        """Add ``other``'s counters to this one, in place."""
        self.input_tokens += other.input_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.output_tokens += other.output_tokens
        self.input_audio_tokens += other.input_audio_tokens
        self.cache_audio_read_tokens += other.cache_audio_read_tokens
        self.output_audio_tokens += other.output_audio_tokens
        if other.details:
            details = self.details
            for key, value in other.details.items():
                if value is not None:  # a provider that reported a counter without a value
                    details[key] = details.get(key, 0) + value
        if other.cost is not None:
            self.cost = (self.cost or Decimal(0)) + other.cost

    def _copy(self) -> Any:
        # Field by field, written out, not through ``__dict__``: touching ``__dict__`` makes CPython build a dict
        # for both instances, and every forked step copies its usage (see ``RunState.fork``).
        clone = object.__new__(type(self))
        clone.input_tokens = self.input_tokens
        clone.cache_write_tokens = self.cache_write_tokens
        clone.cache_read_tokens = self.cache_read_tokens
        clone.output_tokens = self.output_tokens
        clone.input_audio_tokens = self.input_audio_tokens
        clone.cache_audio_read_tokens = self.cache_audio_read_tokens
        clone.output_audio_tokens = self.output_audio_tokens
        clone.details = dict(self.details) if self.details else {}
        clone.cost = self.cost
        return clone

    @classmethod
    def __get_pydantic_core_schema__(cls, source: type[Any], handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(_upgrade_legacy_keys, handler(source))

    __repr__ = _truthy_repr
    __eq__ = fields_eq


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class RequestUsage(_Usage):
    """The usage of one model request (one :class:`~trio_agent.messages.ModelResponse`)."""

    @property
    def requests(self) -> int:
        return 1

    @classmethod
    def extract(
        cls,
        data: Any,
        *,
        provider: str,
        provider_url: str,
        provider_fallback: str,
        api_flavor: str = "default",
        details: dict[str, Any] | None = None,
    ) -> RequestUsage:
        """The usage in a provider's raw response ``data``, read by ``genai-prices`` (which knows each provider's
        field names): ``provider``'s reading, else ``provider_fallback``'s; an empty usage (with ``details``'
        integer counters) if neither knows the response. ``provider_url`` is accepted for the reference API's
        signature (the provider id decides here). Requires the ``genai-prices`` package."""
        from genai_prices import extract_usage

        counters = {key: value for key, value in (details or {}).items() if isinstance(value, int)}
        for provider_id in dict.fromkeys((provider, provider_fallback)):
            try:
                extracted = extract_usage(data, provider_id=provider_id, api_flavor=api_flavor)
            except (LookupError, ValueError):
                continue
            read: dict[str, Any] = dict(vars(extracted.usage))
            usage = cls(details={})
            for name in _TOKEN_FIELDS:
                setattr(usage, name, read.pop(name, None) or 0)
            extra = {key: value for key, value in read.items() if isinstance(value, int) and value}
            usage.details = {**extra, **counters}
            return usage
        return cls(details=counters)

    def __add__(self, other: RequestUsage) -> RequestUsage:
        total: RequestUsage = self._copy()
        total.incr(other)
        return total


@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class RunUsage(_Usage):
    """The usage of a whole run: token totals plus the number of model requests and tool calls."""

    requests: int = 0
    """Model requests made (a retried or streamed request counts once)."""
    tool_calls: int = 0
    """Function tools executed successfully."""

    def _copy(self) -> Any:
        clone = super()._copy()
        clone.requests = self.requests
        clone.tool_calls = self.tool_calls
        return clone

    def incr(self, other: _Usage) -> None:
        if isinstance(other, RunUsage):
            self.requests += other.requests
            self.tool_calls += other.tool_calls
        super().incr(other)

    def __add__(self, other: _Usage) -> RunUsage:
        total: RunUsage = self._copy()
        total.incr(other)
        return total


@deprecated("`Usage` is deprecated, use `RunUsage` instead")
@dataclasses.dataclass(repr=False, eq=False, kw_only=True)
class Usage(RunUsage):
    """The earlier name of :class:`RunUsage` (deprecated)."""


_HINT = " Raise it with `usage_limits=UsageLimits(...)` if the run legitimately needs more."


@dataclasses.dataclass(repr=False, eq=False, kw_only=True, init=False)
class UsageLimits:
    """Bounds a run must stay within; ``None`` means unbounded.

    The request and tool-call limits are checked *before* the request (or tool batch) that would cross them;
    token limits right after each response. Crossing one raises :class:`UsageLimitExceeded`.
    """

    cost_limit: Decimal | float | None = None
    request_limit: int | None = 50
    tool_calls_limit: int | None = None
    input_tokens_limit: int | None = None
    output_tokens_limit: int | None = None
    total_tokens_limit: int | None = None
    per_request_input_tokens_limit: int | None = None
    count_tokens_before_request: bool = False

    def __init__(
        self,
        *,
        cost_limit: Decimal | float | None = None,
        request_limit: int | None = 50,
        tool_calls_limit: int | None = None,
        input_tokens_limit: int | None = None,
        output_tokens_limit: int | None = None,
        total_tokens_limit: int | None = None,
        per_request_input_tokens_limit: int | None = None,
        count_tokens_before_request: bool = False,
        request_tokens_limit: int | None = None,
        response_tokens_limit: int | None = None,
    ) -> None:
        """``request_tokens_limit`` and ``response_tokens_limit`` are the earlier names of ``input_tokens_limit``
        and ``output_tokens_limit`` (used only when the new name is not given)."""
        self.cost_limit = cost_limit
        self.request_limit = request_limit
        self.tool_calls_limit = tool_calls_limit
        self.input_tokens_limit = input_tokens_limit if input_tokens_limit is not None else request_tokens_limit
        self.output_tokens_limit = output_tokens_limit if output_tokens_limit is not None else response_tokens_limit
        self.total_tokens_limit = total_tokens_limit
        self.per_request_input_tokens_limit = per_request_input_tokens_limit
        self.count_tokens_before_request = count_tokens_before_request

    @property
    def request_tokens_limit(self) -> int | None:
        """The earlier name of :attr:`input_tokens_limit` (deprecated)."""
        warnings.warn(
            "`request_tokens_limit` is deprecated, use `input_tokens_limit` instead", DeprecationWarning, stacklevel=2
        )
        return self.input_tokens_limit

    @property
    def response_tokens_limit(self) -> int | None:
        """The earlier name of :attr:`output_tokens_limit` (deprecated)."""
        warnings.warn(
            "`response_tokens_limit` is deprecated, use `output_tokens_limit` instead", DeprecationWarning, stacklevel=2
        )
        return self.output_tokens_limit

    def has_token_limits(self) -> bool:
        return any(
            limit is not None
            for limit in (
                self.input_tokens_limit,
                self.output_tokens_limit,
                self.total_tokens_limit,
                self.per_request_input_tokens_limit,
            )
        )

    def check_before_request(self, usage: RunUsage) -> None:
        """Raise if making one more request would cross a limit."""
        if self.request_limit is not None and usage.requests >= self.request_limit:
            raise UsageLimitExceeded(f"The next request would exceed the request_limit of {self.request_limit}.{_HINT}")
        if self.input_tokens_limit is not None and usage.input_tokens > self.input_tokens_limit:
            raise UsageLimitExceeded(
                f"The next request would exceed the input_tokens_limit of {self.input_tokens_limit} "
                f"(input_tokens={usage.input_tokens}).{_HINT}"
            )
        if self.total_tokens_limit is not None and usage.total_tokens > self.total_tokens_limit:
            raise UsageLimitExceeded(
                f"The next request would exceed the total_tokens_limit of {self.total_tokens_limit} "
                f"(total_tokens={usage.total_tokens}).{_HINT}"
            )
        if self.cost_limit is not None and usage.cost is not None and usage.cost > Decimal(str(self.cost_limit)):
            raise UsageLimitExceeded(
                f"The next request would exceed the `cost_limit` of {self.cost_limit} (`cost`={usage.cost!r}).{_HINT}"
            )

    def check_tokens(self, usage: RunUsage) -> None:
        """Raise if the run's token totals crossed a limit (called after each response)."""
        if self.input_tokens_limit is None and self.output_tokens_limit is None and self.total_tokens_limit is None:
            return
        for name, value in (
            ("input_tokens", usage.input_tokens),
            ("output_tokens", usage.output_tokens),
            ("total_tokens", usage.total_tokens),
        ):
            limit = getattr(self, f"{name}_limit")
            if limit is not None and value > limit:
                raise UsageLimitExceeded(f"Exceeded the {name}_limit of {limit} ({name}={value}).{_HINT}")

    def check_cost(self, usage: RunUsage) -> None:
        """Raise if the run's cost crossed ``cost_limit`` (called after each response)."""
        limit = self.cost_limit
        if limit is not None and usage.cost is not None and usage.cost > Decimal(str(limit)):
            raise UsageLimitExceeded(f"Exceeded the `cost_limit` of {limit} (`usage.cost`={usage.cost!r}).{_HINT}")

    def check_per_request_input_tokens(self, input_tokens: int) -> None:
        limit = self.per_request_input_tokens_limit
        if limit is not None and input_tokens > limit:
            raise UsageLimitExceeded(
                f"Exceeded the per_request_input_tokens_limit of {limit} (request_input_tokens={input_tokens}).{_HINT}"
            )

    def check_before_tool_call(self, projected: RunUsage) -> None:
        """Raise if running the next batch of tool calls would cross ``tool_calls_limit``."""
        limit = self.tool_calls_limit
        if limit is not None and projected.tool_calls > limit:
            raise UsageLimitExceeded(
                f"The next tool call(s) would exceed the tool_calls_limit of {limit} "
                f"(tool_calls={projected.tool_calls}).{_HINT}"
            )

    __repr__ = no_defaults_repr
    __eq__ = fields_eq
