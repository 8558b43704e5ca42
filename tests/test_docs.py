"""Every CLI command has help with an example and appears in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mailarchive.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = sorted(cli.commands)


def test_expected_commands_exist() -> None:
    assert {"parse", "threads", "export", "show", "stats", "schema"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_in_readme(name: str) -> None:
    assert re.search(rf"mailarchive {name}\b", README), f"`mailarchive {name}` missing from README"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    command = cli.commands[name]
    assert isinstance(command, click.Command)
    assert command.help, f"{name} has no help text"
    assert "Example" in result.output, f"{name} --help shows no example"


def test_quick_start_has_exactly_two_setup_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```sh", 1)[1].split("```", 1)[0]
    lines = [line for line in block.strip().splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("pip install . && mailarchive ")
    assert lines[1] == 'pip install -e ".[test]" && pytest'
