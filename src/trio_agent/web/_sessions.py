"""Browser sessions: a cookie per browser, and per session the conversation's history and its running turn.

A session is created the first time a browser asks for the page or sends a message without a (known) session
cookie; its cookie is a random token (``HttpOnly``, ``SameSite=Strict``, for this app's path), the only thing
that names it. Sessions live in memory for the app's lifetime: the :data:`MAX_SESSIONS` most recently used are
kept, and making one more forgets the least recently used idle one (a session with a running turn is kept).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .._ids import new_uuid7
from .._messages.messages import ModelMessage
from ._turn import Turn

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection
    from starlette.responses import Response

__all__ = ["MAX_SESSIONS", "Session", "Sessions"]

MAX_SESSIONS = 256
"""How many sessions an app remembers."""


@dataclass(eq=False)
class Session:
    """One browser's conversation."""

    token: str
    """The session cookie's value (a secret: never logged, never given to a run)."""
    conversation_id: str = field(default_factory=new_uuid7)
    """The runs' ``conversation_id``."""
    history: list[ModelMessage] = field(default_factory=list[ModelMessage])
    """The conversation so far: every ended turn's messages (the next turn continues from them)."""
    turn: Turn | None = None
    """The turn running now, if any (one at a time)."""

    @property
    def running(self) -> Turn | None:
        """The turn whose run is still going, if any (a turn whose run has ended, its history saved, may still be
        sending its response's last bytes: it does not keep the session from starting another)."""
        return self.turn if self.turn is not None and not self.turn.ended else None

    def save_history(self, messages: list[ModelMessage]) -> None:
        self.history = messages

    def release(self, turn: Turn) -> None:
        """``turn``'s response is over: the session can start another."""
        if self.turn is turn:
            self.turn = None


class Sessions:
    """The app's sessions, found by their cookie."""

    def __init__(self) -> None:
        self.cookie_name = f"trio_agent_chat_{secrets.token_hex(4)}"
        """The cookie's name, particular to this app (cookies do not tell ports apart: two apps on
        ``localhost`` must not overwrite each other's)."""
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def find(self, connection: HTTPConnection) -> Session | None:
        """The session whose cookie the request carries, if any."""
        token = connection.cookies.get(self.cookie_name)
        session = self._sessions.get(token) if token else None
        if session is not None:
            self._sessions.move_to_end(session.token)
        return session

    def find_or_create(self, connection: HTTPConnection) -> tuple[Session, bool]:
        """The request's session, made if it has none (then ``True``: set its cookie on the response)."""
        session = self.find(connection)
        if session is not None:
            return session, False
        session = Session(secrets.token_urlsafe(32))
        self._sessions[session.token] = session
        if len(self._sessions) > MAX_SESSIONS:
            idle = next((s for s in self._sessions.values() if s.running is None and s is not session), None)
            if idle is not None:
                del self._sessions[idle.token]
        return session, True

    def set_cookie(self, response: Response, session: Session) -> None:
        """Give the browser ``session``'s cookie (for this session of the browser only: no expiry)."""
        response.set_cookie(self.cookie_name, session.token, path="/", httponly=True, samesite="strict")
