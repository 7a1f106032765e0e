"""What the HTTP model adapters share: the request flow of :class:`HTTPModel`, the bookkeeping of
:class:`HTTPStreamedResponse`, and :func:`resolve_tool_choice`. An adapter says only how to build its request
body, where to send it, and how to read the reply.

Resource handling: requests go through the provider's HTTP client; a streamed response is closed as soon as
its ``request_stream`` block is left, including by cancellation. A non-streamed ``request`` that the adapter
sends as a stream (see :meth:`HTTPModel.streams_internally`) reads the stream to its end before returning.
"""

from __future__ import annotations

import warnings
from abc import abstractmethod
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

import trio

from .._exceptions import ModelAPIError, UnexpectedModelBehavior, UserError
from .._messages.messages import FinishReason, ModelMessage, ModelResponse
from .._messages.parts import now_utc
from .._settings import ModelSettings
from ..providers._http import parse_json, sse_events
from ._model import Model, ModelProfile, ModelRequestParameters, check_allow_model_requests
from ._streamed import StreamedResponse

if TYPE_CHECKING:
    import httpx2

    from .._messages.events import ModelResponseStreamEvent
    from .._run_context import RunContext
    from ..providers._http import HTTPProvider

__all__ = ["HTTPModel", "HTTPStreamedResponse", "ResolvedToolChoice", "map_finish_reason", "resolve_tool_choice"]

ProviderT = TypeVar("ProviderT", bound="HTTPProvider")


def map_finish_reason(known: Mapping[str, FinishReason], raw: Any, details: dict[str, Any]) -> FinishReason | None:
    """Map a provider's finish reason; one this library does not know is kept in ``details`` (the response's
    ``provider_details``), not an error."""
    if raw is None:
        return None
    mapped = known.get(raw)
    if mapped is None:
        details["finish_reason"] = raw
    return mapped


ResolvedToolChoice: TypeAlias = Literal["none", "auto", "required"] | tuple[list[str], Literal["auto", "required"]]
"""What a request's tools may be used for: ``'none'``, ``'auto'`` (the model may answer directly),
``'required'`` (it must call a tool), or only the listed tools with ``'auto'`` or ``'required'``."""


def resolve_tool_choice(settings: ModelSettings, params: ModelRequestParameters) -> ResolvedToolChoice:
    """The ``tool_choice`` setting checked against the request's tools, as the reference resolves it for every
    provider.

    Unset or ``'auto'``: ``'auto'`` if the model may answer with text, else ``'required'``. ``'none'`` (or
    ``[]``) turns the function tools off; output tools stay (with a warning) when the run needs them.
    ``'required'`` needs function tools. A list names the tools the model must choose from (all of them is
    plain ``'required'``). Raises :class:`UserError` for a choice the request cannot honour.
    """
    choice = settings.get("tool_choice")
    direct = params.allow_text_output or params.allow_image_output
    if choice is None or choice == "auto":
        return "auto" if direct else "required"
    if choice == "none" or choice == []:
        outputs = [t.name for t in params.output_tools]
        if not outputs:
            return "none"
        if not direct and not params.function_tools:
            return "required"
        mode: Literal["auto", "required"] = "auto" if direct else "required"
        warnings.warn(
            f"`tool_choice='none'` turns the function tools off, but the output tools {outputs} are still offered "
            f"(with `tool_choice={mode!r}`) so the run can end.",
            UserWarning,
            stacklevel=4,
        )
        return outputs, mode
    if choice == "required":
        if not params.function_tools:
            raise UserError(
                "`tool_choice='required'` needs a function tool, and the request has no function tools; register "
                "a tool or use `tool_choice='auto'` or `'none'`."
            )
        return "required"
    if isinstance(choice, list):
        chosen = list(dict.fromkeys(choice))
        available = params.tool_defs
        unknown = sorted(set(chosen) - available.keys())
        if unknown:
            raise UserError(
                f"Invalid tool names in `tool_choice`: {unknown}; the request's tools are {sorted(available) or 'none'}."
            )
        return "required" if set(chosen) == available.keys() else (chosen, "required")
    raise UserError(
        f"Unknown `tool_choice` setting {choice!r}: use 'auto', 'none', 'required' or a list of tool names."
    )


class HTTPStreamedResponse(StreamedResponse):
    """A response arriving over an open HTTP response as server-sent events, read by :func:`sse_events`;
    subclasses say what each event makes (``_parse``) and what the end of the stream means (``_end``)."""

    def __init__(
        self, params: ModelRequestParameters, *, response: httpx2.Response, provider: HTTPProvider, model_name: str
    ) -> None:
        super().__init__(params)
        self._response = response
        self._provider = provider
        self._model_name = model_name
        self._timestamp = now_utc()
        self._details: dict[str, Any] = {}

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def provider_name(self) -> str | None:
        return self._provider.name

    @property
    def provider_url(self) -> str | None:
        return self._provider.base_url

    @property
    def timestamp(self) -> datetime:
        return self._timestamp

    def _get_event_iterator(self) -> AsyncIterator[ModelResponseStreamEvent]:
        # Read to the end of the body, past the final event, so the connection goes back to the pool.
        return sse_events(self._response, self._provider, self._model_name, self._parse, self._end)

    @abstractmethod
    def _parse(self, sse: httpx2.ServerSentEvent) -> list[ModelResponseStreamEvent]:
        """The events one server-sent event makes (raising for one the API would not send)."""

    @abstractmethod
    def _end(self) -> None:
        """The stream was read to its end: raise if the response is incomplete, else settle what it reported."""

    def json_event(self, data: str) -> dict[str, Any]:
        """One event's data as a JSON object: ``UnexpectedModelBehavior`` (with the start of the data) if it is not
        JSON or not an object."""
        event, ok = parse_json(data)
        if not ok or not isinstance(event, dict):
            what = "a JSON object" if ok else "JSON"
            raise UnexpectedModelBehavior(
                f"{self._provider.name} sent a stream event that is not {what}", body=self._provider.preview(data)
            )
        return event

    def json_chunk(self, data: str) -> dict[str, Any]:
        """:meth:`json_event`, and a chunk carrying an ``error`` (how chat completions and Gemini report a failure
        mid-stream) raised as ``ModelAPIError``."""
        chunk = self.json_event(data)
        if "error" in chunk:
            raise ModelAPIError(
                self._model_name,
                f"{self._provider.name} reported an error mid-stream: {self._provider.scrub(str(chunk['error']))}",
            )
        return chunk


