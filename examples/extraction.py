"""Structured extraction: a list of people (name, age, email) pulled out of free text, checked by an output
validator that sends the model back once when it returns an email that is not in the text.

    python examples/extraction.py
    python examples/extraction.py --text "Meet Joan Clarke (37, joan@hut8.example)."
    python examples/extraction.py --model openai:gpt-4o-mini
"""

from __future__ import annotations

import re
import sys

import trio
from _common import parser, run
from pydantic import BaseModel, Field

from trio_agent import Agent, ModelRetry, RunContext
from trio_agent.messages import ModelMessage, ModelResponse, RetryPromptPart, ToolCallPart
from trio_agent.models import Model
from trio_agent.models.function import AgentInfo, FunctionModel

TEXT = """Minutes of the 3 March volunteers meeting. Present: Ada Lovelace (36, ada@analytical.org), who chaired;
Grace Hopper, 45, reachable at grace.hopper@navy.example; and our newest member Alan Turing (41), write to
alan@bletchley.example. Ada will circulate the rota."""


class Person(BaseModel):
    name: str = Field(description="Full name, as written")
    age: int = Field(ge=0, le=130)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# deps_type=str: the source text travels with the run (``deps=``), so the validator can check against it.
agent = Agent(
    output_type=list[Person],
    deps_type=str,
    instructions="Extract every person mentioned in the user's text, with their age and email.",
)


@agent.output_validator
def emails_come_from_the_text(ctx: RunContext[str], people: list[Person]) -> list[Person]:
    """Models like to "tidy up" emails; reject any the text does not contain, and the model tries again."""
    invented = [p.email for p in people if p.email not in ctx.deps]
    if invented:
        raise ModelRetry(f"These emails do not appear in the text: {', '.join(invented)}. Copy emails exactly.")
    return people


PERSON = re.compile(
    r"(?P<name>[A-Z][a-z]+ [A-Z][a-z]+)[\s,(]+(?P<age>\d{1,3})\D*?(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)


async def scripted_extractor(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """The offline model: finds "Name ... age ... email" in the text. On its first try it makes the classic
    mistake of guessing an email from the first name; after the validator's retry prompt it copies them."""
    await trio.sleep(0.5)
    text = " ".join(str(p.content) for p in messages[0].parts if p.part_kind == "user-prompt")
    retried = any(isinstance(p, RetryPromptPart) for p in messages[-1].parts)
    people = []
    for match in PERSON.finditer(text):
        email = match["email"]
        if not retried:  # "grace.hopper@navy.example" -> "grace@navy.example"
            email = match["name"].split()[0].lower() + "@" + email.split("@")[1]
        people.append({"name": match["name"], "age": int(match["age"]), "email": email})
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, {"response": people})])


def scripted_model() -> Model:
    return FunctionModel(scripted_extractor, model_name="scripted-extractor")


async def main(model: Model, text: str = TEXT) -> list[Person]:
    result = await agent.run(text, model=model, deps=text)
    for message in result.all_messages():  # what happened, from the history
        for part in message.parts:
            if isinstance(part, ToolCallPart):
                found = len(part.args_as_dict().get("response", []))
                print(f"model answered with {found} {'person' if found == 1 else 'people'}")
            elif isinstance(part, RetryPromptPart):
                print(f"validator asked for a retry: {part.content}")
    people: list[Person] = result.output
    print(f"extracted {len(people)} in {result.usage().requests} model requests:")
    for person in people:
        print(f"  {person.name:<14} {person.age:>3}  {person.email}")
    return people


def cli(argv: list[str] | None = None) -> None:
    args_parser = parser(__doc__)
    args_parser.add_argument("--text", default=TEXT, help="the text to extract people from")
    args = args_parser.parse_args(argv)
    run(main, args.model, scripted_model, args.text)


if __name__ == "__main__":
    cli(sys.argv[1:])
