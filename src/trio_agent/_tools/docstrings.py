"""Reading tool descriptions out of docstrings (Google, NumPy and Sphinx styles, via ``docstring_parser``)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, Literal, TypeAlias

__all__ = ["DocstringFormat", "FunctionDocs", "parse_function_docs"]

DocstringFormat: TypeAlias = Literal["auto", "google", "numpy", "sphinx"]


@dataclasses.dataclass(frozen=True)
class FunctionDocs:
    """What a docstring says about a function."""

    description: str | None
    """The summary; with a ``Returns`` section, ``<summary>..</summary>`` followed by a ``<returns>`` block."""
    parameters: dict[str, str]
    """Parameter name → description."""


def parse_function_docs(function: Callable[..., Any], docstring_format: DocstringFormat = "auto") -> FunctionDocs:
    """Parse ``function``'s docstring; a function without one has no description."""
    doc = inspect.getdoc(function)
    if not doc:
        return FunctionDocs(None, {})
    import docstring_parser  # imported on first use: most imports of trio_agent never parse a docstring

    style = {
        "auto": docstring_parser.DocstringStyle.AUTO,
        "google": docstring_parser.DocstringStyle.GOOGLE,
        "numpy": docstring_parser.DocstringStyle.NUMPYDOC,
        "sphinx": docstring_parser.DocstringStyle.REST,
    }[docstring_format]
    try:
        # A leading newline: a docstring that opens with a section ("Returns:") has no summary line, and the
        # parser would otherwise take the section header for one.
        parsed = docstring_parser.parse("\n" + doc, style)
    except docstring_parser.ParseError:
        return FunctionDocs(doc.strip() or None, {})
    # A docstring with sections but no summary describes the tool as "" (not None: it has a docstring).
    summary = "\n\n".join(text for text in (parsed.short_description, parsed.long_description) if text)
    returns = parsed.returns.description if parsed.returns is not None else None
    return_type = parsed.returns.type_name if parsed.returns is not None else None
    description: str | None = summary
    if returns:
        # The reference's layout: the summary and the documented return value (its type, if given) as tags.
        type_line = f"<type>{return_type}</type>\n" if return_type else ""
        returns_block = f"<returns>\n{type_line}<description>{returns}</description>\n</returns>"
        description = f"<summary>{summary}</summary>\n{returns_block}" if summary else returns_block
    parameters = {p.arg_name: p.description for p in parsed.params if p.description}
    return FunctionDocs(description, parameters)
