"""A chat page for an agent, and a board of every live run: Starlette apps to serve on ``127.0.0.1``.

::

    from trio_agent.web import create_chat_app

    app = create_chat_app(agent)   # then: hypercorn -k trio module:app --bind 127.0.0.1:8000

The page streams each answer as it comes (text, thinking, tool calls with their arguments and results), has a
Stop button, and lets you send a message while the agent works: it is steered into the running turn
(``run.enqueue``), not queued behind it. Each browser session (a cookie) has its own conversation, in memory.

The runs board (:class:`RunBoard`) shows every run that reports to it (``event_channel=board.channel()``), live:
agent, status, model, tokens, tool calls, elapsed time, and each run's transcript as it streams; a person can
cancel a run or steer it (``enqueue``) from the page. Serve it on its own (:func:`create_board_app`) or with the
chat (``create_chat_app(agent, board=board)``, at ``/board/``; the chat's turns report to it).

The map:

* ``_app.py`` — :func:`create_chat_app`: the routes and their endpoints.
* ``_turn.py`` — a turn: one run, driven by a task, its events streamed as the Vercel AI data stream
  (:mod:`trio_agent.ui.vercel_ai`); stop and steer.
* ``_sessions.py`` — browser sessions: the cookie, each conversation's history and running turn.
* ``_security.py`` — the ``Host``/``Origin`` checks (DNS rebinding), body limits, JSON only, security headers.
* ``_board.py`` — :class:`RunBoard`: the channel runs report through, the task reading it, cancel and steer.
* ``_board_record.py`` — :class:`RunRecord`: one run's summary and transcript, built from its events.
* ``_board_app.py`` — the board's page and API (:func:`create_board_app`, and the routes the chat app mounts).
* ``_errors.py`` — what a page is told of a run's failure.
* ``_page.py`` and ``static/`` — the pages: HTML, CSS and a script each, no build step, nothing from other sites.

Resource handling: each turn's run is owned by its streaming response, as with
:class:`~trio_agent.ui.UIAdapter`: the response enters the block that owns the run while it sends, and leaves
it when the run's last event is sent or the client disconnects, which cancels the run (and any model request
or tool in flight). Nothing a turn starts outlives its response, except the worker thread of a sync tool
(which runs on until its function returns). Conversations live in memory for the app's lifetime; a turn that
ends however it ends (an answer, a stop, a failure, a disconnect) leaves its messages as the session's
history, its completed steps only if it did not finish.

Error handling: a refused request is answered with a JSON ``{"detail": ...}`` before any run starts (421 for a
foreign ``Host``, 403 for a foreign ``Origin``, 413, 415, 400, 422, 404, 409). A run that fails is reported in
its stream (the protocol's ``error`` chunk, then ``finish``) without the provider's details, which go to the
``trio_agent.web`` logger.

Importing this package imports Starlette (``pip install 'trio-agent[web]'``, which brings Hypercorn to serve it
too); ``import trio_agent`` does not.
"""

from ._app import create_chat_app as create_chat_app
from ._board import RunBoard as RunBoard
from ._board_app import create_board_app as create_board_app
from ._board_record import RunRecord as RunRecord

__all__ = ["RunBoard", "RunRecord", "create_board_app", "create_chat_app"]