class HTTPModel(Model, Generic[ProviderT]):
    """A model behind an HTTP API: each request is one POST to ``path`` through ``provider``."""

    path: ClassVar[str]
    """Where requests go, relative to the provider's base URL."""
    provider: ProviderT

    def __init__(
        self,
        model_name: str,
        *,
        provider: ProviderT,
        settings: ModelSettings | None = None,
        profile: ModelProfile | None = None,
    ) -> None:
        super().__init__(settings=settings, profile=profile)
        self._model_name = model_name
        self.provider = provider

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def system(self) -> str:
        return self.provider.name

    @abstractmethod
    def build_body(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters, *, stream: bool
    ) -> dict[str, Any]:
        """The JSON body of a request."""

    @abstractmethod
    def parse_response(self, data: Any) -> ModelResponse:
        """A complete (non-streamed) reply as a response."""

    @abstractmethod
    def streamed_response(self, params: ModelRequestParameters, response: httpx2.Response) -> HTTPStreamedResponse:
        """The reader of a streamed reply."""

    def streams_internally(self, settings: ModelSettings, params: ModelRequestParameters) -> bool:
        """Whether a non-streamed :meth:`request` with these settings goes out as a stream (read to its end and
        returned as one response), for requests the API refuses, or may cut off, when not streamed."""
        return False

    def request_path(self, *, stream: bool) -> str:
        """The endpoint (relative to the provider's base URL) of a streamed or a whole request: :attr:`path` for
        APIs that say "stream" in the body; others (Gemini) name a method per model in the path."""
        return self.path

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        settings = settings or {}
        if self.streams_internally(settings, params):
            async with self._stream(messages, settings, params) as streamed:
                async for _ in streamed:
                    pass
                return streamed.get()
        body = self.build_body(messages, settings, params, stream=False)
        data = await self.provider.post_json(
            self.request_path(stream=False),
            body,
            model_name=self._model_name,
            headers=settings.get("extra_headers"),
            http_timeout=settings.get("timeout"),
        )
        return self.parse_response(data)

    def request_stream(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
        run_context: RunContext[Any] | None = None,
    ) -> AbstractAsyncContextManager[HTTPStreamedResponse]:
        # (checked and prepared as it is called, in the `async with` that enters it: one context manager fewer)
        check_allow_model_requests()
        settings, params = self.prepare_request(model_settings, model_request_parameters)
        return self._stream(messages, settings or {}, params)

    def _stream(
        self, messages: list[ModelMessage], settings: ModelSettings, params: ModelRequestParameters
    ) -> _StreamBlock:
        return _StreamBlock(self, messages, settings, params)


class _StreamBlock:
    """The block of a streamed request: a class, as an ``asynccontextmanager`` costs a generator (and trio's hooks
    for it) per request. Entering it sends the request; leaving it closes the stream and the response."""

    __slots__ = ("_http", "_messages", "_model", "_params", "_settings", "_streamed")

    def __init__(
        self,
        model: HTTPModel[Any],
        messages: list[ModelMessage],
        settings: ModelSettings,
        params: ModelRequestParameters,
    ) -> None:
        self._model = model
        self._messages = messages
        self._settings = settings
        self._params = params
        self._http: AbstractAsyncContextManager[httpx2.Response] | None = None
        self._streamed: HTTPStreamedResponse | None = None

    async def __aenter__(self) -> HTTPStreamedResponse:
        model, settings, params = self._model, self._settings, self._params
        body = model.build_body(self._messages, settings, params, stream=True)
        http = self._http = model.provider.stream(
            model.request_path(stream=True),
            body,
            model_name=model._model_name,
            headers=settings.get("extra_headers"),
            http_timeout=settings.get("timeout"),
        )
        # (the provider's block, entered and left by hand: it is this block's inner `async with`)
        response = await http.__aenter__()
        try:
            streamed = self._streamed = model.streamed_response(params, response)
        except BaseException as exc:
            await http.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        return streamed

    async def __aexit__(self, *exc_info: Any) -> None:
        http, streamed = self._http, self._streamed
        assert http is not None
        assert streamed is not None
        try:
            # A stream read to its end has nothing left to close; that is the common case, and a shielded scope
            # with a deadline costs as much as parsing a chunk, so only the others pay for it.
            if not streamed.exhausted:
                with trio.CancelScope(shield=True, relative_deadline=5):
                    await streamed.aclose()  # our own generators: quick, but must finish even when cancelled
        finally:
            await http.__aexit__(*exc_info)
