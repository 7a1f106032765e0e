"""What the chat app refuses, and the headers every response carries.

* **DNS rebinding.** A web page on another site can make a browser resolve its own name to ``127.0.0.1`` and
  then talk to this app as if it were that site. Such a request still says the other site's name in its
  ``Host`` header, so :class:`SecurityMiddleware` answers only requests whose ``Host`` (any port) is one of the
  app's ``allowed_hosts``, and refuses the others with 421 before any route sees them. A request whose
  ``Origin`` is another site's is refused too (403), unless it only reads (``GET``/``HEAD``).
* **Cross-site requests.** The session cookie is ``SameSite=Strict`` (another site's page cannot send it), and
  the API takes JSON only (:func:`read_json`: 415 otherwise), which a plain HTML form cannot send.
* **Large bodies.** :func:`read_json` refuses a body over the app's ``max_body_bytes`` with 413 as soon as
  its ``Content-Length``, or the bytes read so far, say it is too large: it never reads one whole.
* **The page.** Every response carries :data:`SECURITY_HEADERS`: a Content-Security-Policy that lets the page
  load scripts, styles and data from this app only (no inline script, no other site), ``nosniff``, no
  ``Referer``, no framing.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import aclosing
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityMiddleware", "host_name", "read_json"]

M = TypeVar("M", bound=BaseModel)

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The page may load its script, its style sheet and the API from this app, and nothing else."""

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
"""Set on every response (unless the response sets the header itself)."""

_READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def host_name(host: str) -> str:
    """A ``Host`` header's (or an origin's authority's) name: its port left out, lower case, an IPv6
    address without its brackets."""
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") > 1:  # an IPv6 address without brackets (and so without a port): ::1
        return host
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() else host


class SecurityMiddleware:
    """The Host and Origin checks and the security headers (see the module), as ASGI middleware."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str]) -> None:
        self.app = app
        self.allowed_hosts = frozenset(host_name(host) for host in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            status, text = refusal
            response = PlainTextResponse(text, status_code=status, headers=SECURITY_HEADERS)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        allowed = ", ".join(sorted(self.allowed_hosts))
        if host_name(host) not in self.allowed_hosts:
            return 421, (
                f"This chat app answers requests for {allowed} only, not for Host {host!r}: a page of another "
                "site may be trying to reach it (DNS rebinding). To serve it under that name, add the name to "
                "`allowed_hosts`."
            )
        origin = headers.get("origin")
        if origin is not None and scope["method"] not in _READ_ONLY_METHODS:
            authority = origin.partition("://")[2]
            if host_name(authority) not in self.allowed_hosts:
                return 403, f"Requests from the page of {origin!r} are refused: only pages of {allowed} may send them."
        return None


async def read_json(request: Request, model: type[M], max_bytes: int) -> M:
    """The request's JSON body, validated as ``model``; an ``HTTPException`` for a body that is not JSON
    (415), too large (413: refused before it is read whole), malformed (400) or not valid (422)."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(
            415, f"The request body must be JSON (`Content-Type: application/json`), not {media_type!r}."
        )
    too_large = f"The request body is larger than the {max_bytes} bytes this app accepts."
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise HTTPException(413, too_large)
    body = bytearray()
    async with aclosing(request.stream()) as chunks:  # (closed when it stops early: not left to the GC)
        async for chunk in chunks:
            body += chunk
            if len(body) > max_bytes:
                raise HTTPException(413, too_large)
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise HTTPException(400, "The request body is not valid JSON.") from None
        fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors())
        raise HTTPException(422, f"The request body is not a valid {model.__name__}: {fields}.") from None
