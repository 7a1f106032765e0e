"""The Gemini API provider (Google AI Studio, the reference's ``'google-gla'``)."""

from ._google import GoogleProvider as GoogleProvider

__all__ = ["GoogleProvider"]
