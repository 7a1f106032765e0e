"""Every ```python block in the README and under docs/ runs, and prints what the page says it prints.

A page's blocks run in order in one namespace (a later block uses what an earlier one defined), each with its
stdout captured; a block followed by an ```output block must print exactly that. A block whose first line
names a file (``# weather_app.py``) is also written to that file; blocks named ``test_*.py`` and
``conftest.py`` are not run as scripts: they are written out and run as a pytest-trio session, in which every
test must pass. A ```console block's ``$ `` lines are shell commands (the ``trio-agent`` command, offline) and
the other lines their stdout, compared line by line in any order (concurrent tools finish in any order).
(```sh blocks are installation and benchmark instructions; CI runs them as ``.ci/run`` and ``nox -s bench``.)
Provider blocks run too:
``OPENAI_BASE_URL``, ``ANTHROPIC_BASE_URL`` and ``OLLAMA_BASE_URL`` point at a fake server on 127.0.0.1
(with made-up keys), so a block that talks to "OpenAI" makes real HTTP requests to it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trio

from trio_agent.testing import FakeLLMServer

ROOT = Path(__file__).parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


FILE_NAME = re.compile(r"\A# (\w+\.py)\n")


@dataclass
class Block:
    code: str
    line: int
    expected_output: str | None

    @property
    def file_name(self) -> str | None:
        match = FILE_NAME.match(self.code)
        return match.group(1) if match else None

    @property
    def is_pytest_file(self) -> bool:
        name = self.file_name or ""
        return name == "conftest.py" or name.startswith("test_")


def python_blocks(page: Path) -> list[Block]:
    """The page's python blocks, each with the ```output block that directly follows it (if any)."""
    text = page.read_text()
    fences = list(FENCE.finditer(text))
    blocks: list[Block] = []
    for i, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        follower = fences[i + 1] if i + 1 < len(fences) else None
        expected = None
        if follower is not None and follower.group(1) == "output" and not text[fence.end() : follower.start()].strip():
            expected = follower.group(2)
        blocks.append(Block(fence.group(2), text.count("\n", 0, fence.start()) + 2, expected))
    return blocks


@dataclass
class Console:
    commands: list[str]
    expected_lines: list[str]
    line: int


def console_blocks(page: Path) -> list[Console]:
    text = page.read_text()
    blocks = []
    for fence in FENCE.finditer(text):
        if fence.group(1) != "console":
            continue
        lines = fence.group(2).splitlines()
        commands = [line[2:] for line in lines if line.startswith("$ ")]
        expected = [line for line in lines if not line.startswith("$ ")]
        blocks.append(Console(commands, expected, text.count("\n", 0, fence.start()) + 2))
    return blocks


def test_pages_have_runnable_blocks() -> None:
    counts = {page.relative_to(ROOT).as_posix(): len(python_blocks(page)) for page in PAGES}
    assert counts["README.md"] >= 5
    assert counts["docs/concepts.md"] >= 5
    assert counts["docs/testing.md"] >= 5
    assert len(console_blocks(ROOT / "docs" / "cli.md")) >= 5
    # every ```output block belongs to the python block right above it
    for page in PAGES:
        text = page.read_text()
        outputs = sum(1 for fence in FENCE.finditer(text) if fence.group(1) == "output")
        assert outputs == sum(block.expected_output is not None for block in python_blocks(page)), page


@contextlib.contextmanager
def fake_server_in_thread() -> Iterator[FakeLLMServer]:
    """A ``FakeLLMServer`` in its own thread and ``trio.run`` (the blocks call ``trio.run`` themselves)."""
    server = FakeLLMServer()
    started = threading.Event()
    token: list[trio.lowlevel.TrioToken] = []
    cancel_scope = trio.CancelScope()

    async def serve() -> None:
        token.append(trio.lowlevel.current_trio_token())
        with cancel_scope:
            async with trio.open_nursery() as nursery:
                await nursery.start(server.serve)
                started.set()
        started.set()

    thread = threading.Thread(target=trio.run, args=(serve,), daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield server
    finally:
        token[0].run_sync_soon(cancel_scope.cancel)
        thread.join(10)


@pytest.fixture
def provider_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLMServer]:
    with fake_server_in_thread() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-docs-test")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url_openai)
        monkeypatch.setenv("OLLAMA_BASE_URL", server.base_url_openai)
        monkeypatch.setenv("LLM_BASE_URL", server.base_url_openai)  # docs/providers.md's "any server"
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-docs-test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url_anthropic)
        yield server


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_page_code_blocks(
    page: Path, provider_env: FakeLLMServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocks = python_blocks(page)
    module = types.ModuleType(f"docs_page_{page.stem}")  # a real module: dataclasses and pickling look it up
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for block in blocks:
        if block.is_pytest_file:
            continue
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            exec(compile(block.code, f"{page.name}:{block.line}", "exec"), module.__dict__)
        if block.expected_output is not None:
            assert _normalise(stdout.getvalue()) == _normalise(block.expected_output), (
                f"{page.name}:{block.line} printed something else than its output block"
            )
    files = {block.file_name: block.code for block in blocks if block.file_name}
    if any(block.is_pytest_file for block in blocks):
        run_pytest_files(tmp_path, files)


def run_pytest_files(directory: Path, files: dict[str | None, str]) -> None:
    """Run the page's test files as a user would: a pytest-trio session in a fresh process."""
    for name, code in files.items():
        assert name is not None
        (directory / name).write_text(code)
    (directory / "pytest.ini").write_text("[pytest]\ntrio_mode = true\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    tests = sum(code.count("\nasync def test_") + code.count("\ndef test_") for code in files.values())
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.match(rf"{tests} passed in ", summary), result.stdout


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def test_docs_build(tmp_path: Path) -> None:
    """``mkdocs build --strict``: every page, nav entry and API reference (from the docstrings) resolves."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "concepts" / "index.html").exists()
    api_page = (tmp_path / "site" / "api" / "agent" / "index.html").read_text()
    assert "run_stream_events" in api_page


@pytest.mark.parametrize("block", console_blocks(ROOT / "docs" / "cli.md"), ids=lambda block: f"cli.md:{block.line}")
def test_console_blocks(block: Console) -> None:
    """The documented ``trio-agent`` sessions, run offline (no API key: the embedded scripted model)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["COLUMNS"] = "200"  # no wrapping of long lines by the display
    output = []
    for command in block.commands:
        result = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{command!r} failed: {result.stderr}"  # every documented command succeeds
        output.append(result.stdout)
    assert sorted(_normalise("".join(output)).splitlines()) == sorted(
        _normalise("\n".join(block.expected_lines)).splitlines()
    )
