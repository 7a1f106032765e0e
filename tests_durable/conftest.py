"""The durable tests run DBOS workers against a real Postgres (``nox -s durable`` installs ``pgserver``).

The ``postgres_url`` fixture starts one Postgres server for the session with ``pgserver`` (PostgreSQL's own
binaries in a wheel), in a temporary directory, on a Unix socket (no TCP port), and removes it at the end.
``pgserver`` cannot run Postgres as root (Postgres refuses to); run as root, it creates a system user
``pgserver`` (``useradd``) and runs the server's processes as that user, so no fallback is needed here.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL (``postgresql://postgres:@/durable_tests?host=<socket dir>``) of a database on a Postgres
    server started for the session; DBOS creates the database when it first connects."""
    with warnings.catch_warnings():
        # (platformdirs warns that XDG_RUNTIME_DIR is unset, on import; the suite turns warnings into errors)
        warnings.simplefilter("ignore")
        pgserver = pytest.importorskip("pgserver")
    directory = Path(tempfile.mkdtemp(prefix="trio-agent-pg-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(directory / "data", cleanup_mode="delete")
        try:
            yield server.get_uri("durable_tests")
        finally:
            server.cleanup()  # stops the server (``pg_ctl stop``) and deletes its data directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)
