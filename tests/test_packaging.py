"""The extras: what users install for the pytest plugin, and what ``nox -s tests`` installs for this suite."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent


def extras() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    return extras


def requirements(extra: str) -> set[str]:
    """The distributions ``trio-agent[extra]`` adds, with the extras it includes expanded."""
    names: set[str] = set()
    for requirement in extras()[extra]:
        found = re.match(r"([A-Za-z0-9_.-]+)(\[([^\]]*)\])?", requirement)
        assert found is not None, requirement
        name, _, included = found.groups()
        if name == "trio-agent":
            for other in included.split(","):
                names |= requirements(other.strip())
        else:
            names.add(name.lower())
    return names


def nox_session_extra(session: str) -> str:
    """The extra that ``session`` in noxfile.py installs the project with (``session.install("-e", ".[x]")``)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    function = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == session)
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "session.install":
            for arg in node.args:
                if isinstance(arg, ast.Constant) and (found := re.fullmatch(r"\.\[(\w+)\]", str(arg.value))):
                    return found.group(1)
    raise AssertionError(f"the `{session}` session installs no extra")


def test_the_tests_extra_is_what_the_pytest_plugin_needs_and_no_docs_toolchain() -> None:
    assert requirements("tests") == {"pytest", "pytest-trio"}


def test_nox_tests_installs_everything_the_suite_imports() -> None:
    needed = {"pytest", "pytest-trio", "hypothesis", "mkdocs", "mkdocstrings"}  # a test builds the docs
    assert needed <= requirements(nox_session_extra("tests"))
    assert requirements("dev") >= requirements("tests") | requirements("docs")
