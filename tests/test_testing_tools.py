"""``trio_agent.testing``: blocking real requests, and models wired to the fake server."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from trio_agent import Agent, ModelHTTPError, UserError
from trio_agent import models as models_module
from trio_agent.models.test import TestModel
from trio_agent.providers import RetryPolicy
from trio_agent.testing import ErrorReply, FakeLLMServer, block_model_requests
from trio_agent.testing._schema_values import example_arguments


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
async def test_models_made_by_the_server_talk_to_it(fake_llm_server: FakeLLMServer, kind: str) -> None:
    model = fake_llm_server.openai_model("gpt-x") if kind == "openai" else fake_llm_server.anthropic_model("claude-x")
    result = await Agent(model).run("hi")
    assert result.output == "done"
    assert [r.json["model"] for r in fake_llm_server.requests] == ["gpt-x" if kind == "openai" else "claude-x"]


async def test_provider_options_pass_through(fake_llm_server: FakeLLMServer) -> None:
    fake_llm_server.script(ErrorReply(500, {"error": {"message": "boom"}}))
    model = fake_llm_server.openai_model(retry_policy=RetryPolicy(max_attempts=1))
    with pytest.raises(ModelHTTPError, match="500") as caught:
        await Agent(model).run("hi")
    assert (caught.value.status_code, caught.value.body) == (500, {"error": {"message": "boom"}})
    assert "sk-fake-llm-server" not in str(caught.value)
    assert len(fake_llm_server.requests) == 1


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.usefixtures("block_model_requests")
async def test_the_fixture_blocks_provider_requests(fake_llm_server: FakeLLMServer, kind: str, stream: bool) -> None:
    agent = Agent(fake_llm_server.openai_model() if kind == "openai" else fake_llm_server.anthropic_model())
    with pytest.raises(UserError, match="ALLOW_MODEL_REQUESTS") as caught:
        if stream:
            async with agent.run_stream_events("hi") as events:
                async for _ in events:
                    pass
        else:
            await agent.run("hi")
    assert "TestModel" in str(caught.value)
    assert fake_llm_server.requests == []
    # offline models are not provider requests
    with agent.override(model=TestModel(custom_output_text="offline")):
        assert (await agent.run("hi")).output == "offline"


async def test_the_context_manager_restores_the_flag(fake_llm_server: FakeLLMServer) -> None:
    agent = Agent(fake_llm_server.openai_model())
    assert models_module.ALLOW_MODEL_REQUESTS is True
    with block_model_requests():
        assert models_module.ALLOW_MODEL_REQUESTS is False
        with pytest.raises(UserError, match="ALLOW_MODEL_REQUESTS"):
            await agent.run("hi")
    assert fake_llm_server.requests == []
    assert models_module.ALLOW_MODEL_REQUESTS is True
    assert (await agent.run("hi")).output == "done"


# -- the fake server's made-up tool arguments validate --------------------------------------------------


class Leaf(BaseModel):
    kind: Literal["leaf"]
    weight: Annotated[float, Field(lt=0)]


class Branch(BaseModel):
    kind: Literal["branch"]
    children: list[Branch | Leaf] = Field(min_length=1)


class Everything(BaseModel):
    when: datetime.datetime
    day: datetime.date
    ident: uuid.UUID
    pair: tuple[int, str]
    distinct: set[Annotated[int, Field(ge=3)]] = Field(min_length=3)
    counts: dict[str, int]
    step: Annotated[int, Field(multiple_of=5, gt=7, le=100)]
    ratio: Annotated[float, Field(gt=0, lt=1)]
    tree: Annotated[Branch | Leaf, Field(discriminator="kind")]
    maybe: int | None
    words: Annotated[list[Annotated[str, Field(min_length=4, max_length=4)]], Field(min_length=2)]
    anything: Any


@pytest.mark.parametrize("output_type", [Everything, Branch, Leaf])
def test_made_up_arguments_validate_against_the_schema(output_type: type[BaseModel]) -> None:
    arguments = example_arguments(output_type.model_json_schema())
    output_type.model_validate(arguments)
    assert example_arguments({"type": "object", "properties": {"a": {"type": "string"}}}) == {}  # only required
