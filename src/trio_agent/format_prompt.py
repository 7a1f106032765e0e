"""``format_as_xml``: Python data as XML for a prompt (the reference API's ``pydantic_ai.format_prompt``)."""

from ._format_prompt import format_as_xml as format_as_xml

__all__ = ["format_as_xml"]
