"""Replaying the tools Anthropic ran itself (web search, code execution, web fetch, tool search, MCP servers):
a history's built-in (native) tool call and return parts from this provider go back as the
``server_tool_use`` / ``mcp_tool_use`` blocks and their ``*_tool_result`` blocks, as the reference sends them;
the same parts from another provider (whose blocks Anthropic would reject) are not sent.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from ..._messages.messages import ModelMessage, ModelResponse
from ..._messages.parts import BuiltinToolCallPart, BuiltinToolReturnPart, CompactionPart

__all__ = ["native_block", "orphan_tool_search_calls"]

_CODE_EXECUTION_NAMES = ("code_execution", "bash_code_execution", "text_editor_code_execution")
_MCP_PREFIX = "mcp_server"


def orphan_tool_search_calls(messages: Iterable[ModelMessage]) -> set[str]:
    """The ids of provider-run tool-search calls no return answers (Anthropic sometimes ends a turn before the
    result; the reference drops such a call rather than claim a search that never returned)."""
    calls: set[str] = set()
    returns: set[str] = set()
    for message in messages:
        if isinstance(message, ModelResponse):
            for part in message.parts:
                if isinstance(part, BuiltinToolCallPart) and part.tool_kind == "tool-search":
                    calls.add(part.tool_call_id)
                elif isinstance(part, BuiltinToolReturnPart) and part.tool_kind == "tool-search":
                    returns.add(part.tool_call_id)
    return calls - returns


def native_block(
    part: BuiltinToolCallPart | BuiltinToolReturnPart | CompactionPart,
    *,
    provider_name: str | None,
    available_tools: Collection[str],
    orphans: Collection[str],
) -> dict[str, Any] | None:
    """The assistant block replaying ``part``, or ``None`` when it is not sent (another provider's, or one
    Anthropic cannot take back)."""
    if part.provider_name != provider_name:
        return None
    if isinstance(part, CompactionPart):
        return {"type": "compaction", "content": part.content}
    if isinstance(part, BuiltinToolCallPart):
        return _call_block(part, orphans)
    return _return_block(part, available_tools)


def _code_execution_name(part: BuiltinToolCallPart | BuiltinToolReturnPart) -> str:
    """Which of Anthropic's code-execution tools the part belongs to: named in ``provider_details``, by the
    tool name, or by the result's ``type``; plain ``code_execution`` otherwise."""
    for value in (part.provider_details or {}).values():
        if value in _CODE_EXECUTION_NAMES:
            return str(value)
    if part.tool_name in _CODE_EXECUTION_NAMES[1:]:
        return part.tool_name
    content = part.content if isinstance(part, BuiltinToolReturnPart) else None
    kind = content.get("type") if isinstance(content, dict) else None
    if isinstance(kind, str):
        for name in _CODE_EXECUTION_NAMES[1:]:
            if kind.startswith(name):
                return name
    return "code_execution"


def _call_block(part: BuiltinToolCallPart, orphans: Collection[str]) -> dict[str, Any] | None:
    args = part.args_as_dict()
    server: dict[str, Any] = {"type": "server_tool_use", "id": part.tool_call_id}
    if part.tool_kind == "tool-search":
        if part.tool_call_id in orphans:
            return None
        regex = (part.provider_details or {}).get("strategy") == "regex"
        if "queries" in args:
            queries = [q for q in args["queries"] if isinstance(q, str)] if isinstance(args["queries"], list) else []
            args = {"pattern" if regex else "query": " ".join(queries)}
        name = "tool_search_tool_regex" if regex else "tool_search_tool_bm25"
        return {**server, "name": name, "input": args}
    if part.tool_name in ("web_search", "web_fetch"):
        return {**server, "name": part.tool_name, "input": args}
    if part.tool_name in _CODE_EXECUTION_NAMES:
        return {**server, "name": _code_execution_name(part), "input": args}
    if part.tool_name.startswith(f"{_MCP_PREFIX}:"):
        server_name = part.tool_name.split(":", 1)[1]
        tool_name, tool_args = args.get("tool_name"), args.get("tool_args")
        if server_name and tool_name and tool_args is not None:
            block = {"type": "mcp_tool_use", "id": part.tool_call_id, "server_name": server_name}
            return {**block, "name": tool_name, "input": tool_args}
    return None


def _return_block(part: BuiltinToolReturnPart, available_tools: Collection[str]) -> dict[str, Any] | None:
    content = part.content
    result: dict[str, Any] = {"tool_use_id": part.tool_call_id}
    if part.tool_kind == "tool-search":
        error = (part.provider_details or {}).get("error_code")
        if error is not None:
            inner: dict[str, Any] = {"type": "tool_search_tool_result_error", "error_code": error}
        else:
            found = content.get("discovered_tools", []) if isinstance(content, dict) else []
            references = [
                {"type": "tool_reference", "tool_name": match["name"]}
                for match in found
                if isinstance(match, dict) and match.get("name") in available_tools
            ]
            inner = {"type": "tool_search_tool_search_result", "tool_references": references}
        return {"type": "tool_search_tool_result", **result, "content": inner}
    if part.tool_name in ("web_search", "web_search_tool_result") and isinstance(content, dict | list):
        return {"type": "web_search_tool_result", **result, "content": content}
    if part.tool_name in (*_CODE_EXECUTION_NAMES, "code_execution_tool_result") and isinstance(content, dict | list):
        return {"type": f"{_code_execution_name(part)}_tool_result", **result, "content": content}
    if part.tool_name == "web_fetch" and isinstance(content, dict):
        return {"type": "web_fetch_tool_result", **result, "content": content}
    if part.tool_name.startswith(_MCP_PREFIX) and isinstance(content, dict):
        return {"type": "mcp_tool_result", **result, **content}
    return None
