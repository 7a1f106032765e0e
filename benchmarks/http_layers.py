"""HTTP layers: one streamed chat-completions request, CPU per request, through each layer in turn, on
``httpx2.MockTransport`` (no socket, no server: only the client's own work).

- ``bare``: httpx2 and its SSE parser, JSON per event;
- ``layer``: our HTTP layer (``HTTPProvider.stream`` and ``sse_events``), JSON per event;
- ``model``: the whole adapter (``OpenAIChatModel.request_stream``, events through the parts manager).

What ``layer`` adds to ``bare`` is the HTTP layer's cost; what ``model`` adds to ``layer``, the adapter's.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
from _harness import emit, measure

from trio_agent.messages import ModelRequest, UserPromptPart
from trio_agent.models import ModelRequestParameters
from trio_agent.models.openai import OpenAIChatModel
from trio_agent.providers._http import sse_events
from trio_agent.providers.openai import OpenAIProvider

CHUNKS: list[dict[str, Any]] = [
    {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]},
    {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"content": "lo "}}]},
    {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"content": "there"}}]},
    {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {"id": "c1", "model": "m", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}},
]
BODY = "".join(f"data: {json.dumps(c)}\n\n" for c in CHUNKS).encode() + b"data: [DONE]\n\n"
REQUEST = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}


async def answer(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=BODY)


def main() -> None:
    client = httpx2.AsyncClient(transport=httpx2.MockTransport(answer))
    provider = OpenAIProvider(base_url="http://bench/v1", api_key="bench", http_client=client)
    model = OpenAIChatModel("m", provider=provider)
    messages = [ModelRequest(parts=[UserPromptPart("hi")])]
    params = ModelRequestParameters()

    async def bare() -> None:
        async with client.stream("POST", "http://bench/v1/chat/completions", json=REQUEST) as response:
            async for event in httpx2.EventSource(response):
                if event.data != "[DONE]":
                    json.loads(event.data)

    async def layer() -> None:
        async with provider.stream("chat/completions", REQUEST, model_name="m") as response:
            async for event in sse_events(response, provider, "m"):
                if event.data != "[DONE]":
                    json.loads(event.data)

    async def adapter() -> None:
        async with model.request_stream(messages, None, params) as streamed:
            async for _ in streamed:
                pass

    figures = {
        name: measure(body, iterations=1000, warmup=200)["cpu_us"]
        for name, body in (("bare", bare), ("layer", layer), ("model", adapter))
    }
    emit(
        "HTTP layers, one streamed request (MockTransport)",
        bare_cpu_us=round(figures["bare"], 1),
        layer_cpu_us=round(figures["layer"], 1),
        model_cpu_us=round(figures["model"], 1),
    )


if __name__ == "__main__":
    main()
