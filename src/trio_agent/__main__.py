"""``python -m trio_agent``: the ``trio-agent`` command line (see ``python -m trio_agent --help``)."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
