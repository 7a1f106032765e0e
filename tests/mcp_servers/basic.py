"""A test MCP server (stdio by default), written with the `mcp` package's server API.

Tools cover each kind of result (text, JSON, structured, images, audio, embedded resources, links, errors),
slow and cancellable calls, parallel calls (`rendezvous`), sampling and elicitation (asking the client),
list changes (`grow`), and a crash. `http_server.py` serves the same server over HTTP.
"""

from __future__ import annotations

import os
import warnings

import anyio
from mcp.server.mcpserver import Audio, Context, Image, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types import (
    CallToolResult,
    EmbeddedResource,
    ResourceLink,
    SamplingMessage,
    TextContent,
    TextResourceContents,
)
from pydantic import BaseModel

warnings.simplefilter("ignore", MCPDeprecationWarning)  # sampling and elicitation are 2025-era features

PNG = b"\x89PNG\r\n\x1a\nnot-really-a-png"
WAV = b"RIFF\x00\x00\x00\x00WAVEfmt "

server = MCPServer("test-server", instructions="Answer in haiku.", log_level="WARNING")

CANCELLED: list[str] = []
FINISHED: list[str] = []
_arrived: dict[str, int] = {}
_met: dict[str, anyio.Event] = {}


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


@server.tool()
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


class Point(BaseModel):
    x: int
    y: int


@server.tool()
def point(x: int, y: int) -> Point:
    """A structured result."""
    return Point(x=x, y=y)


@server.tool()
def image() -> Image:
    """A PNG image."""
    return Image(data=PNG, format="png")


@server.tool()
def audio() -> Audio:
    """A WAV sound."""
    return Audio(data=WAV, format="wav")


@server.tool()
def mixed() -> CallToolResult:
    """Text and an image."""
    png = Image(data=PNG, format="png").to_image_content()
    return CallToolResult(content=[TextContent(type="text", text="a picture:"), png])


@server.tool()
def json_text() -> CallToolResult:
    """JSON as text, without structured content."""
    return CallToolResult(content=[TextContent(type="text", text='{"answer": 42, "items": [1, 2]}')])


@server.tool()
def embedded() -> EmbeddedResource:
    """An embedded text resource."""
    contents = TextResourceContents(uri="resource://notes/1", mime_type="text/plain", text="embedded note")
    return EmbeddedResource(type="resource", resource=contents)


@server.tool()
def link() -> ResourceLink:
    """A link to the greeting resource."""
    return ResourceLink(type="resource_link", uri="resource://greeting", name="greeting")


@server.tool()
def fail(message: str) -> str:
    """Always fails with `message`."""
    raise ToolError(message)


@server.tool()
async def slow(label: str, ctx: Context, seconds: float = 60) -> str:
    """Log that it started, then sleep; record whether it finished or was cancelled."""
    await ctx.info(f"started {label}")
    try:
        await anyio.sleep(seconds)
    except anyio.get_cancelled_exc_class():
        CANCELLED.append(label)
        raise
    FINISHED.append(label)
    return f"{label} done"


@server.tool()
def cancellations() -> list[str]:
    """The labels of the `slow` calls that were cancelled."""
    return CANCELLED


@server.tool()
async def rendezvous(name: str, parties: int) -> str:
    """Wait until `parties` calls with this `name` are in flight at once (so only parallel calls can meet)."""
    _arrived[name] = _arrived.get(name, 0) + 1
    event = _met.setdefault(name, anyio.Event())
    if _arrived[name] >= parties:
        event.set()
    with anyio.move_on_after(20):
        await event.wait()
        return f"met {parties}"
    return "alone"


@server.tool()
def request_meta(key: str, ctx: Context) -> str:
    """The value the request's `_meta` has for `key`."""
    return str((ctx.request_context.meta or {}).get(key))


@server.tool()
def pid() -> int:
    """The server's process id."""
    return os.getpid()


@server.tool()
def crash() -> str:
    """The server process dies."""
    os._exit(1)


@server.tool()
async def summarize(text: str, ctx: Context) -> str:
    """Ask the client's model to summarize `text` (sampling)."""
    try:
        result = await ctx.session.create_message(
            messages=[SamplingMessage(role="user", content=TextContent(type="text", text=text))],
            max_tokens=64,
            system_prompt="Summarize in five words.",
            temperature=0.5,
        )
    except Exception as exc:
        raise ToolError(f"sampling failed: {exc}") from exc
    content = result.content
    return f"{result.model}: {content.text if isinstance(content, TextContent) else content}"


class Booking(BaseModel):
    confirm: bool
    seats: int = 2


@server.tool()
async def book(date: str, ctx: Context) -> str:
    """Ask the user to confirm a booking (elicitation)."""
    answer = await ctx.elicit(f"Book a table on {date}?", schema=Booking)
    if answer.action == "accept":
        return f"booked {answer.data.seats} on {date}" if answer.data.confirm else "not confirmed"
    return answer.action


def extra(n: int) -> int:
    """Added by `grow`."""
    return n * 2


def extra_resource() -> str:
    """Added by `grow`."""
    return "extra resource"


def extra_prompt() -> str:
    """Added by `grow`."""
    return "extra prompt"


@server.tool()
async def grow(ctx: Context, notify: bool = True) -> str:
    """Add a tool, a resource and a prompt; tell the client (unless `notify` is false)."""
    server.add_tool(extra, name="extra")
    server.resource("resource://extra")(extra_resource)
    server.prompt()(extra_prompt)
    if notify:
        await ctx.session.send_tool_list_changed()
        await ctx.session.send_resource_list_changed()
        await ctx.session.send_prompt_list_changed()
    return "grown"


@server.resource("resource://greeting", mime_type="text/plain")
def greeting() -> str:
    """A greeting."""
    return "Hello from the server"


@server.resource("resource://logo.png", mime_type="image/png")
def logo() -> bytes:
    """The logo."""
    return PNG


@server.resource("resource://users/{name}", mime_type="text/plain")
def user(name: str) -> str:
    """A user's profile."""
    return f"profile of {name}"


@server.prompt()
def greet(name: str) -> str:
    """Greet someone."""
    return f"Say hello to {name}"


if __name__ == "__main__":
    server.run()
