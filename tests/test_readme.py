"""The README's command transcripts are real: each is run and compared.

A transcript is a ```console block after a ``<!-- transcript -->`` marker:
the first line is ``$ mailarchive ...``, the rest is its stdout, run from the
repository root. ``pytest --update-golden`` rewrites them (review the diff).
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailarchive.cli import cli

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK = re.compile(r"<!-- transcript -->\n```console\n(\$ [^\n]*)\n(.*?)```", re.S)


def transcripts() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(README.read_text())]


def run(command: str) -> str:
    args = shlex.split(command.removeprefix("$ "))
    assert args[0] == "mailarchive"
    old = Path.cwd()
    os.chdir(REPO)
    try:
        result = CliRunner().invoke(cli, args[1:], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_readme_has_transcripts() -> None:
    commands = {shlex.split(c)[2] for c, _ in transcripts()}
    assert {"parse", "threads", "show", "export", "stats"} <= commands


@pytest.mark.parametrize("command", [c for c, _ in transcripts()])
def test_transcript_matches(command: str, update_golden: bool) -> None:
    out = run(command)
    text = README.read_text()
    expected = dict(transcripts())[command]
    if update_golden and out != expected:
        text = text.replace(f"{command}\n{expected}```", f"{command}\n{out}```")
        README.write_text(text)
        expected = out
    assert out == expected
