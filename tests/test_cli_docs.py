"""Every ``flask secondop ...`` command the docs name exists (issue 22, item 6).

Read out of README.md, docs/*.md, example_host and every module of the package
(docstrings, comments and messages): each command must be in ``app.cli``'s
``secondop`` group, and each ``--option`` written right after it must be one
of that command's options. A docstring that said ``flask secondop db upgrade``
(the command is ``db-upgrade``) failed here.
"""
from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
# "flask secondop sweep --verify", "flask --app portal secondop db-upgrade"; a command
# name is a lower-case word (a placeholder such as "..." or "<rev>" is not one).
MENTION = re.compile(r"flask(?: --app \S+)? secondop ([a-z][a-z0-9-]*)((?: +(?:--[a-z][a-z0-9-]*|[^\s`\"'#-]+))*)")


def _texts() -> dict[str, str]:
    paths = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             *sorted((ROOT / "oncokind_secondop").rglob("*.py")),
             *sorted((ROOT / "example_host").rglob("*.py"))]
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in paths}


def mentions() -> list[tuple[str, str, list[str]]]:
    found = []
    for where, text in _texts().items():
        for match in MENTION.finditer(text):
            options = re.findall(r"--[a-z][a-z0-9-]*", match.group(2))
            found.append((where, match.group(1), options))
    return found


def _group(app: Flask) -> click.Group:
    group = app.cli.commands["secondop"]
    assert isinstance(group, click.Group)
    return group


def test_the_docs_name_commands_at_all() -> None:
    named = {command for _, command, _ in mentions()}
    assert {"db-upgrade", "sweep", "config", "forget-patient"} <= named


def test_every_command_named_in_the_docs_exists(app: Flask) -> None:
    group = _group(app)
    missing = sorted({f"{where}: flask secondop {command}" for where, command, _ in mentions()
                      if command not in group.commands})
    assert missing == []


def test_every_option_named_in_the_docs_exists(app: Flask) -> None:
    group = _group(app)
    wrong = []
    for where, command, options in mentions():
        if command not in group.commands:
            continue  # reported by the test above
        known = {opt for param in group.commands[command].params for opt in param.opts}
        wrong += [f"{where}: flask secondop {command} {opt}" for opt in options if opt not in known]
    assert wrong == []


@pytest.mark.parametrize("text", ["flask secondop db upgrade", "run `flask secondop migrate` first"])
def test_a_wrong_command_would_be_caught(app: Flask, text: str) -> None:
    [match] = MENTION.finditer(text)
    assert match.group(1) not in _group(app).commands
