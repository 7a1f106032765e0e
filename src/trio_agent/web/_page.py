"""The pages: the chat (``static/index.html``, with the app's title and the model's name filled in, escaped)
and the runs board (``static/board.html``), and the files they load (``static/app.js``, ``static/board.js``,
``static/style.css``), read from the package once, when the app is made.

The page is plain HTML, CSS and one script: no build step, nothing loaded from another site. It gets nothing
from the server but the title and the model's name (never a provider's URL or key): the model's name is what
:func:`model_label` says.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..models import KnownModelName, Model

__all__ = ["ASSETS", "BOARD_LINK", "CHAT_LINK", "Page", "model_label"]

ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "board.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
"""The files served under ``/static/``, with their content types."""


BOARD_LINK = '<a class="nav" href="board/">All runs</a>'
"""The chat page's link to the runs board, when the app serves one."""

CHAT_LINK = '<a class="nav" href="../">Chat</a>'
"""The runs board's link back to the chat, when the chat app serves it."""


def _read(name: str) -> bytes:
    return files("trio_agent.web").joinpath("static", name).read_bytes()


def model_label(agent: Any, model: Model | KnownModelName | None) -> str:
    """The model's name as the page shows it: ``model`` if given, else the agent's model (as a name such as
    ``'openai:gpt-4o'``, or a model's ``model_name``)."""
    if model is None:
        try:
            model = getattr(agent, "model", None)
        except Exception:  # a model named but not resolvable yet (a missing key): runs will say why
            return "the agent's model"
    if model is None:
        return "the agent's model"
    return model if isinstance(model, str) else model.model_name


@dataclass(frozen=True)
class Page:
    """The page and its assets, as served."""

    html: bytes
    """The page's HTML, filled in."""
    assets: dict[str, bytes]
    """Each file of :data:`ASSETS`, by name."""

    def page_response(self) -> Response:
        """The page (never cached: it is small, and names the app's current model)."""
        return Response(self.html, media_type="text/html; charset=utf-8", headers={"cache-control": "no-store"})

    def asset_response(self, name: str) -> Response:
        """The file ``name`` of :data:`ASSETS`; 404 for any other."""
        if name not in ASSETS:
            raise HTTPException(404, f"There is no static file {name!r}.")
        return Response(self.assets[name], media_type=ASSETS[name], headers={"cache-control": "no-cache"})

    @classmethod
    def load(cls, *, title: str, model: str = "", nav: str = "", template: str = "index.html") -> Page:
        """``template`` (a file of ``static/``) filled in: ``title`` and ``model`` as text, ``nav`` (one of
        the links below, or nothing) as it is; and the assets."""
        filled = (
            _read(template)
            .decode()
            .replace("{{title}}", html.escape(title))
            .replace("{{model}}", html.escape(model))
            .replace("{{nav}}", nav)
        )
        return cls(filled.encode(), {name: _read(name) for name in ASSETS})
